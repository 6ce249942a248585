"""Email goes over real SMTP to a local server on loopback."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import post_form


class Inbox:
    """An aiosmtpd handler that keeps every delivered message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 and a free port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_password_reset_is_delivered_over_smtp(app, make_user, smtp_inbox):
    inbox, port = smtp_inbox
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        EXTERNAL_URL="https://training.example.org",
    )
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
