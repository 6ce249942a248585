"""A teacher runs a class lesson; three pupils join on their own devices and answer.

Runs the real pupil lesson (pshe-11-14) on the shared browser-test server (gunicorn as in
production, on a migrated, demo-seeded database).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import NARROW, Pupil, no_sideways_scroll
from training_app.config import PROJECT_ROOT
from training_app.content.evaluate import correct_choice_ids
from training_app.content.loader import load_library
from training_app.lessons.plan import lesson_steps
from training_app.rules import DEFAULT_PROTOCOL

LESSON_ID = "pshe-11-14"
LIBRARY = load_library(PROJECT_ROOT / "scenarios", PROJECT_ROOT / "quizzes")


@pytest.fixture(scope="module")
def module():
    """The pupil lesson the test runs (the real 11-14 lesson)."""
    return LIBRARY.module(LESSON_ID)


def presenter_next(page: Page, audit, times: int) -> None:
    for _ in range(times):
        page.get_by_role("button", name="Next", exact=True).click()
        page.wait_for_load_state()
    audit(page)


def test_teacher_runs_a_lesson_with_three_pupils(page, sign_in, audit, browser, base_url, module):
    steps = lesson_steps(module)
    first_question = next(i for i, s in enumerate(steps) if s.is_question)
    node = steps[first_question].node
    right = correct_choice_ids(node, DEFAULT_PROTOCOL)
    wrong = next(c.id for c in node.choices if c.id not in right)

    sign_in("staff@northfield.demo")
    page.get_by_role("link", name="Class lessons").first.click()
    audit(page)
    page.get_by_label(re.compile(re.escape(module.title))).check()
    page.get_by_label("Class", exact=True).fill("9B")
    page.get_by_role("button", name="Start the lesson").click()
    expect(page.get_by_role("heading", name="Join on your device")).to_be_visible()
    audit(page)
    presenter_url = page.url
    code = page.locator(".join-code").inner_text().split(":")[-1].strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    expect(page.locator(".qr-wrap svg[role=img]")).to_be_visible()
    expect(page.locator(".join-box")).to_contain_text("/join")

    pupils = [Pupil(browser, base_url, audit) for _ in range(3)]
    try:
        _join(pupils, code)
        expect(page.locator("#joined-count")).to_contain_text("3 pupils have joined")

        # The class moves to the first question; pupils' screens follow without reloading.
        presenter_next(page, audit, first_question)
        expect(page.get_by_role("heading", level=1)).to_have_text(node.prompt)
        for pupil in pupils:
            before = pupil.navigations
            expect(pupil.page.get_by_role("button", name="Send my answer")).to_be_visible(
                timeout=15_000
            )
            assert pupil.navigations == before
            pupil.check()

        # Two choose the right answer, one another answer; each sees only their own.
        presenter_navigations = _navigation_counter(page)
        for pupil, choice in zip(pupils, [right[0], right[0], wrong], strict=True):
            label = node.choice(choice).label
            pupil.page.get_by_label(label, exact=True).check()
            pupil.page.get_by_role("button", name="Send my answer").click()
            expect(pupil.page.get_by_text("Your answer is in")).to_be_visible()
            pupil.check()

        # The presenter's counts update live, without a reload.
        counts = page.locator("#answer-counts")
        expect(counts).to_contain_text("3 of 3 have answered", timeout=15_000)
        rows = page.locator(".tally-row")
        for index, choice in enumerate(node.choices):
            expected = {right[0]: 2, wrong: 1}.get(choice.id, 0)
            expect(rows.nth(index).locator(".tally-count")).to_have_text(f"{expected} chose this")
        assert presenter_navigations() == 0
        audit(page)
        page.set_viewport_size(NARROW)
        assert no_sideways_scroll(page), "presenter scrolls sideways at 320px"
        page.set_viewport_size({"width": 1280, "height": 900})

        page.get_by_role("button", name="Show the answer").click()
        audit(page)
        expect(page.get_by_text("Right answer").first).to_be_visible()
        for pupil in pupils:
            expect(pupil.page.get_by_role("heading", name="The answer")).to_be_visible(
                timeout=15_000
            )
            pupil.check()

        # One pupil leaves quickly: a neutral page, and Back does not return to the lesson.
        leaver = pupils[2]
        leaver.page.get_by_role("link", name="Leave this page").click()
        expect(leaver.page).to_have_title("Times tables")
        leaver.check()
        leaver.page.go_back()
        assert "/j/" not in leaver.page.url and "/join" not in leaver.page.url

        # The teacher ends the lesson: the record keeps totals; pupils see it has ended.
        page.locator("summary", has_text="End the lesson now").click()
        page.get_by_role("button", name="End the lesson now").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("9B")
        audit(page)
        expect(page.get_by_text("(3 answered)")).to_be_visible()
        for pupil in pupils[:2]:
            expect(pupil.page.get_by_role("heading", name="This lesson has ended")).to_be_visible(
                timeout=15_000
            )
            pupil.check()
        page.goto(presenter_url)  # the presenter of an ended lesson is its record
        audit(page)
        expect(page.get_by_role("heading", name="Class answers")).to_be_visible()
    finally:
        for pupil in pupils:
            pupil.close()


def _join(pupils: list[Pupil], code: str) -> None:
    """Three ways in: typing the code, lower case; and the QR code's link."""
    typed, lower, scanned = pupils
    for pupil, text in ((typed, code), (lower, code.lower().replace("-", " "))):
        pupil.page.goto("/join")
        pupil.check()
        pupil.page.get_by_label("Lesson code").fill(text)
        pupil.page.get_by_role("button", name="Next").click()
        expect(pupil.page.get_by_role("button", name="Join the lesson")).to_be_visible()
        pupil.check()
    scanned.page.goto("/j/" + code.replace("-", ""))
    scanned.check()
    for pupil in pupils:
        expect(pupil.page.get_by_text("Your answers are anonymous").first).to_be_visible()
        pupil.page.get_by_role("button", name="Join the lesson").click()
        expect(pupil.page.locator("#lesson-live")).to_be_visible()
        pupil.check()
        cookies = pupil.context.cookies()
        assert [c["name"] for c in cookies] == ["lesson"]
        assert cookies[0]["path"].startswith("/j/") and cookies[0]["httpOnly"]
        assert cookies[0]["sameSite"] == "Lax"


def _navigation_counter(page: Page):
    count = {"n": 0}
    page.on(
        "framenavigated",
        lambda f: count.__setitem__("n", count["n"] + 1) if f == page.main_frame else None,
    )
    return lambda: count["n"]


def test_wrong_code_is_refused_clearly_in_the_browser(browser, base_url, audit):
    pupil = Pupil(browser, base_url, audit)
    try:
        pupil.page.goto("/join")
        pupil.page.get_by_label("Lesson code").fill("ZZZZ-ZZZZ")
        pupil.page.get_by_role("button", name="Next").click()
        expect(
            pupil.page.get_by_text("We can't find a lesson with that code").first
        ).to_be_visible()
        pupil.check()
        pupil.page.goto("/j/ZZZZZZZZ")
        expect(pupil.page.get_by_role("heading", name="We can't find that lesson")).to_be_visible()
        pupil.check()
    finally:
        # The refusals are real 404 responses, which the browser's console reports.
        pupil.problems = [p for p in pupil.problems if "status of 404" not in p]
        pupil.close()


def test_pupil_pages_work_without_javascript(browser, base_url, audit, page, sign_in, module):
    """Join, follow and answer with JavaScript off (axe needs JavaScript, so the same pages
    are checked with it on in the test above)."""
    steps = lesson_steps(module)
    first_question = next(i for i, s in enumerate(steps) if s.is_question)
    node = steps[first_question].node
    sign_in("staff@northfield.demo")
    page.goto("/lessons")
    audit(page)
    page.get_by_label(re.compile(re.escape(module.title))).check()
    page.get_by_label("Class", exact=True).fill("8C")
    page.get_by_role("button", name="Start the lesson").click()
    audit(page)
    code = page.locator(".join-code").inner_text().split(":")[-1].strip()
    context = browser.new_context(base_url=base_url, viewport=NARROW, java_script_enabled=False)
    try:
        pupil = context.new_page()
        pupil.goto("/join")
        pupil.get_by_label("Lesson code").fill(code)
        pupil.get_by_role("button", name="Next").click()
        pupil.get_by_role("button", name="Join the lesson").click()
        expect(pupil.get_by_role("link", name="Refresh")).to_be_visible()
        presenter_next(page, audit, first_question)
        # Without JavaScript nothing changes by itself; Refresh shows the new step.
        expect(pupil.get_by_role("button", name="Send my answer")).to_have_count(0)
        pupil.get_by_role("link", name="Refresh").click()
        pupil.get_by_label(node.choices[0].label, exact=True).check()
        pupil.get_by_role("button", name="Send my answer").click()
        expect(pupil.get_by_text("Your answer is in")).to_be_visible()
        assert no_sideways_scroll(pupil)
        pupil.get_by_role("link", name="Leave this page").click()
        expect(pupil).to_have_title("Times tables")
    finally:
        context.close()
    expect(page.locator("#answer-counts")).to_contain_text("1 of 1 has answered", timeout=15_000)
    page.locator("summary", has_text="End the lesson now").click()
    page.get_by_role("button", name="End the lesson now").click()
    audit(page)
