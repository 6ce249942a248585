"""A trust admin sets up the trust's Learning Record Store in a browser (axe on each page)."""

from __future__ import annotations

from playwright.sync_api import expect


def test_trust_admin_saves_lrs_settings_and_the_secret_is_not_shown(page, audit, sign_in):
    sign_in("trust@northfield.demo")
    page.get_by_role("link", name="Trust", exact=True).click()
    audit(page)
    page.get_by_role("link", name="Learning Record Store (xAPI) settings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning Record Store for")
    audit(page)
    page.get_by_label("LRS endpoint").fill("https://lrs.example.org/xAPI/")
    page.get_by_label("Key (user name)").fill("northfield")
    page.get_by_role("button", name="Save settings").click()
    # A first save needs the secret: the error is next to the field and in the summary.
    expect(page.locator("#secret-error")).to_contain_text("Enter the secret")
    audit(page)
    page.get_by_label("Secret").fill("e2e-lrs-secret")
    page.get_by_label("Name people to the LRS by").select_option("account")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The LRS settings were saved.")).to_be_visible()
    audit(page)
    assert "e2e-lrs-secret" not in page.content()
    expect(page.get_by_label("LRS endpoint")).to_have_value("https://lrs.example.org/xAPI/")
    expect(page.get_by_label("Send learning records to this LRS")).not_to_be_checked()
