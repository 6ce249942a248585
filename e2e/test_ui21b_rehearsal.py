"""Rehearsal (issue 21): a DSL sees step counts that agree with the score ("Step 1 of 9:
decision 1 of 8", the review meeting "not scored", then "7 of 8 decisions") and a case
reference made of the school, the date and the day's sequence. Every page passes axe at 1366
and 375 px wide.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from e2e.helpers import case_of, next_page, rehearse, start_rehearsal
from tests.screens import screens_dir
from training_app.rehearsal.generator import generate

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
SCREENS = screens_dir("ui21b")
SEED = next(s for s in range(500) if generate(s, "foundation").triggers == ("adult_involved",))


def shoot(page: Page, name: str) -> None:
    """Save a screenshot (outside git) for the report."""
    if SCREENS is not None:
        page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def both_widths(page: Page, audit) -> None:
    """Axe at a laptop's width and a phone's, with no sideways scrolling on the phone."""
    page.set_viewport_size(LAPTOP)
    audit(page)
    page.set_viewport_size(PHONE)
    audit(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(LAPTOP)


def test_step_counts_and_case_reference(page, sign_in, audit):
    sign_in("dsl@northfield.demo")
    page.set_viewport_size(LAPTOP)
    start_rehearsal(page, audit, SEED)
    today = datetime.now(ZoneInfo("Europe/London"))
    meta = page.locator(".case-meta")
    expect(meta).to_contain_text(re.compile(rf"Case NA-{today:%Y%m%d}-\d\d "))
    expect(meta).to_contain_text(f"Northfield Academy, {today:%-d %B %Y}, case ")
    expect(meta).to_contain_text(f"scenario {SEED}")
    expect(page.locator("label[for=step-progress]")).to_have_text("Step 1 of 9: decision 1 of 8")
    both_widths(page, audit)
    shoot(page, "rehearsal-step-1366")

    rehearse(page, audit, case_of(SEED, "foundation"), wrong_referral=True)
    expect(page.get_by_text("7 of 8 decisions matched the guidance.")).to_be_visible()
    expect(page.get_by_text("All 9 steps are done")).to_be_visible()
    both_widths(page, audit)
    shoot(page, "rehearsal-result-1366")

    page.get_by_role("link", name="The immediate-referral decision").first.click()
    expect(page.locator("label[for=step-progress]")).to_have_text(
        "Step 3 of 9 done: decision 2 of 8"
    )
    audit(page)
    next_page(page, audit)
