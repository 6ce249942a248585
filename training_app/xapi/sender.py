"""Posting the outbox to each trust's LRS: batches, retries with back-off, parking refusals.

Run by `flask xapi send` (once, from cron, or `--loop` as a long-running process); never
in a learner's request, so a slow or absent LRS costs a learner nothing. A statement goes
back to the LRS until it answers: an LRS that is down only delays the backlog (tries and
the next try time grow); a statement the LRS refuses (a 4xx for that statement alone) is
parked with the LRS's answer and not tried again. Ids are deterministic, so a batch that
reached the LRS but whose answer was lost is sent again without making duplicates (the LRS
keeps one statement per id). An LRS may answer that second try with 409 Conflict: then the
statements it already holds as we made them count as sent, and only one it holds with other
content under the same id (a true conflict) is parked.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from training_app.auth.models import User
from training_app.extensions import db
from training_app.mfa import unseal
from training_app.models_common import utcnow
from training_app.xapi import build
from training_app.xapi import statements as st
from training_app.xapi.models import PARKED, PENDING, SENT, LrsSettings, OutboxStatement
from training_app.xapi.validate import problems

BATCH = 50


class LrsUnavailable(Exception):
    """The LRS did not answer, or answered with a server error: try again later."""


@dataclass
class Outcome:
    """What one pass did, per trust added up."""

    sent: int = 0
    parked: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(tries: int) -> timedelta:
    """How long to wait before the next try after `tries` failed ones (doubling, capped)."""
    first = current_app.config["XAPI_BACKOFF_FIRST_SECONDS"]
    most = current_app.config["XAPI_BACKOFF_MOST_SECONDS"]
    return timedelta(seconds=min(first * 2 ** max(tries - 1, 0), most))


def _request(settings: LrsSettings, method: str, path: str, body: Any = None) -> tuple[int, str]:
    """Ask the LRS; (status, body) for an answer, LrsUnavailable for none or a 5xx."""
    secret = unseal(settings.secret_sealed, str(current_app.config["SECRET_KEY"])) or ""
    token = base64.b64encode(f"{settings.key}:{secret}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - the endpoint is an admin's http(s) URL
        settings.endpoint.rstrip("/") + "/" + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Authorization": f"Basic {token}",
            "Content-Type": "application/json",
            "X-Experience-API-Version": st.VERSION,
        },
    )
    timeout = current_app.config["XAPI_TIMEOUT_SECONDS"]
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as refused:
        text = refused.read().decode(errors="replace")[:2000]
        if refused.code >= 500 or refused.code in (401, 403, 429):
            # The LRS is unwell or our credentials are: not this statement's fault.
            raise LrsUnavailable(f"HTTP {refused.code}: {text}") from refused
        return refused.code, text
    except (OSError, ValueError) as down:
        raise LrsUnavailable(str(down)) from down


def _held(settings: LrsSettings, statement_id: str) -> dict[str, Any] | None:
    """The statement the LRS holds under this id, or None when it holds none."""
    code, text = _request(settings, "GET", f"statements?statementId={statement_id}")
    try:
        answer = json.loads(text) if code == 200 else None
    except ValueError:
        answer = None  # not an answer we can read: treated as not held, so sent again
    # xAPI answers with the statement itself; some LRSs (Ralph 5.1) with a StatementResult.
    found = answer.get("statements", [answer]) if isinstance(answer, dict) else []
    return next((s for s in found if s.get("id") == statement_id), None)


# xAPI's statement comparison leaves out what the LRS adds or may rewrite (authority,
# stored, version) and the timestamp; the rest is what the statement says happened.
_COMPARED = ("actor", "verb", "object", "result", "context", "attachments")


def same_statement(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Whether the LRS's statement records what ours does (xAPI's statement comparison)."""
    return all(ours.get(key) == theirs.get(key) for key in _COMPARED)


def with_actors(settings: LrsSettings, rows: list[OutboxStatement]) -> list[dict[str, Any] | str]:
    """Each row's statement, built from its record and naming the person as the trust chose.

    A row whose statement cannot be made has, in its place, why not.
    """
    emails = dict(
        db.session.execute(
            select(User.id, User.email).where(User.id.in_({r.user_id for r in rows}))
        ).all()
    )
    home = current_app.config.get("EXTERNAL_URL") or "https://training.invalid"
    return [
        made
        if isinstance(made, str)
        else {
            **made,
            "actor": st.actor(
                row.user_id, emails.get(row.user_id, ""), settings.actor_format, home
            ),
        }
        for row, made in zip(rows, build.statements(rows), strict=True)
    ]


def _park(row: OutboxStatement, error: str) -> None:
    row.status = PARKED
    row.tries += 1
    row.last_error = error[:2000]


def _mark_sent(ready: list[tuple[OutboxStatement, dict[str, Any]]], outcome: Outcome) -> None:
    now = utcnow()
    for row, _ in ready:
        row.status, row.sent_at, row.last_error = SENT, now, None
        row.tries += 1
    outcome.sent += len(ready)


def _send_batch(settings: LrsSettings, rows: list[OutboxStatement], outcome: Outcome) -> None:
    made = with_actors(settings, rows)
    ready: list[tuple[OutboxStatement, dict[str, Any]]] = []
    for row, statement in zip(rows, made, strict=True):
        if isinstance(statement, str):
            _park(row, "not made: " + statement)
        elif wrong := problems(statement):
            _park(row, "not valid xAPI: " + "; ".join(wrong))
        else:
            ready.append((row, statement))
            continue
        outcome.parked += 1
    if ready:
        _deliver(settings, ready, outcome)


def _deliver(
    settings: LrsSettings, ready: list[tuple[OutboxStatement, dict[str, Any]]], outcome: Outcome
) -> None:
    code, text = _request(settings, "POST", "statements", [s for _, s in ready])
    if 200 <= code < 300:
        _mark_sent(ready, outcome)
        return
    error = f"HTTP {code}: {text}"
    if code == 409:
        # The LRS holds some of these ids (a try whose answer was lost, then stored): what it
        # holds as we made it was sent; the rest goes again.
        missing = _settle_conflict(settings, ready, error, outcome)
        if len(missing) < len(ready):
            if missing:
                _deliver(settings, missing, outcome)
            return
    if len(ready) == 1:
        _park(ready[0][0], error)
        outcome.parked += 1
        return
    # The LRS refused the batch: one at a time finds the statement it refuses.
    for pair in ready:
        _deliver(settings, [pair], outcome)


def _settle_conflict(
    settings: LrsSettings,
    ready: list[tuple[OutboxStatement, dict[str, Any]]],
    error: str,
    outcome: Outcome,
) -> list[tuple[OutboxStatement, dict[str, Any]]]:
    """After a 409: mark sent what the LRS holds as ours, park what it holds differently.

    Returns the statements the LRS does not hold.
    """
    missing = []
    for row, statement in ready:
        theirs = _held(settings, statement["id"])
        if theirs is None:
            missing.append((row, statement))
        elif same_statement(statement, theirs):
            _mark_sent([(row, statement)], outcome)
        else:
            _park(row, f"{error} (the LRS holds a different statement with this id)")
            outcome.parked += 1
    return missing


def send_due(*, batch: int = BATCH) -> Outcome:
    """One pass: every enabled trust's due statements, in batches, until none are due."""
    outcome = Outcome()
    for settings in db.session.scalars(select(LrsSettings).where(LrsSettings.enabled.is_(True))):
        while True:
            rows = list(
                db.session.scalars(
                    select(OutboxStatement)
                    .where(
                        OutboxStatement.trust_id == settings.trust_id,
                        OutboxStatement.status == PENDING,
                        OutboxStatement.next_try_at <= utcnow(),
                    )
                    .order_by(OutboxStatement.id)
                    .limit(batch)
                )
            )
            if not rows:
                break
            try:
                _send_batch(settings, rows, outcome)
            except LrsUnavailable as down:
                db.session.rollback()  # parks made before the failure wait for the next pass
                _defer(settings.trust_id, [r.id for r in rows], str(down))
                outcome.deferred += len(rows)
                outcome.errors.append(f"trust {settings.trust_id}: {down}")
                break
            db.session.commit()
    return outcome


def _defer(trust_id: int, ids: list[int], error: str) -> None:
    now = utcnow()
    for row in db.session.scalars(select(OutboxStatement).where(OutboxStatement.id.in_(ids))):
        row.tries += 1
        row.next_try_at = now + backoff(row.tries)
        row.last_error = error[:2000]
    db.session.commit()


@dataclass(frozen=True)
class Backlog:
    """One trust's outbox in numbers."""

    trust_id: int
    pending: int
    parked: int
    sent: int
    oldest_pending: Any
    last_error: str | None


def backlog() -> list[Backlog]:
    """Every trust with statements: how many wait, are parked and were sent."""
    counts: dict[int, dict[str, int]] = {}
    oldest: dict[int, Any] = {}
    for trust_id, status, count, first in db.session.execute(
        select(
            OutboxStatement.trust_id,
            OutboxStatement.status,
            func.count(),
            func.min(OutboxStatement.created_at),
        ).group_by(OutboxStatement.trust_id, OutboxStatement.status)
    ):
        counts.setdefault(trust_id, {})[status] = count
        if status == PENDING:
            oldest[trust_id] = first
    errors = dict(
        db.session.execute(
            select(OutboxStatement.trust_id, func.max(OutboxStatement.last_error))
            .where(OutboxStatement.status != SENT, OutboxStatement.last_error.is_not(None))
            .group_by(OutboxStatement.trust_id)
        ).all()
    )
    return [
        Backlog(
            trust_id,
            c.get(PENDING, 0),
            c.get(PARKED, 0),
            c.get(SENT, 0),
            oldest.get(trust_id),
            errors.get(trust_id),
        )
        for trust_id, c in sorted(counts.items())
    ]
