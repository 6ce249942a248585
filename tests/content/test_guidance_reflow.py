"""Guidance passages made readable: headings, reflowed lines, and the way back (pure)."""

from __future__ import annotations

import re

import pytest

from training_app.content.guidance import passage
from training_app.learning.guidance_text import (
    ITEM,
    PARAGRAPH,
    back_label,
    back_target,
    human_heading,
    reflow,
)
from training_app.rules.citations import SECTIONS, section

_MARKER = re.compile(r"^(?:[-*•▪●◦o]|\d+[.)]|[a-z][.)])$")


def _words(text: str) -> list[str]:
    return text.replace("**", "").replace("__", "").replace("#", "").split()


@pytest.mark.parametrize(
    ("heading", "human"),
    [
        ("2.4 Outcome 21", "Outcome 21"),
        ("1. 1 Who is this guidance for?", "Who is this guidance for?"),
        ("1.0 SECTION ONE – BACKGROUND AND CONTEXT", "Section one – background and context"),
        ("Step 2 – Searching a device", "Step 2 – Searching a device"),
    ],
)
def test_human_heading_drops_the_number_and_the_shouting(heading, human):
    assert human_heading(heading) == human


def test_a_sentence_cut_by_the_pdf_layout_is_one_paragraph_again():
    cited = section("UKCCIS-2016 §2.4")
    blocks = reflow(passage("UKCCIS-2016 §2.4").text, cited.heading)
    first = blocks[0]
    assert first.kind == PARAGRAPH
    # In the file "(outcome" ends one line and "21) to help formalise" starts the next.
    assert "new outcome code (outcome 21) to help formalise the discretion" in first.text
    assert blocks[1].text == "Outcome 21 states:"
    # The section's own heading is the page title, not repeated as a paragraph.
    assert all(not b.text.startswith("2.4 Outcome 21") for b in blocks)


def test_a_list_printed_as_bare_markers_becomes_list_items():
    cited = section("UKCCIS-2016 §3.3")
    items = [b.text for b in reflow(passage("UKCCIS-2016 §3.3").text, cited.heading)]
    kinds = {b.text: b.kind for b in reflow(passage("UKCCIS-2016 §3.3").text, cited.heading)}
    assert "The incident involves an adult" in items
    assert kinds["The incident involves an adult"] == ITEM
    assert (
        "If you need to view the imagery in order to safeguard the child, – in most cases, you "
        "should not view imagery" in items
    )


def test_a_page_break_inside_a_sentence_is_joined():
    text = "Your judgement, along with information about the\n\nchild and the context, is key."
    assert [b.text for b in reflow(text)] == [
        "Your judgement, along with information about the child and the context, is key."
    ]


@pytest.mark.parametrize(
    "cited", [s for s in SECTIONS if not s.described], ids=lambda s: s.citation
)
def test_reflowing_keeps_every_word_in_order(cited):
    """Only line breaks and layout marks change: the document's words are all there, in order."""
    text = passage(cited.citation).text
    lines = text.splitlines()[1:]  # the heading line is the page's title
    source = [w for line in lines for w in _words(line)]
    shown = [w for block in reflow(text, cited.heading) for w in _words(block.text)]
    # Walk the source: each shown word is the next source word; anything skipped is a marker.
    at = 0
    for word in shown:
        while source[at] != word:
            assert _MARKER.match(source[at]), f"dropped {source[at]!r} before {word!r}"
            at += 1
        at += 1
    assert all(_MARKER.match(w) for w in source[at:])


@pytest.mark.parametrize(
    "candidate",
    [
        "//evil.example/steps/1",
        "https://evil.example/learn/x",
        "javascript:alert(1)",
        "/learn/guidance/APPX8%20Step%202",
        "",
        None,
        "/\\evil.example",
    ],
)
def test_back_never_leaves_the_site_nor_loops(candidate):
    assert back_target(candidate, "http://localhost/") is None


def test_back_to_a_question_on_this_site():
    path = "/learn/first-responder/attempts/3/steps/2"
    assert back_target(path, "http://localhost/") == path
    assert back_target(f"http://localhost{path}", "http://localhost/") == path
    assert back_label(path) == "Back to the question"
    assert back_label("/learn/first-responder/attempts/3/pages/4") == (
        "Back to the page you were reading"
    )
    assert back_label("/learn/first-responder/attempts/3/result") == "Back to your result"
