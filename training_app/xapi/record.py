"""Writing outbox references, in the caller's transaction (one call per record).

Learning, compliance and rehearsal services call these just before they commit. Each does
nothing unless the person's trust sends to an LRS; which schools do is kept per process for
XAPI_SCHOOLS_MEMO_SECONDS (config.py), so a trust with xAPI off costs the learner no query at
all. Pupils have no accounts and never reach this code (lessons record class deliveries,
not people).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from training_app.admin.models import School
from training_app.extensions import db
from training_app.learning.models import Attempt, Completion
from training_app.models_common import utcnow
from training_app.xapi import statements as st
from training_app.xapi.models import ATTEMPT, PENDING, REHEARSAL, LrsSettings, OutboxStatement

if TYPE_CHECKING:
    from training_app.rehearsal.models import Rehearsal, RehearsalAnswer

_outbox = OutboxStatement.__table__


def _memo() -> dict[str, Any]:
    # Per app (so per worker process, and per test's app); loaded on first use.
    memo: dict[str, Any] = current_app.extensions.setdefault(
        "xapi_sending_schools", {"at": float("-inf"), "schools": {}}
    )
    return memo


def forget_settings() -> None:
    """Drop this process's memo of which schools send (after a trust's settings change)."""
    _memo()["at"] = float("-inf")


def _fresh_memo() -> dict[str, Any]:
    memo, now = _memo(), time.monotonic()
    if now - memo["at"] >= current_app.config["XAPI_SCHOOLS_MEMO_SECONDS"]:
        rows = db.session.execute(
            select(School.id, School.trust_id)
            .join(LrsSettings, LrsSettings.trust_id == School.trust_id)
            .where(LrsSettings.enabled.is_(True))
        )
        memo["schools"] = {school: trust for school, trust in rows}
        memo["at"] = now
    return memo


def sending_trust(school_id: int) -> int | None:
    """The trust that sends this school's statements, or None when its trust sends none."""
    trust: int | None = _fresh_memo()["schools"].get(school_id)
    return trust


# Two devices recording the same thing make the same statement id: keep the first. Built
# once per dialect, as the learner's own statements are (learning/services.py).
_INSERTS: dict[str, Insert] = {
    "postgresql": postgresql.insert(_outbox).on_conflict_do_nothing(
        index_elements=["statement_id"]
    ),
    "sqlite": sqlite.insert(_outbox).on_conflict_do_nothing(index_elements=["statement_id"]),
}


def _insert(conn: Connection) -> Insert:
    return _INSERTS["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]


def _reference(
    trust_id: int, user_id: int, verb: str, record: str, record_id: int, part: object = None
) -> dict[str, Any]:
    now = utcnow()
    return {
        "statement_id": st.reference_id(record, record_id, verb, part),
        "trust_id": trust_id,
        "user_id": user_id,
        "verb": verb,
        "record": record,
        "record_id": record_id,
        "part": None if part is None else str(part),
        "status": PENDING,
        "tries": 0,
        "next_try_at": now,
        "created_at": now,
    }


def _write(*rows: dict[str, Any], conn: Connection | None = None) -> None:
    target = conn if conn is not None else db.session.connection()
    target.execute(_insert(target), list(rows))


def module_started(attempt: Attempt) -> None:
    """A new attempt (the caller has added it to the session and commits)."""
    trust = sending_trust(attempt.school_id)
    if trust is None:
        return
    db.session.flush()
    _write(_reference(trust, attempt.user_id, "attempted", ATTEMPT, attempt.id))


def page_read(attempt_id: int, user_id: int, page: int) -> None:
    """A page read for the first time in this attempt."""
    if not _fresh_memo()["schools"]:
        return  # no trust sends: no need to find this attempt's school
    school_id = db.session.scalar(select(Attempt.school_id).where(Attempt.id == attempt_id))
    trust = None if school_id is None else sending_trust(school_id)
    if trust is not None:
        _write(_reference(trust, user_id, "experienced", ATTEMPT, attempt_id, page))


def answer_row(attempt: Attempt, answer: dict[str, Any]) -> dict[str, Any] | None:
    """The outbox row for a quiz answer, made before the answer is claimed (None: none).

    Made first so the answer's write transaction (on SQLite, the database's one write
    lock) is held only for the INSERT.
    """
    trust = sending_trust(attempt.school_id)
    if trust is None or answer["correct"] is None:
        return None  # a trust that does not send, or an information step (nothing judged)
    return _reference(trust, attempt.user_id, "answered", ATTEMPT, attempt.id, answer["step"])


def write_answer(conn: Connection, row: dict[str, Any] | None) -> None:
    """Write `answer_row`'s row on the answer's own connection, after its claim succeeded."""
    if row is not None:
        _write(row, conn=conn)


def quiz_finished(conn: Connection, attempt: Attempt, *, passed: bool) -> None:
    """The attempt closed: passed or failed, and `completed` when it earned a completion."""
    trust = sending_trust(attempt.school_id)
    if trust is None:
        return
    verbs = ["passed", "completed"] if passed else ["failed"]
    _write(*(_reference(trust, attempt.user_id, v, ATTEMPT, attempt.id) for v in verbs), conn=conn)


def completion_voided(record: Completion) -> None:
    """An admin voided a completion: void its `completed` statement (quiz completions only)."""
    trust = sending_trust(record.school_id)
    if trust is None or record.attempt_id is None:
        return  # training recorded by hand was never sent as a statement
    _write(_reference(trust, record.user_id, "voided", ATTEMPT, record.attempt_id))


def rehearsal_answered(rehearsal: Rehearsal, answer: RehearsalAnswer) -> None:
    """A judged rehearsal decision, and `completed` when it finished the mock incident."""
    trust = sending_trust(rehearsal.school_id)
    if trust is None:
        return
    rows = []
    if answer.correct is not None:
        rows.append(
            _reference(trust, rehearsal.user_id, "scored", REHEARSAL, rehearsal.id, answer.step)
        )
    if rehearsal.finished_at is not None and rehearsal.score is not None:
        rows.append(_reference(trust, rehearsal.user_id, "completed", REHEARSAL, rehearsal.id))
    if rows:
        _write(*rows)
