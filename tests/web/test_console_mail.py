"""The console mail backend prints a copyable email; a failing link says why it fails;
`flask compliance remind` links to the development server when EXTERNAL_URL is unset."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import post_form
from tests.helpers.accounts import NEW_PASSWORD, request_reset_link
from tests.helpers.compliance import add_completion
from training_app.auth.models import PasswordResetToken
from training_app.extensions import db
from training_app.mail import build_message, console_text, send_mail
from training_app.models_common import utcnow

LONG = "https://training.example.org/account/reset/" + "x" * 43


def test_console_email_is_decoded_with_each_url_on_its_own_line(app, capsys):
    app.config["MAIL_BACKEND"] = "console"
    with app.app_context():
        message = build_message("a@b.example", "Set your password", f"Go to {LONG} now.\n")
        # The wire form wraps the long URL with a soft break ("=" then a new line) ...
        assert "=\n" in message.as_string()
        send_mail("a@b.example", "Set your password", f"Go to {LONG} now.\n")
    printed = capsys.readouterr().err
    # ... the console shows it whole, alone on its line, with no quoted-printable left.
    assert LONG in printed.splitlines()
    assert "Go to" in printed.splitlines() and "now." in printed.splitlines()
    assert "=\n" not in printed and "Subject: Set your password" in printed


def test_console_text_keeps_lines_without_links(app):
    with app.app_context():
        text = console_text(build_message("a@b.example", "Hi", "Hello Sam,\n\nThanks.\n"))
    assert text.splitlines()[-4:] == ["Hello Sam,", "", "Thanks.", "--- end of email ---"]


def test_a_failing_link_says_whether_it_is_malformed_used_or_expired(app, client, make_user):
    user = make_user()
    link = request_reset_link(app, user.email)
    cut = client.get(link[:-10])  # half a link, as copied from a wrapped email
    assert cut.status_code == 410
    assert "This link is incomplete or mistyped" in cut.get_data(as_text=True)

    assert post_form(client, link, NEW_PASSWORD).status_code == 302
    used = client.get(link)
    assert used.status_code == 410 and "This link has already been used" in used.get_data(
        as_text=True
    )

    later = request_reset_link(app, user.email)
    with app.app_context():
        for row in db.session.query(PasswordResetToken).filter_by(used_at=None):
            row.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = client.get(later)
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)


def test_remind_links_to_the_development_server_without_external_url(app, runner, world):
    app.config.update(EXTERNAL_URL=None, DEV_SERVER_URL="http://127.0.0.1:5000")
    add_completion(app, world.users["staff"], "first-responder", days_ago=400)
    result = runner.invoke(args=["compliance", "remind"])
    assert result.exit_code == 0, result.output
    assert "emails link to the development server, http://127.0.0.1:5000" in result.output
    bodies = [m.get_content() for m in app.extensions["mail_outbox"]]
    assert any(re.search(r"^http://127\.0\.0\.1:5000/\S*$", b, re.M) for b in bodies)


def test_remind_still_refuses_without_any_address(app, runner):
    app.config.update(EXTERNAL_URL=None, DEV_SERVER_URL=None)
    result = runner.invoke(args=["compliance", "remind"])
    assert result.exit_code != 0 and "set EXTERNAL_URL" in result.output
