"""PDF documents (certificates, practice records) in pure Python with fpdf2.

Only the PDF core fonts are used, so nothing depends on fonts installed on the server;
they cover Latin-1, so text is mapped to it first (curly quotes, dashes, ellipses).
"""

from __future__ import annotations

from fpdf import FPDF

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
    "\u2212": "-",
    "\u2192": "->",
}


def latin1(text: str) -> str:
    """Map text onto the Latin-1 range the core fonts can draw ('?' for anything else)."""
    for char, replacement in _REPLACEMENTS.items():
        text = text.replace(char, replacement)
    return text.encode("latin-1", "replace").decode("latin-1")


class Document(FPDF):
    """An A4 document with the service's header line and page numbers."""

    def __init__(self, title: str, *, landscape: bool = False, footer: bool = True) -> None:
        super().__init__(
            orientation="landscape" if landscape else "portrait", unit="mm", format="A4"
        )
        self.doc_title = latin1(title)
        self.show_footer = footer
        self.set_title(self.doc_title)
        self.set_creator("Safeguarding training")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()

    def footer(self) -> None:
        """Page number and title at the foot of every page (not on a one-page certificate)."""
        if not self.show_footer:
            return
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.doc_title} - page {self.page_no()}", align="C")

    def heading(self, text: str, size: int = 16, keep_with_next: float = 24) -> None:
        """A bold heading on its own line, moved to a new page rather than left alone at the foot.

        `keep_with_next` is how much of what follows (in mm) must fit under the heading.
        """
        self.set_font("Helvetica", style="B", size=size)
        lines = self.multi_cell(0, size * 0.5, latin1(text), dry_run=True, output="LINES")
        assert isinstance(lines, list)
        if self.will_page_break(len(lines) * size * 0.5 + 2 + keep_with_next):
            self.add_page()
        self.set_text_color(11, 12, 12)
        self.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, size: int = 11) -> None:
        """A wrapped paragraph of body text."""
        self.set_font("Helvetica", size=size)
        self.set_text_color(11, 12, 12)
        self.multi_cell(0, size * 0.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def field(self, label: str, value: str) -> None:
        """A 'Label: value' line, the label in bold."""
        self.set_font("Helvetica", style="B", size=11)
        self.cell(55, 6, latin1(label))
        self.set_font("Helvetica", size=11)
        self.multi_cell(0, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")

    def to_bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self.output())
