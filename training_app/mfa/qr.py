"""The set-up QR code, drawn by the app (segno) as inline SVG: no image request, CSP-safe."""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(data: str, label: str) -> Markup:
    """An accessible SVG QR code of `data`; never cached, because `data` holds a secret."""
    svg = segno.make(data, error="m").svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="mfa-qr",
        lineclass=None,
        title=None,
    )
    opening = f'<svg role="img" aria-label="{escape(label)}" focusable="false" '
    return Markup(svg.replace("<svg ", opening, 1))  # noqa: S704 - segno's own markup
