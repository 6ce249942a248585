"""The one QR helper: accessible inline SVG, label escaped, the caller's CSS class."""

from __future__ import annotations

from training_app.qr import qr_svg


def test_qr_svg_is_one_named_image_with_the_callers_class() -> None:
    svg = str(qr_svg("https://example.org/join/AB12", 'Scan "me" <now>', "lesson-qr"))
    assert svg.startswith('<svg role="img" aria-label="Scan &#34;me&#34; &lt;now&gt;" focusable')
    assert 'class="lesson-qr"' in svg
    assert "style=" not in svg  # the CSP forbids inline styles
    assert svg.count("<svg") == 1
