"""`flask compliance remind` over real SMTP (aiosmtpd on loopback): each reminder once."""

from __future__ import annotations

import socket
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import mentions
from tests.helpers.compliance import add_completion, remind
from tests.helpers.mail import body, by_recipient, send_mail_to
from training_app.audit.models import AuditEvent
from training_app.compliance.models import SentReminder
from training_app.compliance.status import uk_today
from training_app.extensions import db


def test_reminders_are_delivered_once(app, runner, world, smtp_inbox):
    inbox, port = smtp_inbox
    send_mail_to(app, port)
    staff, dsl = world.users["staff"], world.users["dsl"]
    add_completion(app, staff, "first-responder", days_ago=365 - 14)  # due in 14 days
    add_completion(app, dsl, "first-responder", days_ago=400)  # overdue
    output = remind(runner)
    assert "Sent 1 due-soon and 1 overdue reminders and 3 digests (5 emails)." in output
    mail = by_recipient(inbox)
    assert set(mail) == {
        staff.email,
        dsl.email,
        "admin@a1.example",
        "trust@a.example",
        "admin@b1.example",
    }
    (due,) = mail[staff.email]
    assert due["Subject"] == "Your safeguarding training is due soon"
    due_on = uk_today() + timedelta(days=14)
    assert f"due by {due_on.day} {due_on:%B %Y}" in body(due)
    assert "https://training.example.org/" in body(due) and "Forgot your password?" in body(due)
    (late,) = mail[dsl.email]
    assert late[
        "Subject"
    ] == "Your safeguarding training is overdue" and "overdue, it was due" in body(late)
    digest = body(mail["trust@a.example"][0])
    assert mentions(digest, "A1") and mentions(digest, "A2") and not mentions(digest, "B1")
    assert "https://training.example.org/schools/" in digest and dsl.name in digest
    assert "A1" not in body(mail["admin@b1.example"][0])

    # The second run the same day sends nothing at all.
    assert "(0 emails)" in remind(runner)
    assert len(inbox.messages) == 5
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentReminder)) == 5
        kinds = set(db.session.scalars(select(SentReminder.kind)))
        assert kinds == {"due_14", "overdue", "digest"}
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "compliance.reminders_sent")
        )
        assert event.school_id == world.a1.id


def test_the_seven_day_and_on_the_day_reminders_then_weekly_overdue(app, runner, world, smtp_inbox):
    inbox, port = smtp_inbox
    send_mail_to(app, port)
    staff = world.users["staff"]
    add_completion(app, staff, "first-responder", days_ago=365 - 14)
    remind(runner)
    seven = (uk_today() + timedelta(days=7)).isoformat()
    remind(runner, "--date", seven)
    remind(runner, "--date", seven)
    on_the_day = (uk_today() + timedelta(days=14)).isoformat()
    remind(runner, "--date", on_the_day)
    for late in (1, 3, 7, 8, 14, 15):  # days after the due date: weekly from the first
        remind(runner, "--date", (uk_today() + timedelta(days=14 + late)).isoformat())
    with app.app_context():
        mine = db.session.execute(
            select(SentReminder.kind, SentReminder.period).where(
                SentReminder.user_id == staff.id, SentReminder.module_id == "first-responder"
            )
        ).all()
    due = (uk_today() + timedelta(days=14)).isoformat()
    assert sorted(mine) == [
        ("due_0", due),
        ("due_14", due),
        ("due_7", due),
        ("overdue", f"{due}/0"),
        ("overdue", f"{due}/1"),
        ("overdue", f"{due}/2"),
    ]
    subjects = [m["Subject"] for m in inbox.messages if m["To"] == staff.email]
    assert subjects.count("Your safeguarding training is overdue") >= 1
    fr_today = "find an image: due today"
    today_mail = [m for m in inbox.messages if m["To"] == staff.email and fr_today in body(m)]
    assert len(today_mail) == 1


def test_a_failed_send_is_not_recorded_and_goes_out_next_time(app, runner, world, smtp_inbox):
    inbox, port = smtp_inbox
    add_completion(app, world.users["staff"], "first-responder", days_ago=400)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    send_mail_to(app, dead_port)
    app.config["MAIL_TIMEOUT_SECONDS"] = 2
    failed = runner.invoke(args=["compliance", "remind"])
    assert failed.exit_code != 0 and "could not be sent" in failed.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentReminder)) == 0
    send_mail_to(app, port)
    assert "(4 emails)" in remind(runner)
    assert len(inbox.messages) == 4


def test_remind_needs_a_base_url(runner):
    result = runner.invoke(args=["compliance", "remind"])
    assert result.exit_code != 0 and "EXTERNAL_URL" in result.output
