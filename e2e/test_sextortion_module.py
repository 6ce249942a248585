"""The sextortion and AI-imagery module, start to finish, by a member of staff: every page and
quiz step passes axe (WCAG 2.2 A/AA), the pages teach sextortion, AI-made nudes and Report
Remove, and the module ends up completed on the home page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.player import LIBRARY, answer_to_the_end

MODULE_ID = "sextortion-and-ai-imagery"


def test_a_member_of_staff_completes_the_sextortion_module(page, sign_in, audit):
    module = LIBRARY.module(MODULE_ID)
    sign_in("staff@northfield.demo")
    page.get_by_role("link", name=module.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
    audit(page)
    page.get_by_role("button", name="Start the module").click()

    read: list[str] = []
    for number, _ in enumerate(module.pages, start=1):
        audit(page)
        read.append(page.locator("main").inner_text())
        if number < len(module.pages):
            page.get_by_role("link", name="Next page").click()
    text = "\n".join(read)
    for words in ("nudes and semi-nudes", "sextortion", "Report Remove", "Take It Down", "999"):
        assert words.lower() in text.lower(), words
    # The 2024 advice is described, not vendored: it is cited and linked, never quoted.
    expect(page.locator("a.citation").first).to_be_visible()

    page.get_by_role("button", name="Start the quiz").click()
    answer_to_the_end(page, audit, module.quiz)
    expect(page.get_by_role("heading", level=1)).to_have_text("You passed")
    audit(page)
    page.goto("/")
    audit(page)
    item = page.get_by_role("listitem").filter(has_text=module.title)
    expect(item.get_by_text(re.compile("Completed, valid until|Compliant"))).to_be_visible()
