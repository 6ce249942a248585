"""Two-factor sign-in in a browser: a new admin sets it up, then signs in with a code and
with a recovery code, at phone width."""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import expect

from e2e.codes import totp_code
from e2e.conftest import ROOT

EMAIL = "two.factor@e2e.example"
PASSWORD = "e2e two-factor passphrase"
CODE_LABEL = "Code from your authenticator app"


def _create_admin(server_env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "users", "create-admin", "--email", EMAIL]
        + ["--name", "Tess Factor", "--school", "Two Factor Primary", "--password", PASSWORD],
        env=server_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def _password_step(page, audit) -> None:
    page.goto("/sign-in")
    audit(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    audit(page)


def _fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert overflow is False, f"{page.url} scrolls sideways at 320 px"


def _sign_out(page, audit) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    audit(page)


def test_admin_sets_up_two_factor_then_signs_in_with_a_code_and_a_recovery_code(
    page, audit, server_env
):
    _create_admin(server_env)
    page.set_viewport_size({"width": 320, "height": 640})

    # First sign-in: the role needs two-factor sign-in, so set-up comes straight after.
    _password_step(page, audit)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    _fits(page)
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label(CODE_LABEL).fill("12345")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "Enter the code as 6 numbers"
    )
    audit(page)
    page.get_by_label(CODE_LABEL).fill(totp_code(EMAIL, secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    audit(page)
    _fits(page)
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    expect(page.get_by_role("button", name="Print these codes")).to_be_visible()
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two Factor Primary")
    audit(page)
    _sign_out(page, audit)

    # With a code from the app.
    _password_step(page, audit)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    _fits(page)
    page.get_by_label(CODE_LABEL).fill(totp_code(EMAIL, secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two Factor Primary")
    audit(page)
    _sign_out(page, audit)

    # With a recovery code instead (a lost phone).
    _password_step(page, audit)
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Use a recovery code")
    audit(page)
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_contain_text("You have 9 left")
    audit(page)
    page.get_by_role("link", name="Security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in security")
    expect(page.get_by_role("main")).to_contain_text("You have 9 unused recovery codes")
    audit(page)
    _fits(page)
