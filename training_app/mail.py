"""Sending email: real SMTP in production, the console in development, memory in tests."""

from __future__ import annotations

import re
import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import Flask, current_app


def init_app(app: Flask) -> None:
    """Give the app an outbox list (used by the memory backend in tests)."""
    app.extensions["mail_outbox"] = []


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """Build a plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="training.invalid")
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text email with the configured backend."""
    message = build_message(to, subject, body)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "console":
        # The embedded default has no mail server: show the message to the developer.
        print(console_text(message), file=sys.stderr)
    elif backend == "memory":
        current_app.extensions["mail_outbox"].append(message)
    else:
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")


URL = re.compile(r"(https?://\S+)")


def console_text(message: EmailMessage) -> str:
    """The message as a developer reads it: headers, then the decoded body, each URL alone."""
    lines = ["", "--- email (not sent: MAIL_BACKEND=console) ---"]
    lines += [f"{name}: {message[name]}" for name in ("To", "Subject", "Date")]
    lines.append("")
    # Decoded, not the quoted-printable wire form, whose soft line breaks split long URLs
    # and leave a trailing "=" on each half that a copied link then carries.
    for line in message.get_content().splitlines():
        pieces = URL.split(line)
        if len(pieces) == 1:
            lines.append(line.rstrip())
        else:
            lines.extend(piece.strip() for piece in pieces if piece.strip())
    lines.append("--- end of email ---")
    return "\n".join(lines)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with smtp:
        if config["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
