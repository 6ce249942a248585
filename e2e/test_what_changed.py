"""Guidance editions in a real browser; every page passes axe (WCAG 2.2 A/AA).

A DSL signs in with two-factor, opens "what changed since 2016" from their home page and follows
a 2024 citation to our summary of that section. A school admin chooses the 2024 advice in the
local protocol and the footer and the comparison follow.

The server has a database of its own: changing a demo school's edition changes what the engine
expects, and the other browser tests rely on the demo defaults.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import own_server

GROUP = "the school group’s policy based on the 2016 national advice (UKCCIS)"
NATIONAL_2024 = "the 2024 national advice (UKCIS, “Sharing nudes and semi-nudes”)"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn on a database of its own (see the module docstring)."""
    with own_server(tmp_path_factory, "editions") as url:
        yield url


def _section(page: Page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=re.compile(heading)))


def test_dsl_opens_what_changed_and_a_2024_citation(page: Page, sign_in, audit) -> None:
    sign_in("dsl@northfield.demo")
    footer = page.locator("footer")
    # The demo school follows the group policy: the footer says so and links to the page.
    expect(footer).to_contain_text(f"Your school follows: {GROUP}, with its local protocol.")

    page.get_by_role("link", name="What changed since 2016").click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed since 2016")
    expect(page.get_by_text(f"Northfield Academy follows: {GROUP}")).to_be_visible()
    sextortion = _section(page, "sextortion")
    expect(sextortion.get_by_role("link", name="UKCCIS-2016 §9.3 (Annex C)")).to_be_visible()
    expect(sextortion.get_by_role("link", name='NCA-SEXTORTION-2024 "What it is"')).to_be_visible()

    # Each side of a change is cited; the 2024 side links to our summary of the section.
    criteria = _section(page, "five criteria")
    expect(criteria.get_by_role("link", name="UKCCIS-2016 §3.3").first).to_be_visible()
    criteria.get_by_role("link", name="UKCIS-2024 §2.2").click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Initial review meeting")
    expect(page.get_by_text("This is our summary in our own words")).to_be_visible()
    original = page.get_by_role("link", name="Read the original on the publisher's website")
    expect(original).to_have_attribute("href", re.compile(r"^https://www\.gov\.uk/"))

    # The footer's own link leads back to the comparison.
    footer.get_by_role("link", name=GROUP).click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed since 2016")


def test_admin_chooses_the_2024_advice_and_the_footer_follows(page: Page, sign_in, audit) -> None:
    sign_in("admin@riverside.demo")
    footer = page.locator("footer")
    expect(footer).to_contain_text(f"Your school follows: {GROUP}")
    page.get_by_role("link", name="Compliance", exact=True).click()
    audit(page)
    page.get_by_role("link", name="Local protocol").first.click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Local protocol")
    page.get_by_label("The 2024 national advice (UKCIS)").check()
    page.get_by_label("Whenever a child under 13 is involved").check()
    page.get_by_role("button", name="Save the protocol").click()
    expect(page.get_by_role("status")).to_contain_text("The local protocol is saved")
    audit(page)
    expect(footer).to_contain_text(
        f"Your school follows: {NATIONAL_2024}, with its local protocol."
    )
    expect(page.get_by_label("The 2024 national advice (UKCIS)")).to_be_checked()

    page.get_by_role("link", name="See what changed since 2016").click()
    audit(page)
    expect(page.get_by_text(f"Riverside High School follows: {NATIONAL_2024}")).to_be_visible()
