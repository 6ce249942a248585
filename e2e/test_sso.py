"""Signing in with the school's provider in a real browser, against a real OpenID provider.

The provider is npm's `oidc-provider` on another loopback port (tests/sso/harness.py). The
school's admin sets it up on the settings page; a new member of staff then signs in there
for the first time, gets an account, and finishes a module. Every page, the provider's
sign-in form included, passes the accessibility check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from e2e.player import LIBRARY, answer_to_the_end, read_pages
from tests.sso.harness import CLIENT_ID, CLIENT_SECRET, PASSWORD, OidcProvider, account

MODULE = LIBRARY.module("first-responder")
NEW_STARTER = "new.starter@northfield.demo"


@pytest.fixture(scope="module")
def oidc(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """The school's provider, registered with this server's return address."""
    provider = OidcProvider(
        tmp_path_factory.mktemp("oidc-e2e"),
        [base_url + "/sign-in/school-account/return"],
        {NEW_STARTER: account(NEW_STARTER, amr=["pwd"])},
    ).start()
    yield provider
    provider.stop()


@pytest.fixture
def context(browser: Browser, base_url: str, oidc: OidcProvider) -> Iterator[BrowserContext]:
    """As e2e's own, but the school's provider is a second origin the browser may visit."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    allowed = {urlsplit(base_url).netloc, urlsplit(oidc.issuer).netloc}
    foreign: list[str] = []
    ctx.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlsplit(r.url).scheme in {"http", "https"} and urlsplit(r.url).netloc not in allowed
            else None
        ),
    )
    yield ctx
    ctx.close()
    assert foreign == [], f"requests left the app and its provider: {foreign}"


def _admin_sets_up_the_provider(page, sign_in, audit, oidc: OidcProvider) -> None:
    sign_in("admin@northfield.demo")
    page.get_by_role("link", name="Set up sign-in with Microsoft or Google").click()
    audit(page)
    page.get_by_label("Provider", exact=True).select_option("oidc")
    page.get_by_label("Issuer address").fill(oidc.issuer)
    page.get_by_label("Client ID").fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("Allowed email domains").fill("northfield.demo")
    page.get_by_label("Create a staff account when someone new signs in").check()
    page.get_by_role("button", name="Save sign-in settings").click()
    expect(page.get_by_role("status")).to_contain_text("Sign-in settings saved")
    audit(page)
    page.get_by_role("button", name="Sign out").click()
    audit(page)


def test_new_staff_member_signs_in_with_the_school_provider_and_finishes_a_module(
    page, sign_in, audit, oidc
):
    _admin_sets_up_the_provider(page, sign_in, audit, oidc)

    # The sign-in page's way to the school account, then the school's provider.
    page.goto("/sign-in")
    audit(page)
    page.get_by_role("link", name="Sign in with your school's Microsoft or Google account").click()
    audit(page)
    page.get_by_label("Your work email").fill(NEW_STARTER)
    page.get_by_role("button", name="Continue").click()
    audit(page)
    page.get_by_role("link", name="Sign in with your school's account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test identity provider")
    assert page.url.startswith(oidc.issuer + "/interaction/")
    audit(page)
    page.get_by_label("Work email").fill(NEW_STARTER)
    page.get_by_label("Provider password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()

    # Back at the app, signed in with a new staff account.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert urlsplit(page.url).path == "/"
    audit(page)

    page.get_by_role("link", name=re.compile("First responder")).click()
    audit(page)
    page.get_by_role("button", name="Start the module").click()
    read_pages(page, audit, MODULE)
    answer_to_the_end(page, audit, MODULE.quiz)
    expect(page.get_by_role("heading", level=1)).to_have_text("You passed")
    audit(page)

    # Signing out here ends this session and offers the provider's own sign-out.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    link = page.get_by_role("link", name="sign out at your school's provider")
    expect(link).to_have_attribute("href", re.compile(re.escape(oidc.issuer + "/session/end")))
    audit(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    audit(page)
