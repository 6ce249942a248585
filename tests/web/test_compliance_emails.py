"""Reminders and invitations from the dashboard, over real SMTP (aiosmtpd on loopback)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import post_form
from tests.helpers.compliance import (
    HEADER,
    add_completion,
    commit,
    preview_url,
    remind,
    set_policy,
    upload,
)
from tests.helpers.mail import body, by_recipient, send_mail_to
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.compliance.models import SentReminder
from training_app.compliance.policy import DEFAULT_POLICY, TrainingPolicy
from training_app.compliance.reports import person_lines
from training_app.compliance.status import OVERDUE, uk_today
from training_app.extensions import db


def url(world):
    return f"/schools/{world.a1.id}/compliance/emails"


def choose(client, world, **data):
    """Post the choice (preview, unless `send` is in the data) and return the page text."""
    return post_form(client, url(world), data).get_data(as_text=True)


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_admin_previews_then_reminds_everyone_overdue_once(
    app, runner, world, login_as, smtp_inbox
):
    inbox, port = smtp_inbox
    send_mail_to(app, port)
    staff, dsl = world.users["staff"], world.users["dsl"]
    add_completion(app, staff, "first-responder", days_ago=365 - 14)  # due in 14 days
    add_completion(app, dsl, "first-responder", days_ago=400)  # overdue
    client = login_as("school_admin")
    page = client.get(url(world)).get_data(as_text=True)
    assert dsl.name in page and "Overdue" in page and "Due soon" in page

    preview = choose(client, world, kind="reminder", who="overdue", preview="1")
    assert "1 email to send" in preview and "Nothing has been sent yet" in preview
    assert dsl.email in preview and staff.email not in preview
    assert "Your safeguarding training is overdue" in preview
    assert "https://training.example.org/" in preview
    assert inbox.messages == []  # a preview sends nothing

    sent = post_form(client, url(world), {"kind": "reminder", "who": "overdue", "send": "1"})
    assert sent.status_code == 302
    (message,) = inbox.messages
    assert message["To"] == dsl.email and "overdue, it was due" in body(message)
    assert count(app, SentReminder, SentReminder.kind == "overdue") == 1
    assert count(app, AuditEvent, AuditEvent.action == "compliance.reminders_sent") == 1

    # Sending again from the screen, or the daily command, never repeats it.
    again = choose(client, world, kind="reminder", who="overdue", preview="1")
    assert "0 emails to send" in again and "has already had this reminder" in again
    post_form(client, url(world), {"kind": "reminder", "who": "overdue", "send": "1"})
    remind(runner)
    mail = by_recipient(inbox)
    assert len(mail[dsl.email]) == 1 and len(mail[staff.email]) == 1  # staff: the 14-day one


def test_ticked_people_only_and_nobody_ticked_is_explained(app, world, login_as, smtp_inbox):
    inbox, port = smtp_inbox
    send_mail_to(app, port)
    staff, dsl = world.users["staff"], world.users["dsl"]
    add_completion(app, staff, "first-responder", days_ago=400)
    add_completion(app, dsl, "first-responder", days_ago=400)
    client = login_as("school_admin")
    page = choose(client, world, kind="reminder", who="chosen", preview="1")
    assert "Tick at least one person, or choose a group above." in page
    preview = choose(client, world, kind="reminder", who="chosen", people=[staff.id], preview="1")
    assert staff.email in preview and dsl.email not in preview
    # An id from another school is ignored, not emailed.
    other = world.users["b1_staff"].id
    post_form(
        client,
        url(world),
        {"kind": "reminder", "who": "chosen", "people": [staff.id, other], "send": "1"},
    )
    assert [m["To"] for m in inbox.messages] == [staff.email]


def test_invitation_gives_imported_staff_a_set_password_link(app, world, login_as, smtp_inbox):
    inbox, port = smtp_inbox
    send_mail_to(app, port)
    client = login_as("school_admin")
    commit(
        client,
        preview_url(
            upload(client, world.a1.id, HEADER + "Ivy New,ivy@a1.example,Staff,Support,\n")
        ),
    )
    preview = choose(client, world, kind="invitation", who="not_signed_in", preview="1")
    assert "1 email to send" in preview and "ivy@a1.example" in preview
    assert "(a set-password link, made when you send)" in preview
    post_form(client, url(world), {"kind": "invitation", "who": "not_signed_in", "send": "1"})
    (message,) = inbox.messages
    assert message["To"] == "ivy@a1.example"
    assert message["Subject"] == "You are invited to A1's safeguarding training"
    link = re.search(r"https://training\.example\.org(/account/reset/\S+)", body(message))
    assert link and "works once, for 7 days" in body(message)

    # Once a week at most, and never to someone who has set a password.
    again = choose(client, world, kind="invitation", who="not_signed_in", preview="1")
    assert "was invited this week already" in again
    ivy = app.test_client()
    response = post_form(
        ivy,
        link.group(1),
        {"new_password": "a-long-new-password-1", "confirm": "a-long-new-password-1"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    ticked = choose(
        client,
        world,
        kind="invitation",
        who="chosen",
        people=[_id(app, "ivy@a1.example")],
        preview="1",
    )
    assert "has already set a password" in ticked


def _id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_only_admins_send(world, login_as):
    assert login_as("dsl").get(url(world)).status_code == 403
    assert login_as("staff").get(url(world)).status_code == 403


def test_dashboard_links_to_the_emails_page(world, login_as):
    page = login_as("school_admin").get(f"/schools/{world.a1.id}/compliance").get_data(as_text=True)
    assert f'href="{url(world)}"' in page


def test_a_dsl_opens_a_record_from_the_dashboard_read_only(app, world, login_as):
    staff = world.users["staff"]
    record = add_completion(app, staff, "first-responder", days_ago=400)
    client = login_as("dsl")
    dashboard = client.get(f"/schools/{world.a1.id}/compliance").get_data(as_text=True)
    assert f'href="/people/{staff.id}/training"' in dashboard
    page = client.get(f"/people/{staff.id}/training")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Training record: " in text and "Void" not in text and "exemptions/new" not in text
    assert "You can read this record." in text
    assert client.get(f"/training-records/{record.id}/certificate").status_code == 200
    # Changing the record stays with the admins; another school's people stay closed.
    assert client.get(f"/people/{staff.id}/training/external").status_code == 403
    assert client.get(f"/training-records/{record.id}/void").status_code == 403
    assert client.get(f"/people/{world.users['a2_staff'].id}/training").status_code == 403


def test_import_preview_shows_the_onboarding_window_and_veterans_are_not_overdue(
    app, world, login_as
):
    client = login_as("school_admin")
    text = HEADER + "Vic Veteran,vic@a1.example,Staff,Teaching,01/09/2019\n"
    preview = preview_url(upload(client, world.a1.id, text))
    page = client.get(preview).get_data(as_text=True)
    window_ends = uk_today() + timedelta(days=DEFAULT_POLICY.onboarding_days)
    assert "onboarding window of 28 days" in page
    assert f"{window_ends.day} {window_ends:%B %Y}" in page and "(overdue)" not in page
    commit(client, preview)
    vic = _id(app, "vic@a1.example")
    with app.app_context():
        lines = person_lines(vic, world.a1.id)
    assert lines and all(line.status.due == window_ends for line in lines)
    assert not any(line.status.state == OVERDUE for line in lines)


def test_without_a_window_the_preview_warns_that_veterans_will_be_overdue(app, world, login_as):
    set_policy(app, world.a1.id, TrainingPolicy(DEFAULT_POLICY.requirements, onboarding_days=0))
    client = login_as("school_admin")
    text = HEADER + "Vic Veteran,vic@a1.example,Staff,Teaching,01/09/2019\n"
    page = client.get(preview_url(upload(client, world.a1.id, text))).get_data(as_text=True)
    assert "no onboarding window" in page
    assert "1 person in this file will be overdue on the day they are imported" in page
    assert "29 September 2019 (overdue)" in page


def test_someone_the_policy_requires_nothing_of_can_still_be_invited(app, world, login_as):
    dsl_only = TrainingPolicy(
        tuple(r for r in DEFAULT_POLICY.requirements if "staff" not in r.roles)
    )
    set_policy(app, world.a1.id, dsl_only)
    client = login_as("school_admin")
    commit(
        client,
        preview_url(
            upload(client, world.a1.id, HEADER + "Ivy New,ivy@a1.example,Staff,Support,\n")
        ),
    )
    page = client.get(url(world)).get_data(as_text=True)
    assert "Ivy New" in page and "Nothing required" in page
    post_form(client, url(world), {"kind": "invitation", "who": "not_signed_in", "send": "1"})
    sent = [m["To"] for m in app.extensions["mail_outbox"]]
    assert sent == ["ivy@a1.example"]
