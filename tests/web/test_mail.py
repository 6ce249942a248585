"""Email goes over real SMTP to a local server on loopback."""

from __future__ import annotations

import re

from tests.conftest import post_form
from tests.helpers.mail import send_mail_to


def test_password_reset_is_delivered_over_smtp(app, make_user, smtp_inbox):
    inbox, port = smtp_inbox
    send_mail_to(app, port)
    user = make_user(name="Sam Smith")
    client = app.test_client()
    post_form(client, "/account/forgot-password", {"email": user.email})
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == user.email
    assert message["Subject"] == "Set your safeguarding training password"
    body = message.get_payload(decode=True).decode()
    assert "Hello Sam Smith" in body
    link = re.search(r"https://training\.example\.org(/account/reset/\S+)", body)
    assert link, body
    assert client.get(link.group(1)).status_code == 200
