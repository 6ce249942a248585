"""The 14-18 class lesson's 2024 content, run by a teacher with a pupil on their own device.

The class goes through the sextortion and Report Remove pages and their questions; at every
step the pupil's screen and the class screen show no citation code, the teacher's notes do,
and axe passes on every page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import Pupil, no_sideways_scroll
from training_app.config import PROJECT_ROOT
from training_app.content.evaluate import correct_choice_ids
from training_app.content.loader import load_library
from training_app.lessons.plan import Step, lesson_steps
from training_app.rules import DEFAULT_PROTOCOL
from training_app.rules.citations import SOURCES

LESSON_ID = "pshe-14-18"
LIBRARY = load_library(PROJECT_ROOT / "scenarios", PROJECT_ROOT / "quizzes")
# A registered source id (UKCCIS-2016, NCA-SEXTORTION-2024, ...) or a section sign.
CODE = re.compile("|".join(re.escape(s) for s in sorted(SOURCES, key=len, reverse=True)) + "|§")


@pytest.fixture(scope="module")
def steps() -> tuple[Step, ...]:
    """The steps of the real 14-18 lesson."""
    return lesson_steps(LIBRARY.module(LESSON_ID))


def _index(steps: tuple[Step, ...], key: str) -> int:
    return next(i for i, s in enumerate(steps) if s.key == key)


def _no_codes(page: Page, who: str) -> None:
    text = page.locator("body").inner_text()
    found = CODE.search(text)
    assert found is None, f"{who} shows the citation code {found[0]!r} on {page.url}"


def _advance(page: Page, steps: tuple[Step, ...], at: int, target: int) -> int:
    """Move the class from step `at` to `target`, showing each question's answer on the way."""
    while at < target:
        if steps[at].is_question and page.get_by_role("button", name="Show the answer").count():
            page.get_by_role("button", name="Show the answer").click()
            page.wait_for_load_state()
        page.get_by_role("button", name="Next", exact=True).click()
        page.wait_for_load_state()
        at += 1
    expect(page.get_by_role("heading", level=1)).to_have_text(steps[target].title)
    return at


def _on_both(page: Page, pupil: Pupil, audit, title: str) -> None:
    """The step is on the class screen and the pupil's device, without citation codes."""
    expect(pupil.page.get_by_role("heading", level=1)).to_have_text(title, timeout=15_000)
    audit(page)
    pupil.check()
    _no_codes(page, "the class screen")
    _no_codes(pupil.page, "the pupil's device")


def _answer(page: Page, pupil: Pupil, audit, step: Step) -> None:
    """The pupil ticks the right answers; the teacher shows the answer; both are checked."""
    node = step.node
    assert node is not None
    for choice_id in correct_choice_ids(node, DEFAULT_PROTOCOL):
        pupil.page.get_by_label(node.choice(choice_id).label, exact=True).check()
    _no_codes(pupil.page, "the pupil's device")
    pupil.page.get_by_role("button", name="Send my answer").click()
    expect(pupil.page.get_by_text("Your answer is in")).to_be_visible()
    pupil.check()
    expect(page.locator("#answer-counts")).to_contain_text("1 of 1 has answered", timeout=15_000)
    page.get_by_role("button", name="Show the answer").click()
    page.wait_for_load_state()
    expect(pupil.page.get_by_role("heading", name="The answer")).to_be_visible(timeout=15_000)
    expect(pupil.page.get_by_role("heading", name="Why")).to_be_visible()
    _on_both(page, pupil, audit, node.prompt)


def test_sextortion_and_report_remove_in_class(page, sign_in, audit, browser, base_url, steps):
    sextortion = _index(steps, "page:sextortion-you-are-never-to-blame")
    take_down = _index(steps, "page:getting-images-taken-down")
    arjun = _index(steps, "node:arjun_steps")
    report_remove = _index(steps, "node:lily_report_remove")
    assert sextortion < take_down < arjun < report_remove

    sign_in("staff@northfield.demo")
    page.goto("/lessons")
    audit(page)
    page.get_by_label(re.compile(re.escape(LIBRARY.module(LESSON_ID).title))).check()
    page.get_by_label("Class", exact=True).fill("11A")
    page.get_by_role("button", name="Start the lesson").click()
    expect(page.get_by_role("heading", name="Join on your device")).to_be_visible()
    audit(page)
    code = page.locator(".join-code").inner_text().split(":")[-1].strip()

    pupil = Pupil(browser, base_url, audit)
    try:
        pupil.page.goto("/j/" + code.replace("-", ""))
        pupil.check()
        pupil.page.get_by_role("button", name="Join the lesson").click()
        expect(pupil.page.locator("#lesson-live")).to_be_visible()
        pupil.check()
        _no_codes(pupil.page, "the pupil's device")
        expect(page.locator("#joined-count")).to_contain_text("1 pupil has joined")

        # Sextortion: never your fault; stop, don't pay, tell someone, report.
        at = _advance(page, steps, 0, sextortion)
        _on_both(page, pupil, audit, steps[sextortion].title)
        lesson = pupil.page.locator("#lesson-live")
        expect(lesson).to_contain_text("It is never your fault")
        for step in ("Stop.", "Don't pay.", "Tell someone you trust", "Report it."):
            expect(lesson).to_contain_text(step)
        assert no_sideways_scroll(pupil.page)

        # Report Remove, step by step; nobody needs to see the image.
        at = _advance(page, steps, at, take_down)
        _on_both(page, pupil, audit, steps[take_down].title)
        expect(lesson).to_contain_text("Nobody needs to see it")
        expect(lesson.locator("ol > li")).to_have_count(6)
        expect(lesson).to_contain_text("Take It Down")

        # The teacher's own notes for this step carry the sources the class never sees.
        with page.context.expect_page() as opened:
            page.get_by_role("link", name=re.compile("Teacher notes for this step")).click()
        notes = opened.value
        notes.wait_for_load_state()
        audit(notes)
        here = notes.locator(f"#step-{take_down + 1}")
        expect(here).to_contain_text("The class is on this step now.")
        expect(here.locator("a.citation", has_text="CHILDLINE-REPORT-REMOVE")).not_to_have_count(0)
        expect(here.locator("a.citation", has_text="UKCIS-2024 §2.10")).not_to_have_count(0)
        notes.close()

        # The sextortion question and the Report Remove question, answered and revealed.
        at = _advance(page, steps, at, arjun)
        _answer(page, pupil, audit, steps[arjun])
        expect(pupil.page.locator("#lesson-live")).to_contain_text("Paying doesn't make it stop")
        at = _advance(page, steps, at, report_remove)
        _answer(page, pupil, audit, steps[report_remove])

        # The closing step: where to get help, Report Remove named, still no codes.
        at = _advance(page, steps, at, len(steps) - 1)
        _on_both(page, pupil, audit, "Where to get help")
        expect(pupil.page.locator("main .help-list")).to_contain_text("Report Remove")

        page.get_by_role("button", name="End the lesson", exact=True).click()
        page.wait_for_load_state()
        audit(page)
        expect(pupil.page.get_by_role("heading", name="This lesson has ended")).to_be_visible(
            timeout=15_000
        )
        pupil.check()
    finally:
        pupil.close()
