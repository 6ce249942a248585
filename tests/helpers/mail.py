"""Mail: a real SMTP server on loopback that keeps what it is sent, and reading messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller
from flask import Flask

from tests.faults.live import free_port


class Inbox:
    """An aiosmtpd handler that keeps every delivered message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 and a free port: (its inbox, the port)."""
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def send_mail_to(app: Flask, port: int) -> None:
    """Make the app send its mail over SMTP to the loopback server on `port`."""
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        EXTERNAL_URL="https://training.example.org",
    )


def by_recipient(inbox: Inbox) -> dict[str, list[Message]]:
    """The inbox's messages by their To address."""
    found: dict[str, list[Message]] = {}
    for message in inbox.messages:
        found.setdefault(message["To"], []).append(message)
    return found


def body(message: Message) -> str:
    """A single-part message's text."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()
