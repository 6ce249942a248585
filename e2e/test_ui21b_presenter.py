"""Presenter mode: a teacher runs the class lesson on a 1366x768 laptop and a 1080p projector.

Every step must fit the screen without scrolling, with no site menu or sign-out, and on a
question the prompt and "Show the answer" must both be in view. The keys work (R reveals,
T hides the counts, arrow keys move on), and the class screen never shows citation codes.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.screens import screens_dir
from training_app.config import PROJECT_ROOT
from training_app.content.loader import load_library
from training_app.lessons.plan import lesson_steps

LESSON_ID = "pshe-11-14"
LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 375, "height": 812}
SCREENS = screens_dir("ui21b")
CITATION = re.compile(r"UKC?CIS-20\d\d|NCA-SEXTORTION|CHILDLINE-REPORT|§")


def shoot(page: Page, name: str) -> None:
    """Save a screenshot of the screen as the class sees it (outside git)."""
    if SCREENS is not None:
        page.screenshot(path=str(SCREENS / f"{name}.png"))


def fits(page: Page) -> bool:
    """The whole page is on screen: no scrolling either way."""
    # Two animation frames: a resize has been handled and the page laid out again.
    return page.evaluate(
        """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
            done(document.documentElement.scrollHeight <= window.innerHeight
                 && document.documentElement.scrollWidth <= window.innerWidth))))"""
    )


def in_view(page: Page, locator) -> bool:
    """The element is entirely inside the viewport as loaded (no scrolling needed)."""
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_presenter_mode_fits_a_projector(page, sign_in, audit):
    module = load_library(PROJECT_ROOT / "scenarios", PROJECT_ROOT / "quizzes").module(LESSON_ID)
    steps = lesson_steps(module)

    sign_in("staff@northfield.demo")
    page.goto("/lessons")
    audit(page)
    page.get_by_label(re.compile(re.escape(module.title))).check()
    page.get_by_label("Class", exact=True).fill("7A")
    page.get_by_role("button", name="Start the lesson").click()
    page.set_viewport_size(LAPTOP)
    expect(page.get_by_role("heading", name="Join on your device")).to_be_visible()
    audit(page)

    # No site chrome: no menu, no sign-out, no footer; the teacher's notes are a link away.
    expect(page.locator(".site-nav")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.locator("footer")).to_have_count(0)
    notes = page.get_by_role("link", name=re.compile("^Teacher notes"))
    assert re.search(r"/lessons/\d+/notes#step-1$", notes.get_attribute("href") or "")
    shoot(page, "presenter-welcome-1366")
    assert fits(page), "the welcome step scrolls at 1366x768"

    page.set_viewport_size(PROJECTOR)
    assert fits(page), "the welcome step scrolls at 1920x1080"
    shoot(page, "presenter-welcome-1920")
    page.set_viewport_size(PHONE)
    audit(page)
    shoot(page, "presenter-welcome-375")
    page.set_viewport_size(LAPTOP)

    tried_keys = False
    for index, step in enumerate(steps):
        expect(page.locator(".pm-step")).to_have_text(f"Step {index + 1} of {len(steps)}")
        assert CITATION.search(page.locator("main").inner_text()) is None
        if step.is_question and step.node is not None:
            heading = page.get_by_role("heading", level=1)
            expect(heading).to_have_text(step.node.prompt)
            reveal = page.get_by_role("button", name="Show the answer")
            assert fits(page), f"question step {index + 1} scrolls at 1366x768"
            assert in_view(page, heading) and in_view(page, reveal)
            if not tried_keys:
                shoot(page, "presenter-question-1366")
                page.set_viewport_size(PROJECTOR)
                assert fits(page), f"question step {index + 1} scrolls at 1920x1080"
                assert in_view(page, reveal)
                shoot(page, "presenter-question-1920")
                page.set_viewport_size(LAPTOP)
                # T hides the counts from the class (and says so to a screen reader).
                page.keyboard.press("t")
                toggle = page.get_by_role("button", name="Show the counts")
                expect(toggle).to_have_attribute("aria-pressed", "true")
                expect(page.locator(".tally-count").first).to_be_hidden()
                page.keyboard.press("t")
                expect(page.locator(".tally-count").first).to_be_visible()
                # R shows the answer.
                page.keyboard.press("r")
                page.wait_for_load_state()
                expect(page.get_by_text("Right answer").first).to_be_visible()
                expect(page.get_by_role("heading", name="Where to get help")).to_be_visible()
                audit(page)
                shoot(page, "presenter-answer-1366")
                page.set_viewport_size(PHONE)
                audit(page)
                page.set_viewport_size(LAPTOP)
                tried_keys = True
            else:
                reveal.click()
                page.wait_for_load_state()
                expect(page.get_by_text("Right answer").first).to_be_visible()
            assert fits(page), f"the answer of step {index + 1} scrolls at 1366x768"
            assert CITATION.search(page.locator("main").inner_text()) is None
        else:
            assert fits(page), f"step {index + 1} ({step.kind}) scrolls at 1366x768"
        if index < len(steps) - 1:
            # The arrow key a clicker sends moves the class on.
            page.keyboard.press("ArrowRight")
            page.wait_for_load_state()
            expect(page.locator(".pm-step")).to_have_text(f"Step {index + 2} of {len(steps)}")
            audit(page)

    shoot(page, "presenter-close-1366")
    page.get_by_role("button", name="End the lesson").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("7A")
    audit(page)
