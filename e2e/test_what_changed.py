"""A DSL signs in with two-factor, opens "what changed since 2016" from their home page and
follows a 2024 citation to our summary of that section; every page passes axe (WCAG 2.2 A/AA)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

GROUP = "the school group’s policy based on the 2016 national advice (UKCCIS)"


def test_dsl_opens_what_changed_and_a_2024_citation(page: Page, sign_in, audit) -> None:
    sign_in("dsl@northfield.demo")
    footer = page.locator("footer")
    # The demo school follows the group policy: the footer says so and links to the page.
    expect(footer).to_contain_text(f"Your school follows: {GROUP}, with its local protocol.")

    page.get_by_role("link", name="What changed since 2016").click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed since 2016")
    expect(page.get_by_text(f"Northfield Academy follows: {GROUP}")).to_be_visible()
    sextortion = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("sextortion"))
    )
    expect(sextortion.get_by_role("link", name="UKCCIS-2016 §9.3 (Annex C)")).to_be_visible()

    # Each side of a change is cited; the 2024 side links to our summary of the section.
    criteria = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("five criteria"))
    )
    expect(criteria.get_by_role("link", name="UKCCIS-2016 §3.3").first).to_be_visible()
    criteria.get_by_role("link", name="UKCIS-2024 §2.2").click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Initial review meeting")
    expect(page.get_by_text("This is our summary in our own words")).to_be_visible()
    expect(
        page.get_by_role("link", name="Read the original on the publisher's website")
    ).to_have_attribute("href", re.compile(r"^https://www\.gov\.uk/"))

    # The footer's own link leads back to the comparison.
    footer.get_by_role("link", name=GROUP).click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed since 2016")
