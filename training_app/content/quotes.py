"""Quotes of the guidance in content Markdown, each checked verbatim against what it cites.

The convention (docs/content-authoring.md, "Quoting the guidance"):

- A blockquote (``> ...``) that holds a citation ``[[...]]`` is a quote of the guidance. Each
  part of it must appear verbatim in one of the sections cited by the first run of citations
  that follows that part inside the blockquote (normally the citations at its end).
- In a ``::: law`` or ``::: guidance`` callout that holds a citation, text between quote marks
  (“...” or "...") is a quote, checked the same way against the citations that follow it in the
  callout.
- An ellipsis (``…`` or ``...``) marks words left out: the words on each side are checked
  separately. Paragraphs and list items of a blockquote are checked separately too, because
  the guidance texts are PDF extractions whose list numbers and line order do not survive.

"Verbatim" is `training_app.content.guidance.quote_found`'s test: whitespace, line breaks,
list markers and ``**`` are layout and ignored; words, spelling, punctuation, quote marks and
apostrophes must match. A blockquote without a citation (a pupil's words in a story) is not a
quote of the guidance and is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from markdown_it.token import Token

from training_app import rules as registry
from training_app.content.guidance import (
    described_citations,
    passage,
    quote_found,
    quote_sources,
)
from training_app.content.render import MD
from training_app.content.schema import Reader

QuoteKind = Literal["blockquote", "law"]
# Callouts whose quote-marked text is a quote of the guidance (checked like the law box).
_QUOTING_CALLOUTS = ("law", "guidance")
_OPEN = {f"container_{name}_open" for name in _QUOTING_CALLOUTS}
_CLOSE = {f"container_{name}_close" for name in _QUOTING_CALLOUTS}

_ELLIPSIS = re.compile(r"…|\.\.\.")
_QUOTED = re.compile(r"“([^”]*)”|\"([^\"]*)\"")
_EDGES = " \t\n\"'“”‘’"
_LEAD = re.compile(r"^\W+")
_WORD = re.compile(r"\w")
# Typography the eye cannot tell apart but a verbatim match can: used only for the hint.
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_PREVIEW_WORDS = 8


@dataclass(frozen=True)
class Quote:
    """One part of a guidance quote: its words as written and the citations that vouch for it."""

    text: str
    citations: tuple[str, ...]
    kind: QuoteKind

    @property
    def preview(self) -> str:
        """The first words of the quote, to name it in a problem."""
        words = self.text.split()
        more = "…" if len(words) > _PREVIEW_WORDS else ""
        return "“" + " ".join(words[:_PREVIEW_WORDS]) + more + "”"


# A region's content as a stream: text, a citation, or a boundary between blocks.
_Item = tuple[Literal["text", "cite", "break"], str]


def find_quotes(markdown: str) -> tuple[Quote, ...]:
    """Every guidance quote in a Markdown text, split into the parts that are checked."""
    found: list[Quote] = []
    for kind, items in _regions(MD.parse(markdown)):
        if any(item == "cite" for item, _ in items):
            found.extend(_quotes(kind, items))
    return tuple(found)


def _regions(tokens: Sequence[Token]) -> Iterator[tuple[QuoteKind, list[_Item]]]:
    """The outermost blockquotes and quoting callouts; a blockquote in a callout is its own."""
    stack: list[tuple[QuoteKind, list[_Item]]] = []
    for token in tokens:
        if token.type == "blockquote_open" or token.type in _OPEN:
            stack.append(("blockquote" if token.type == "blockquote_open" else "law", []))
        elif (token.type == "blockquote_close" or token.type in _CLOSE) and stack:
            yield stack.pop()
        elif token.type == "inline" and stack:
            items = stack[-1][1]
            items.append(("break", ""))
            items.extend(_inline_items(token.children or []))
    # Unclosed regions run to the end of the text, as markdown-it renders them.
    while stack:
        yield stack.pop()


def _inline_items(children: Sequence[Token]) -> Iterator[_Item]:
    for child in children:
        if child.type == "citation":
            yield "cite", child.meta["citation"]
        elif child.type in ("text", "code_inline"):
            yield "text", child.content
        elif child.type in ("softbreak", "hardbreak"):
            yield "text", " "
        elif child.type == "protocol_token":
            yield "text", child.content


def _quotes(kind: QuoteKind, items: list[_Item]) -> Iterator[Quote]:
    """Pair each run of text with the run of citations after it, and cut it into parts."""
    texts: list[str] = []
    pending: list[str] = []  # parts waiting for the next citation run
    cites: list[str] = []
    for item, value in [*items, ("break", "")]:
        if item == "cite":
            pending += _parts(kind, texts)
            texts = []
            cites.append(value)
            continue
        if cites and item == "text" and not _WORD.search(value):
            texts.append(value)  # spaces or punctuation between citations: the run goes on
            continue
        if cites:  # a citation run just ended: it vouches for everything pending
            yield from (Quote(part, tuple(cites), kind) for part in pending)
            pending, cites = [], []
        if item == "break":
            pending += _parts(kind, texts)
            texts = []
        else:
            texts.append(value)
    # Parts after the last citation have nothing to vouch for them.
    yield from (Quote(part, (), kind) for part in pending)


def _parts(kind: QuoteKind, texts: list[str]) -> list[str]:
    text = "".join(texts)
    if kind == "law":
        spans = [m[1] if m[1] is not None else m[2] for m in _QUOTED.finditer(text)]
    else:
        spans = [text]
    # Trimming the edges only loosens the match: a part of a verbatim quote is verbatim too.
    parts = (
        _LEAD.sub("", piece).rstrip(_EDGES) for span in spans for piece in _ELLIPSIS.split(span)
    )
    return [part for part in parts if _WORD.search(part)]


def check_quotes(found: Reader, node: str, field: str, markdown: str) -> None:
    """Record a problem for every quote that is not verbatim in a section it cites."""
    for quote in find_quotes(markdown):
        if not quote.citations:
            found.problem(
                node,
                field,
                f"quote {quote.preview} has no citation after it",
                "end the quote with the citation(s) of the section it comes from",
            )
            continue
        # Unknown citations are reported on their own; with none known there is nothing to check.
        if not any(registry.is_valid_citation(c) for c in quote.citations):
            continue
        described = described_citations(quote.citations)
        if described:
            source = registry.section(described[0]).source
            found.problem(
                node,
                field,
                f"quote {quote.preview} cites {', '.join(described)}: {source} is not vendored",
                f"{source} is not vendored: paraphrase it and cite the section (no quote marks), "
                "or quote a vendored source",
            )
            continue
        if not quote_found(quote.text, quote.citations):
            message = f"quote {quote.preview} is not in {', '.join(quote.citations)}"
            found.problem(node, field, message, _hint(quote))


def _hint(quote: Quote) -> str:
    where = quote_sources(quote.text)
    if where:
        return f"it is in {', '.join(where)}: cite that"
    folded = _fold(quote.text)
    near = [
        s.citation
        for s in registry.known_sections()
        if not s.described and folded in _fold(passage(s.citation).text)
    ]
    if near:
        return (
            f"the words are in {', '.join(near)}, but its quote marks, apostrophes or dashes "
            "differ: copy them from the guidance"
        )
    return (
        "copy it exactly from the guidance (only spaces, line breaks, list markers and ** are "
        "ignored); mark words you leave out with …"
    )


def _fold(text: str) -> str:
    return registry.normalise_text(text).translate(_TYPOGRAPHY)
