"""A vendored guidance passage made readable: a human heading and reflowed paragraphs.

The vendored files are text pulled out of PDFs, so a sentence is often cut across two lines
(and sometimes across a page break's blank line). The words are the document's own and are
never changed; only where the lines break is worked out again, and markdown marks are dropped.
Pure: no Flask, so it is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

PARAGRAPH = "p"
ITEM = "li"
SUBHEADING = "h2"

# Where a sentence (or a lead-in to a list) can end at a line's end.
_ENDS = (".", "?", "!", ":", ";", "”", "’", '"', "'", ")")
_BULLET = re.compile(r"^\s*[-*•▪●◦o]\s+")
# Numbered items only start a new block after a finished sentence: "(outcome\n21) to" is prose.
_NUMBERED = re.compile(r"^\s*(?:\d+[.)]|[a-z][.)])\s+")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")
_NUMBER = re.compile(r"^\s*(?:\d+\.\s?\d*|\d+)\s+")
_BARE_MARKER = re.compile(r"^\s*(?:[-*•▪●◦]|\d+[.)])\s*$")
# A short line with no closing punctuation, followed by a capital, is a heading of its own.
_SHORT = 45


@dataclass(frozen=True)
class Block:
    """One paragraph, list item or subheading of a passage."""

    kind: str
    text: str


def human_heading(heading: str) -> str:
    """A section heading as a reader wants it: no section number, not shouted in capitals."""
    text = _NUMBER.sub("", heading.strip()).strip()
    if text.isupper():
        text = text[:1] + text[1:].lower()
    return text or heading


def _clean(line: str) -> str:
    return line.replace("**", "").replace("__", "").strip()


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_ENDS)


def _starts_lower(text: str) -> bool:
    first = text.lstrip()[:1]
    return first.islower() or first in "(,"


def reflow(text: str, heading: str = "") -> list[Block]:
    """Split a passage into blocks, joining lines that a PDF's layout broke mid-sentence.

    The section's own heading line (``heading``, how its first line starts) is left out, as
    the page shows it as the title.
    """
    lines = text.splitlines()
    if heading and lines and _clean(lines[0]).lstrip("# ").startswith(heading):
        lines = lines[1:]
    blocks: list[Block] = []
    open_block = False  # whether the last block may still take the next line
    gap = False  # a blank line since the last text
    # PDF lists often come out as a run of bare markers ("-", "1.") and then the items, one
    # a line: after a bare marker, each line starting a capital is an item, until a blank line.
    listing = False
    for raw in lines:
        if not raw.strip():
            gap = True
            if listing and blocks and blocks[-1].kind == ITEM:
                listing = False
            continue
        if _BARE_MARKER.match(raw):
            listing, open_block = True, False
            continue
        if listing:
            line = _clean(_NUMBERED.sub("", _BULLET.sub("", raw, count=1), count=1))
            if blocks and blocks[-1].kind == ITEM and _starts_lower(line):
                blocks[-1] = Block(ITEM, f"{blocks[-1].text} {line}")
            else:
                blocks.append(Block(ITEM, line))
            gap = False
            continue
        if _MARKDOWN_HEADING.match(raw):
            blocks.append(Block(SUBHEADING, _clean(_MARKDOWN_HEADING.sub("", raw))))
            open_block, gap = False, False
            continue
        line = _clean(raw)
        if not line:
            continue
        after_sentence = not blocks or gap or _ends_sentence(blocks[-1].text)
        bullet = _BULLET.match(raw) or (after_sentence and _NUMBERED.match(raw))
        joins = bool(
            open_block
            and blocks
            and not bullet
            and (not gap or _starts_lower(line))
            and (not _ends_sentence(blocks[-1].text) or (not gap and _starts_lower(line)))
            # A list item goes on only in lower case: a capital after one starts the prose.
            and (blocks[-1].kind != ITEM or _starts_lower(line))
        )
        if joins:
            last = blocks[-1]
            blocks[-1] = Block(last.kind, f"{last.text} {line}")
        elif bullet:
            marker = _BULLET if _BULLET.match(raw) else _NUMBERED
            blocks.append(Block(ITEM, _clean(marker.sub("", raw, count=1))))
        else:
            blocks.append(Block(PARAGRAPH, line))
        last_text = blocks[-1].text
        # A short line with no full stop is a heading or a label: nothing joins onto it.
        open_block = not (
            blocks[-1].kind == PARAGRAPH
            and len(last_text) <= _SHORT
            and not _ends_sentence(last_text)
            and not joins
        )
        gap = False
    return blocks


def back_target(candidate: str | None, host_url: str) -> str | None:
    """A same-site path to go back to, or None: never another site, never a guidance page."""
    if not candidate:
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        ours = urlsplit(host_url)
        if (parts.scheme, parts.netloc) != (ours.scheme, ours.netloc):
            return None
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or "\\" in candidate:
        return None
    if "/learn/guidance/" in path:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def back_label(path: str) -> str:
    """What the back link says, naming the place it returns to."""
    if "/steps/" in path or path.endswith("/quiz"):
        return "Back to the question"
    if "/pages/" in path:
        return "Back to the page you were reading"
    if path.endswith("/result"):
        return "Back to your result"
    if "/rehearsal" in path:
        return "Back to your rehearsal"
    return "Back to where you were"
