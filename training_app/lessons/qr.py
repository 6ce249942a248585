"""QR codes for the join link, drawn by the app itself (segno) as inline SVG markup."""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup, escape


@lru_cache(maxsize=256)
def qr_svg(url: str, label: str) -> Markup:
    """An accessible, scalable SVG of a QR code for `url` (no style attributes, CSP-safe)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="lesson-qr",
        lineclass=None,
        title=None,
    )
    # A role and a name so screen readers announce it as one image, not a drawing.
    opening = f'<svg role="img" aria-label="{escape(label)}" focusable="false" '
    return Markup(svg.replace("<svg ", opening, 1))  # noqa: S704 - segno's own markup
