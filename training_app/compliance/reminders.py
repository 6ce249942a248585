"""Reminder emails, run daily by cron (`flask compliance remind`): never the same one twice.

People are reminded 14 days and 7 days before a due date and on the day, then once a week
while overdue (the day after the due date, then every seven days); admins get a digest each
ISO week. Each reminder has a key (person, module, kind, period)
that is unique in `compliance_sent_reminders`: the row is written in the same transaction as
the email is sent, so a reminder that went out is never sent again, and one that failed to
send is not recorded and goes out on the next run.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app, render_template, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training_app.admin.models import School
from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.compliance.figures import Headline, headline
from training_app.compliance.models import SentReminder
from training_app.compliance.reports import Line, Person, load_lines
from training_app.compliance.status import DUE_SOON, OVERDUE, UK, uk_today
from training_app.extensions import db
from training_app.mail import send_mail
from training_app.roles import ADMIN_ROLES

DUE_STEPS = (0, 7, 14)  # days before the due date; the most urgent one that applies is sent


@dataclass
class Outcome:
    """What a run sent (and failed to send)."""

    due: int = 0
    overdue: int = 0
    digests: int = 0
    failed: int = 0
    emails: list[str] = field(default_factory=list)


def week_of(day: date) -> str:
    """The ISO week a date is in, e.g. 2026-W47 (the period of weekly reminders)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def reminder_key(line: Line, today: date) -> tuple[str, str] | None:
    """(kind, period) of the reminder this line needs today, or None."""
    status = line.status
    if status.due is None or status.state not in (DUE_SOON, OVERDUE):
        return None
    days = (status.due - today).days
    if days < 0:
        # Weeks counted from the due date, so each person hears once every seven days.
        return "overdue", f"{status.due.isoformat()}/{(-days - 1) // 7}"
    for step in DUE_STEPS:
        if days <= step:
            return f"due_{step}", status.due.isoformat()
    return None


def _already_sent(school_id: int, periods: set[str]) -> set[tuple[int, str, str, str]]:
    """Reminder keys already sent at this school for any of these periods."""
    rows = db.session.execute(
        select(
            SentReminder.user_id, SentReminder.module_id, SentReminder.kind, SentReminder.period
        ).where(SentReminder.school_id == school_id, SentReminder.period.in_(sorted(periods)))
    )
    return {(r.user_id, r.module_id, r.kind, r.period) for r in rows}


def send_once(
    user_id: int,
    school_id: int,
    email: str,
    subject: str,
    body: str,
    keys: list[tuple[str, str, str]],
) -> bool:
    """Record the keys and send the email in one transaction; False if sent before."""
    for module_id, kind, period in keys:
        db.session.add(
            SentReminder(
                user_id=user_id,
                school_id=school_id,
                module_id=module_id,
                kind=kind,
                period=period,
                email=email,
                subject=subject[:200],
            )
        )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # another run sent it first
        return False
    try:
        send_mail(email, subject, body)
    except (OSError, smtplib.SMTPException):
        db.session.rollback()
        raise
    db.session.commit()
    return True


def _remind_people(school: School, lines: list[Line], today: date, outcome: Outcome) -> int:
    wanted = [(line, key) for line in lines if (key := reminder_key(line, today))]
    sent_before = _already_sent(school.id, {period for _, (_, period) in wanted})
    due: dict[int, list[tuple[Line, str, str]]] = defaultdict(list)
    for line, (kind, period) in wanted:
        if (line.person.id, line.status.module_id, kind, period) not in sent_before:
            due[line.person.id].append((line, kind, period))
    sent = 0
    for items in due.values():
        person = items[0][0].person
        overdue = [line for line, kind, _ in items if kind == "overdue"]
        subject, body = reminder_email(
            person,
            school,
            [line for line, _, _ in items],
            today,
            overdue=bool(overdue),
            home=url_for("home.index", _external=True),
            forgot=url_for("auth.forgot_password", _external=True),
        )
        keys = [(line.status.module_id, kind, period) for line, kind, period in items]
        try:
            if send_once(person.id, school.id, person.email, subject, body, keys):
                sent += 1
                outcome.emails.append(person.email)
                outcome.overdue += len(overdue)
                outcome.due += len(items) - len(overdue)
        except (OSError, smtplib.SMTPException):
            outcome.failed += 1
    return sent


def reminder_email(
    person: Person,
    school: School,
    lines: list[Line],
    today: date,
    *,
    overdue: bool,
    home: str,
    forgot: str,
) -> tuple[str, str]:
    """The subject and text of one person's reminder, linking to `home` and `forgot`."""
    subject = (
        "Your safeguarding training is overdue"
        if overdue
        else "Your safeguarding training is due soon"
    )
    body = render_template(
        "compliance/email_reminder.txt",
        person=person,
        school=school,
        lines=lines,
        today=today,
        home=home,
        forgot=forgot,
    )
    return subject, body


def _digest(
    admin: User, schools: list[tuple[School, Headline, list[Line]]], today: date, outcome: Outcome
) -> None:
    body = render_template(
        "compliance/email_digest.txt",
        admin=admin,
        schools=schools,
        today=today,
        link=lambda school: url_for("compliance.dashboard", school_id=school.id, _external=True),
    )
    key = [("", "digest", week_of(today))]
    subject = f"Safeguarding training: weekly summary for {today.strftime('%-d %B %Y')}"
    try:
        if send_once(admin.id, admin.school_id, admin.email, subject, body, key):
            outcome.digests += 1
            outcome.emails.append(admin.email)
    except (OSError, smtplib.SMTPException):
        outcome.failed += 1


def run(*, base_url: str, today: date | None = None) -> Outcome:
    """Send today's reminders and this week's digests (safe to run any number of times)."""
    today = today or uk_today()
    outcome = Outcome()
    by_school: dict[int, tuple[School, Headline, list[Line]]] = {}
    with current_app.test_request_context(base_url=base_url):
        for school in db.session.scalars(select(School).order_by(School.id)).all():
            lines = load_lines([school.id], now=datetime.combine(today, time(12), tzinfo=UK))
            before = (outcome.due, outcome.overdue)
            people = _remind_people(school, lines, today, outcome)
            attention = [line for line in lines if line.status.state in (OVERDUE, DUE_SOON)]
            by_school[school.id] = (school, headline(lines), attention)
            if people:
                record_event(
                    "compliance.reminders_sent",
                    actor=None,
                    school_id=school.id,
                    summary=f"Emailed {people} people: {outcome.due - before[0]} due soon, "
                    f"{outcome.overdue - before[1]} overdue",
                )
                db.session.commit()
        admins = db.session.scalars(
            select(User).where(User.active.is_(True), User.role.in_(ADMIN_ROLES))
        ).all()
        for admin in admins:
            if admin.role == "school_admin":
                mine = [by_school[admin.school_id]] if admin.school_id in by_school else []
            else:
                trust_id = by_school[admin.school_id][0].trust_id
                mine = [entry for entry in by_school.values() if entry[0].trust_id == trust_id]
            _digest(admin, mine, today, outcome)
    return outcome
