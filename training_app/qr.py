"""QR codes drawn by the app itself (segno) as inline SVG: no image request, CSP-safe."""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(data: str, label: str, css_class: str) -> Markup:
    """An accessible, scalable SVG QR code of `data` (no style attributes, so CSP-safe).

    Never cached: the two-factor set-up code holds a secret that must not outlive the request.
    """
    svg = segno.make(data, error="m").svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass=css_class,
        lineclass=None,
        title=None,
    )
    # A role and a name so screen readers announce it as one image, not a drawing.
    opening = f'<svg role="img" aria-label="{escape(label)}" focusable="false" '
    return Markup(svg.replace("<svg ", opening, 1))  # noqa: S704 - segno's own markup
