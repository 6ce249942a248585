"""Driving the staff player in a browser: read a module's pages, answer its quiz."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from training_app.config import PROJECT_ROOT
from training_app.content.evaluate import correct_choice_ids
from training_app.content.loader import load_library
from training_app.content.model import Module, Node, Quiz
from training_app.rules import DEFAULT_PROTOCOL

LIBRARY = load_library(PROJECT_ROOT / "scenarios", PROJECT_ROOT / "quizzes")


def current_node(page: Page, quiz: Quiz) -> Node:
    """The quiz node the page is asking."""
    return quiz.nodes[page.locator("input[name=node]").get_attribute("value") or ""]


def answer(page: Page, audit, quiz: Quiz, *, wrong: bool = False) -> None:
    """Answer the question on screen (rightly unless told), then audit its feedback page."""
    node = current_node(page, quiz)
    key = set(correct_choice_ids(node, DEFAULT_PROTOCOL))
    if wrong:
        picks = [next(c for c in node.choices if c.id not in key)]
    else:
        picks = [c for c in node.choices if c.id in key]
        picks = picks if node.select == "many" else picks[:1]
    for choice in picks:
        page.get_by_label(choice.label, exact=True).check()
    page.get_by_role("button", name="Submit answer").click()
    audit(page)


def read_pages(page: Page, audit, module: Module) -> None:
    """From the first page, read every page and start the quiz."""
    for _ in module.pages[:-1]:
        audit(page)
        page.get_by_role("link", name="Next page").click()
    audit(page)
    page.get_by_role("button", name="Start the quiz").click()


def answer_to_the_end(page: Page, audit, quiz: Quiz) -> None:
    """Answer every remaining question rightly, then open the result."""
    for _ in range(60):
        audit(page)
        if page.get_by_role("button", name="Continue").count():
            page.get_by_role("button", name="Continue").click()
            continue
        answer(page, audit, quiz)
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Correct: you chose"))
        link = page.locator("main a.button")
        if link.inner_text() == "See your result":
            link.click()
            return
        link.click()
    raise AssertionError("the quiz did not end within 60 steps")
