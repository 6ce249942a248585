"""Issue 21 (ui21c): readable guidance and feedback, the dashboard's grid and charts, previews.

Every page visited passes axe at 1366 px and at 375 px wide; screenshots of the new screens are
kept when TEST_SCREENSHOTS names a folder (tests/screens.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import own_server
from e2e.player import LIBRARY, answer, read_pages
from tests.screens import screens_dir

SCREENS = screens_dir("ui21c")
WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: these journeys start modules fresh, whatever else ran first."""
    with own_server(tmp_path_factory, "screens") as url:
        yield url


class BothWidths:
    """The axe check run at 375 px and then 1366 px wide, leaving the page at 1366 px."""

    def __init__(self, audit) -> None:
        self.audit = audit

    def __call__(self, page: Page) -> None:
        """Audit the page as a phone and as a laptop show it."""
        for size in (PHONE, WIDE):
            page.set_viewport_size(size)
            self.audit(page)


def _both_widths(page: Page, audit, name: str) -> None:
    """Audit the page at 1366 px and 375 px, check nothing scrolls sideways, save both."""
    check = getattr(audit, "audit", audit)  # one axe run a width, not two
    for label, size in (("1366", WIDE), ("375", PHONE)):
        page.set_viewport_size(size)
        check(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways at {label} px by {overflow} px"
        if SCREENS is not None:
            page.screenshot(path=str(SCREENS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(WIDE)


def test_feedback_names_the_choice_and_guidance_leads_back(page: Page, sign_in, audit) -> None:
    audit = BothWidths(audit)
    module = LIBRARY.module("first-responder")
    sign_in("staff@northfield.demo")
    page.set_viewport_size(WIDE)
    page.get_by_role("link", name=re.compile("First responder")).click()
    audit(page)
    page.get_by_role("button", name="Start the module").click()
    read_pages(page, audit, module)
    audit(page)
    answer(page, audit, module.quiz, wrong=True)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Not right: you chose .+"))
    # Why comes straight after the verdict; the right answer after the reasons.
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Why") < headings.index("The right answer")
    feedback_url = page.url
    _both_widths(page, audit, "feedback-wrong")

    page.locator("a.citation").first.click()
    audit(page)
    code = page.locator(".step-kicker").inner_text()
    title = page.get_by_role("heading", level=1).inner_text()
    assert title and title != code and not re.match(r"^\d", title)
    _both_widths(page, audit, "guidance-passage")
    page.get_by_role("link", name="Back to the question").first.click()
    audit(page)
    assert page.url == feedback_url


def test_failed_result_lists_the_rules_missed_not_both_options(page: Page, sign_in, audit) -> None:
    audit = BothWidths(audit)
    module = LIBRARY.module("dsl-walkthrough")
    sign_in("dsl@northfield.demo")
    page.set_viewport_size(WIDE)
    page.goto(f"/learn/{module.id}")
    audit(page)
    page.get_by_role("button", name="Start the module").click()
    read_pages(page, audit, module)
    for _ in range(80):
        audit(page)
        if page.get_by_role("button", name="Continue").count():
            page.get_by_role("button", name="Continue").click()
            continue
        answer(page, audit, module.quiz, wrong=True)
        link = page.locator("main a.button")
        if link.inner_text() == "See your result":
            link.click()
            break
        link.click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Not passed yet")
    missed = page.locator("ul.missed-rules > li").all_inner_texts()
    # One device rule, the school's (flight mode): never its opposite beside it.
    assert any("Switch the confiscated device to flight mode" in m for m in missed)
    assert not any("device off" in m for m in missed)
    assert any(m.startswith("What the guidance says: Initial review meeting") for m in missed)
    _both_widths(page, audit, "result-missed")


def test_guidance_passage_reads_as_paragraphs(page: Page, sign_in, audit) -> None:
    audit = BothWidths(audit)
    sign_in("staff@northfield.demo")
    page.goto("/learn/guidance/UKCCIS-2016%20%C2%A72.4")
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome 21")
    expect(page.locator(".guidance-passage p").first).to_contain_text(
        "new outcome code (outcome 21) to help formalise"
    )
    page.goto("/learn/guidance/UKCCIS-2016%20%C2%A73.3")
    audit(page)
    expect(
        page.locator(".guidance-passage li", has_text="The incident involves an adult")
    ).to_be_visible()
    _both_widths(page, audit, "guidance-list")


def test_school_admin_previews_the_dsl_walkthrough(page: Page, sign_in, audit) -> None:
    audit = BothWidths(audit)
    module = LIBRARY.module("dsl-walkthrough")
    sign_in("admin@northfield.demo")
    page.get_by_role("link", name="Preview the modules").click()
    _both_widths(page, audit, "preview-index")
    page.get_by_role("link", name=module.title).click()
    audit(page)
    expect(page.get_by_text("it does not count as completing the training")).to_be_visible()
    page.get_by_role("link", name=module.pages[0].title).click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(module.pages[0].title)
    page.goto(f"/learn/preview/{module.id}")
    audit(page)
    page.get_by_role("link", name="Preview the quiz").click()
    audit(page)
    while page.get_by_role("link", name="Continue").count():
        page.get_by_role("link", name="Continue").click()
        audit(page)
    page.locator("input[name=choice]").first.check()
    page.get_by_role("button", name="See the feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^(Correct|Not right): you chose")
    )
    _both_widths(page, audit, "preview-feedback")
    # Nothing was recorded: the admin's own home still shows no DSL module at all, and their
    # record has no completion of it.
    page.goto("/")
    audit(page)
    page.get_by_role("link", name="My training record").click()
    audit(page)
    expect(page.locator("main")).not_to_contain_text(module.title)


def test_dashboard_cards_grid_and_charts(page: Page, sign_in, audit) -> None:
    audit = BothWidths(audit)
    sign_in("admin@northfield.demo")
    page.set_viewport_size(WIDE)
    page.get_by_role("link", name="Compliance", exact=True).click()
    audit(page)
    # The four headline cards sit in one row at 1366 px.
    tops = {
        round(box["y"])
        for box in (c.bounding_box() for c in page.locator(".cards-4 > .card").all())
        if box
    }
    assert len(tops) == 1, tops
    chart = page.get_by_role("img", name=re.compile("Required training in date, by staff group"))
    expect(chart).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Completed of required"))).to_be_attached()
    # Emails are not broken mid-word: each sits on one line at 1366 px.
    for email in page.locator(".email").all():
        box = email.bounding_box()
        assert box and box["height"] < 30, email.inner_text()
    _both_widths(page, audit, "dashboard-list")
    # On a phone each row is a card: the status is on screen, labelled in words.
    page.set_viewport_size(PHONE)
    status = page.locator(".stack-table td[data-label=Status]").first
    box = status.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]
    page.set_viewport_size(WIDE)

    page.get_by_role("link", name="a grid, one person a row").click()
    audit(page)
    grid = page.locator("table.person-grid")
    expect(grid).to_be_visible()
    cell = grid.locator("td .tag").first
    expect(cell).to_have_text(re.compile(r"\w"))  # the status in words, not colour alone
    _both_widths(page, audit, "dashboard-grid")

    page.get_by_role("link", name="Completion over time").click()
    audit(page)
    expect(
        page.get_by_role("img", name=re.compile("Required training in date, by month"))
    ).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.last).to_contain_text("(today)")
    _both_widths(page, audit, "over-time")


def test_trust_admins_menu_is_one_line_at_1366(page: Page, sign_in, audit) -> None:
    audit = BothWidths(audit)
    sign_in("trust@northfield.demo")
    page.set_viewport_size(WIDE)
    page.reload()
    audit(page)
    tops = {
        round(b["y"]) for b in (li.bounding_box() for li in page.locator(".site-nav li").all()) if b
    }
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} lines"
    _both_widths(page, audit, "trust-admin-home")
    page.get_by_role("link", name="Open the trust dashboard").click()
    audit(page)
    cards = page.locator(".cards-4 > .card").all()
    assert len({round(b["y"]) for b in (c.bounding_box() for c in cards) if b}) == 1
    _both_widths(page, audit, "trust-dashboard")
