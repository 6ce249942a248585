"""Reminders and invitations an admin sends from the dashboard: choose, preview, send.

A reminder from the dashboard is the daily command's reminder sent early: it has the same key
(person, module, kind, period) in `compliance_sent_reminders`, so whichever goes first, the
other does not send it again. An invitation (to someone who has never set a password) carries
a set-password link and is keyed by ISO week: one a week at most, however often an admin asks.
Planning reads only; `send` writes, one email and its keys per transaction.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, render_template, url_for
from sqlalchemy import func, select

from training_app.admin.models import School
from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.auth.services import create_reset_token
from training_app.compliance.models import SentReminder
from training_app.compliance.reminders import reminder_email, reminder_key, send_once, week_of
from training_app.compliance.reports import Line, Person, load_lines
from training_app.compliance.status import OVERDUE, STATES, URGENCY
from training_app.extensions import db

REMINDER = "reminder"
INVITATION = "invitation"
KINDS = {
    REMINDER: "A reminder of the training that is due soon or overdue",
    INVITATION: "An invitation to set a password and start (for people who have never signed in)",
}
EVERYONE_OVERDUE = "overdue"
NEVER_SIGNED_IN = "not_signed_in"
CHOSEN = "chosen"
AUDIENCES = {
    EVERYONE_OVERDUE: "Everyone overdue",
    NEVER_SIGNED_IN: "Everyone who has not set a password yet",
    CHOSEN: "The people I tick below",
}
LINK_PLACEHOLDER = "(a set-password link, made when you send)"


@dataclass(frozen=True)
class Candidate:
    """A person an admin may email, with what the list shows about them."""

    person: Person
    state: str  # the most urgent state of their required training
    has_password: bool
    last_emailed: datetime | None

    @property
    def state_label(self) -> str:
        """The most urgent state in words ("Overdue"); "Nothing required" without any."""
        return STATES.get(self.state, "Nothing required")


@dataclass(frozen=True)
class Email:
    """One email the batch will send (the invitation's link is made when it is sent)."""

    person: Person
    subject: str
    body: str
    keys: list[tuple[str, str, str]]


@dataclass
class Batch:
    """What sending would do: the emails, and who is left out and why."""

    kind: str
    emails: list[Email] = field(default_factory=list)
    skipped: list[tuple[Person, str]] = field(default_factory=list)


def candidates(school_id: int) -> list[Candidate]:
    """The school's active people, most urgent first, for the list to choose from."""
    lines = load_lines([school_id])
    by_person: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_person[line.person.id].append(line)
    people, passwords = _active_people(school_id)
    emailed = dict(
        db.session.execute(
            select(SentReminder.user_id, func.max(SentReminder.sent_at))
            .where(SentReminder.school_id == school_id, SentReminder.kind != "digest")
            .group_by(SentReminder.user_id)
        ).all()
    )
    found = []
    for person_id, person in people.items():
        states = [line.status.state for line in by_person[person_id] if line.status.counted]
        state = min(states, key=URGENCY.__getitem__) if states else ""
        found.append(
            Candidate(person, state, passwords.get(person_id, False), emailed.get(person_id))
        )
    found.sort(key=lambda c: (URGENCY.get(c.state, len(URGENCY)), c.person.name.lower()))
    return found


def _active_people(school_id: int) -> tuple[dict[int, Person], dict[int, bool]]:
    """Everyone active at the school (also those the policy requires nothing of, who may
    still need an invitation), and whether each has set a password."""
    rows = db.session.execute(
        select(
            User.id,
            User.name,
            User.email,
            User.role,
            User.staff_group,
            User.start_date,
            User.password_hash.is_not(None),
        )
        .where(User.school_id == school_id, User.active.is_(True))
        .order_by(User.id)
    )
    people, passwords = {}, {}
    for user_id, name, email, role, group, start, has in rows:
        people[user_id] = Person(user_id, school_id, name, email, role, group, start or date.min)
        passwords[user_id] = bool(has)
    return people, passwords


def _audience(who: str, chosen: set[int], everyone: list[Candidate]) -> list[Candidate]:
    if who == EVERYONE_OVERDUE:
        return [c for c in everyone if c.state == OVERDUE]
    if who == NEVER_SIGNED_IN:
        return [c for c in everyone if not c.has_password]
    return [c for c in everyone if c.person.id in chosen]


def plan(
    school: School, *, kind: str, who: str, chosen: set[int], today: date, base_url: str
) -> Batch:
    """The emails sending would send now, and who would not get one and why (changes nothing)."""
    everyone = candidates(school.id)
    audience = _audience(who, chosen, everyone)
    batch = Batch(kind)
    if not audience:
        return batch
    ids = [c.person.id for c in audience]
    sent = _sent(school.id, ids)
    lines = load_lines([school.id], user_ids=ids)
    by_person: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_person[line.person.id].append(line)
    base = base_url.rstrip("/")
    for candidate in audience:
        person = candidate.person
        if kind == INVITATION:
            key = ("", INVITATION, week_of(today))
            if candidate.has_password:
                batch.skipped.append((person, "has already set a password"))
            elif (person.id, *key) in sent:
                batch.skipped.append((person, "was invited this week already"))
            else:
                body = _invitation(person, school, by_person[person.id], base, LINK_PLACEHOLDER)
                subject = f"You are invited to {school.name}'s safeguarding training"
                batch.emails.append(Email(person, subject, body, [key]))
            continue
        wanted = [(line, k) for line in by_person[person.id] if (k := reminder_key(line, today))]
        if not wanted:
            batch.skipped.append((person, "has nothing due soon or overdue"))
            continue
        fresh = [
            (line, k) for line, k in wanted if (person.id, line.status.module_id, *k) not in sent
        ]
        if not fresh:
            batch.skipped.append((person, "has already had this reminder"))
            continue
        overdue = any(kind == "overdue" for _, (kind, _) in fresh)
        subject, body = reminder_email(
            person,
            school,
            [line for line, _ in fresh],
            today,
            overdue=overdue,
            home=base + url_for("home.index"),
            forgot=base + url_for("auth.forgot_password"),
        )
        keys = [(line.status.module_id, k, period) for line, (k, period) in fresh]
        batch.emails.append(Email(person, subject, body, keys))
    return batch


def _invitation(person: Person, school: School, lines: list[Line], base: str, link: str) -> str:
    return render_template(
        "compliance/email_invitation.txt",
        person=person,
        school=school,
        lines=[line for line in lines if line.status.counted],
        link=link,
        home=base + url_for("home.index"),
        hours=current_app.config["INVITATION_HOURS"],
    )


def _sent(school_id: int, user_ids: list[int]) -> set[tuple[int, str, str, str]]:
    rows = db.session.execute(
        select(
            SentReminder.user_id,
            SentReminder.module_id,
            SentReminder.kind,
            SentReminder.period,
        ).where(SentReminder.school_id == school_id, SentReminder.user_id.in_(user_ids))
    )
    return {(r.user_id, r.module_id, r.kind, r.period) for r in rows}


@dataclass
class Sent:
    """What a send did: how many went, how many failed (and can be sent again)."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send(
    school: School, batch: Batch, *, actor: User, base_url: str, ip_address: str | None
) -> Sent:
    """Send the planned emails, each at most once, and audit the batch."""
    result = Sent()
    base = base_url.rstrip("/")
    for email in batch.emails:
        body = email.body
        if batch.kind == INVITATION:
            reset = create_reset_token(
                email.person.email,
                ip_address=ip_address,
                hours=current_app.config["INVITATION_HOURS"],
            )
            if reset is None:  # deactivated since the preview
                continue
            link = base + url_for("auth.reset_password", token=reset.token)
            body = body.replace(LINK_PLACEHOLDER, link)
        try:
            if send_once(
                email.person.id, school.id, email.person.email, email.subject, body, email.keys
            ):
                result.sent.append(email.person.email)
        except (OSError, smtplib.SMTPException):
            result.failed.append(email.person.email)
    if result.sent:
        what = "invitations" if batch.kind == INVITATION else "reminders"
        record_event(
            f"compliance.{what}_sent",
            actor=actor,
            school_id=school.id,
            summary=f"Sent {len(result.sent)} {what} from the dashboard",
            after={"emails": result.sent},
            ip_address=ip_address,
        )
        db.session.commit()
    return result
