"""A member of staff completes the first-responder module, and resumes a later attempt."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.player import LIBRARY, answer, answer_to_the_end, read_pages

MODULE = LIBRARY.module("first-responder")
QUIZ = MODULE.quiz


@pytest.fixture(params=["sqlite", "postgresql"])
def base_url(request: pytest.FixtureRequest, base_url: str) -> str:
    """Each journey on both databases (the learner's views take a path of their own there).

    On PostgreSQL the reading page and quiz views read their person and attempt in the
    session check's statement, a path SQLite never takes.
    """
    if request.param == "sqlite":
        return base_url
    return str(request.getfixturevalue("postgresql_base_url"))


def _answer(page: Page, audit, *, wrong: bool = False) -> None:
    answer(page, audit, QUIZ, wrong=wrong)


def test_staff_completes_module_with_one_wrong_answer_and_resumes_later(page, sign_in, audit):
    sign_in("staff@northfield.demo")
    page.get_by_role("link", name=re.compile("First responder")).click()
    audit(page)
    page.get_by_role("button", name="Start the module").click()
    expect(page.get_by_role("progressbar", name=f"Page 1 of {len(MODULE.pages)}")).to_be_visible()
    read_pages(page, audit, MODULE)

    audit(page)
    _answer(page, audit, wrong=True)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Not right: you chose"))
    expect(page.get_by_role("heading", name="The right answer")).to_be_visible()
    citation = page.locator("a.citation").first
    cited = citation.inner_text()
    citation.click()
    expect(page.locator(".step-kicker")).to_have_text(cited)
    audit(page)
    page.get_by_role("link", name="Back to the question").first.click()
    page.get_by_role("link", name="Next question").click()

    answer_to_the_end(page, audit, QUIZ)
    expect(page.get_by_role("heading", level=1)).to_have_text("You passed")
    audit(page)
    page.get_by_role("link", name="Back to your modules").click()
    item = page.get_by_role("listitem").filter(has_text=MODULE.title)
    expect(item.get_by_text(re.compile("Completed, valid until"))).to_be_visible()
    audit(page)

    # A second attempt (refresher), left half way through and resumed after signing out.
    page.get_by_role("link", name=re.compile("First responder")).click()
    page.get_by_label("Go straight to the quiz").check()
    page.get_by_role("button", name="Start again").click()
    audit(page)
    _answer(page, audit)
    page.get_by_role("link", name="Next question").click()
    audit(page)
    waiting_for = page.locator("input[name=node]").get_attribute("value")
    page.get_by_role("button", name="Sign out").click()
    audit(page)
    sign_in("staff@northfield.demo")
    expect(page.get_by_text("You have a new attempt in progress.")).to_be_visible()
    page.get_by_role("link", name=re.compile("First responder")).click()
    audit(page)
    page.get_by_role("button", name="Continue where you left off").click()
    audit(page)
    assert page.locator("input[name=node]").get_attribute("value") == waiting_for
    expect(page.get_by_role("progressbar", name=re.compile("Question 2 of about"))).to_be_visible()


def test_quiz_is_usable_at_320px_and_by_keyboard(page, sign_in, audit):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("dsl@northfield.demo")
    page.get_by_role("link", name=re.compile("First responder")).click()
    audit(page)
    page.get_by_role("button", name=re.compile("Start|Continue")).click()
    audit(page)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert overflow is False
    # Submitting without choosing gives a clear, linked error.
    while page.get_by_role("link", name="Next page").count():
        page.get_by_role("link", name="Next page").click()
        audit(page)
    page.get_by_role("button", name="Start the quiz").click()
    audit(page)
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose an answer.")
    audit(page)
    # Choose with the keyboard only: focus the first radio, arrow down, Enter submits.
    page.locator("input[name=choice]").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^(Correct|Not right): you chose")
    )
    audit(page)
