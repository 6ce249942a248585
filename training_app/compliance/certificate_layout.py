"""The PDF certificate's page: landscape A4, laid out to be printed and kept.

One page, always: the school (and its logo), who completed which module and when, what the
module teaches, the CPD time, the guidance edition followed, a signature line for the school
and the verification code with its QR code. Lines are centred or left-aligned, never
justified (a justified title is stretched across the page).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import segno

from training_app.pdf import Document, latin1

if TYPE_CHECKING:
    from training_app.compliance.certificates import Certificate

WIDTH, HEIGHT, MARGIN = 297.0, 210.0, 14.0
BRAND = (29, 79, 145)
INK = (11, 12, 12)
MUTED = (72, 73, 73)
MAX_OUTCOMES = 10


def _long_date(value: object) -> str:
    return value.strftime("%-d %B %Y")  # type: ignore[attr-defined]


def _centred(
    pdf: Document, text: str, size: float, *, bold: bool = False, gap: float = 1.5
) -> None:
    """One or more centred lines across the page."""
    pdf.set_font("Helvetica", style="B" if bold else "", size=size)
    pdf.set_x(MARGIN + 6)
    pdf.multi_cell(
        WIDTH - 2 * (MARGIN + 6),
        size * 0.45,
        latin1(text),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(gap)


def _frame(pdf: Document) -> None:
    """A double rule round the page (the border a printed certificate is recognised by)."""
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, WIDTH - 16, HEIGHT - 16)
    pdf.set_line_width(0.3)
    pdf.rect(10.5, 10.5, WIDTH - 21, HEIGHT - 21)


def _header(pdf: Document, cert: Certificate) -> None:
    """The school's logo (if uploaded) at the top left and its name across the top."""
    if cert.logo_png:
        pdf.image(
            io.BytesIO(cert.logo_png),
            x=MARGIN + 2,
            y=MARGIN,
            h=20,
            keep_aspect_ratio=True,
            w=45,
            alt_text=f"{cert.school} logo",
        )
    pdf.set_y(MARGIN + 2)
    pdf.set_text_color(*BRAND)
    _centred(pdf, cert.school, 15, bold=True, gap=0.5)
    pdf.set_text_color(*MUTED)
    _centred(pdf, "Safeguarding training: responding to the sharing of nudes and semi-nudes", 10)


def _facts(cert: Certificate) -> list[tuple[str, str]]:
    """The label-value lines of the right-hand column."""
    facts = [("Date completed", _long_date(cert.completed_on))]
    if cert.cpd_minutes:
        facts.append(("CPD time", f"{cert.cpd_minutes} minutes"))
    if cert.score is not None:
        facts.append(("Quiz score", f"{cert.score}%"))
    if cert.external:
        facts.append(("How", "Recorded by the school (training completed elsewhere)"))
    facts.append(("Valid until", _long_date(cert.valid_until)))
    facts.append(("Guidance followed", cert.edition or "Not recorded"))
    if cert.validity == "voided":
        facts.append(("Status", "VOIDED - this record was withdrawn by the school"))
    elif cert.validity == "unconfirmed":
        facts.append(("Status", "NOT CONFIRMED - recorded by the person, awaiting a second person"))
    return facts


def _body(pdf: Document, cert: Certificate, top: float) -> float:
    """Outcomes on the left, facts on the right; returns where the lower of the two ends."""
    left_w, right_x = 160.0, MARGIN + 6 + 160.0 + 10
    right_w = WIDTH - MARGIN - 6 - right_x
    pdf.set_xy(MARGIN + 6, top)
    pdf.set_text_color(*INK)
    if cert.outcomes:
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(left_w, 6, "What this module covers", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9.5)
        for outcome in cert.outcomes[:MAX_OUTCOMES]:
            pdf.set_x(MARGIN + 6)
            pdf.cell(4, 4.4, "-")
            pdf.multi_cell(
                left_w - 4, 4.4, latin1(outcome), align="L", new_x="LMARGIN", new_y="NEXT"
            )
    left_end = pdf.get_y()
    pdf.set_xy(right_x, top)
    for label, value in _facts(cert):
        pdf.set_x(right_x)
        pdf.set_font("Helvetica", style="B", size=9.5)
        pdf.cell(right_w, 4.6, latin1(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(right_x)
        pdf.set_font("Helvetica", size=9.5)
        pdf.multi_cell(right_w, 4.6, latin1(value), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return max(left_end, pdf.get_y())


def _signature(pdf: Document, y: float) -> None:
    """Lines for the school to sign and date a printed copy."""
    x = MARGIN + 6
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(x, y, x + 75, y)
    pdf.line(x + 85, y, x + 125, y)
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(x, y + 1)
    pdf.cell(75, 4.5, "Signed for the school (name and role)")
    pdf.set_xy(x + 85, y + 1)
    pdf.cell(40, 4.5, "Date")


def _verification(pdf: Document, cert: Certificate, verify_url: str) -> None:
    """The code, the link and the QR code at the bottom right."""
    qr_size = 30.0
    qr_x, qr_y = WIDTH - MARGIN - 4 - qr_size, HEIGHT - MARGIN - 4 - qr_size
    text_x, text_w = qr_x - 96, 92.0
    pdf.set_text_color(*INK)
    pdf.set_xy(text_x, qr_y + 4)
    pdf.set_font("Helvetica", style="B", size=9)
    pdf.cell(text_w, 4.5, "Verification code", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", size=8.5)
    pdf.set_x(text_x)
    pdf.multi_cell(
        text_w,
        4.2,
        latin1(cert.code or "none (recorded before codes existed)"),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if verify_url:
        pdf.set_font("Helvetica", size=8)
        pdf.set_x(text_x)
        pdf.multi_cell(
            text_w, 4, latin1(f"Check it at {verify_url}"), align="R", new_x="LMARGIN", new_y="NEXT"
        )
    if cert.code and verify_url:
        image = io.BytesIO()
        segno.make(verify_url, error="m").save(image, kind="png", scale=6, border=2)
        image.seek(0)
        pdf.image(image, x=qr_x, y=qr_y, w=qr_size, alt_text="QR code of the verification link")


def render(cert: Certificate, verify_url: str) -> bytes:
    """The whole certificate, one landscape A4 page."""
    pdf = Document(f"Certificate - {cert.module}", landscape=True, footer=False)
    pdf.set_auto_page_break(auto=False)
    _frame(pdf)
    _header(pdf, cert)
    pdf.ln(3)
    pdf.set_text_color(*INK)
    _centred(pdf, "Certificate of completion", 26, bold=True, gap=2)
    pdf.set_text_color(*MUTED)
    _centred(pdf, "This certifies that", 11, gap=0.5)
    pdf.set_text_color(*INK)
    _centred(pdf, cert.name, 22, bold=True, gap=0.5)
    pdf.set_text_color(*MUTED)
    _centred(pdf, "completed the module", 11, gap=0.5)
    pdf.set_text_color(*BRAND)
    _centred(pdf, cert.module, 16, bold=True, gap=4)
    end = _body(pdf, cert, pdf.get_y())
    _signature(pdf, max(end + 14, HEIGHT - MARGIN - 14))
    _verification(pdf, cert, verify_url)
    return pdf.to_bytes()
