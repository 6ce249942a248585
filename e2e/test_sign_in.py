"""First journeys: every role signs in to its own home; wrong passwords; sign-out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.codes import totp_code

HOMES = [
    ("staff@northfield.demo", "Your training"),
    ("dsl@northfield.demo", "Designated Safeguarding Lead"),
    ("admin@northfield.demo", "Northfield Academy"),
    ("trust@northfield.demo", "Northfield Learning Trust (demo)"),
]


@pytest.mark.parametrize(("email", "heading"), HOMES)
def test_each_role_lands_on_its_own_home(page, sign_in, audit, email, heading):
    sign_in(email)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Sign-out works and really ends the session.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    audit(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    audit(page)


def test_wrong_password_shows_a_clear_message(page, sign_in):
    sign_in("staff@northfield.demo", "not the password")
    expect(page.get_by_role("alert").first).to_contain_text(
        "email address or password is not right"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_empty_sign_in_lists_problems_and_links_to_fields(page, audit):
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Enter your email address.")
    audit(page)
    summary.get_by_role("link", name="Enter your email address.").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_keyboard_only_sign_in_and_skip_link(page, audit):
    page.goto("/sign-in")
    audit(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("admin@northfield.demo")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-training-2026")
    page.keyboard.press("Enter")
    # Admins give a code from their authenticator app next. The redirect keeps the skip
    # link's #main-content, so focus starts in the main content: one Tab reaches the field.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    audit(page)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Code from your authenticator app")).to_be_focused()
    page.keyboard.type(totp_code("admin@northfield.demo"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Northfield Academy")
    audit(page)


def test_admin_pages_work_at_320px(page, sign_in, audit):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("admin@northfield.demo")
    page.get_by_role("link", name="See and manage people").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("People at Northfield Academy")
    audit(page)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert overflow is False, "the page scrolls sideways at 320 px"
    page.get_by_role("link", name="Audit log").click()
    audit(page)


def test_trust_admin_sees_trust_schools(page, sign_in, audit):
    sign_in("trust@northfield.demo")
    page.get_by_role("link", name="Trust", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Riverside High School")
    audit(page)
