"""Accounts: asking for a password-reset link as a person who forgot theirs."""

from __future__ import annotations

import re

from flask import Flask

from tests.conftest import post_form

# The set-password form, filled in.
NEW_PASSWORD = {"new_password": "brand new secret", "confirm": "brand new secret"}


def request_reset_link(app: Flask, email: str) -> str:
    """Ask for a password-reset link by the form; returns its path from the mail sent."""
    post_form(app.test_client(), "/account/forgot-password", {"email": email})
    message = app.extensions["mail_outbox"][-1]
    match = re.search(r"http://localhost(/account/reset/\S+)", message.get_content())
    assert match
    return match.group(1)
