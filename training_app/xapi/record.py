"""Writing statements to the outbox, in the caller's transaction (one call per record).

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
from training_app.learning.catalogue import library
from training_app.learning.models import Attempt, Completion
from training_app.models_common import utcnow
from training_app.xapi import statements as st
from training_app.xapi.models import LrsSettings, OutboxStatement

if TYPE_CHECKING:
    from datetime import datetime

    from training_app.content.evaluate import Evaluation
    from training_app.content.model import Node
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


def activity_base() -> str:
    """The IRI every activity id starts with: the site's address, then /xapi."""
    site = current_app.config.get("EXTERNAL_URL") or "https://training.invalid"
    return site.rstrip("/") + "/xapi"


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


def _row(trust_id: int, user_id: int, statement: dict[str, Any]) -> dict[str, Any]:
    now = utcnow()
    return {
        "statement_id": statement["id"],
        "trust_id": trust_id,
        "user_id": user_id,
        "verb": statement["verb"]["display"][st.LANGUAGE],
        "statement": statement,
        "status": "pending",
        "tries": 0,
        "next_try_at": now,
        "created_at": now,
    }


def _write(
    trust_id: int, user_id: int, *made: dict[str, Any], conn: Connection | None = None
) -> None:
    target = conn if conn is not None else db.session.connection()
    target.execute(_insert(target), [_row(trust_id, user_id, s) for s in made])


def module_started(attempt: Attempt, title: str) -> None:
    """A new attempt (the caller has added it to the session and commits)."""
    trust = sending_trust(attempt.school_id)
    if trust is None:
        return
    db.session.flush()
    made = st.module_started(activity_base(), attempt.id, attempt.module_id, title, utcnow())
    _write(trust, attempt.user_id, made)


def page_read(attempt_id: int, user_id: int, module_id: str, page: int) -> None:
    """A page read for the first time in this attempt."""
    if not _fresh_memo()["schools"]:
        return  # no trust sends: no need to find this attempt's school
    school_id = db.session.scalar(select(Attempt.school_id).where(Attempt.id == attempt_id))
    trust = None if school_id is None else sending_trust(school_id)
    if trust is None:
        return
    pages = library().module(module_id).pages
    title = pages[page - 1].title if 0 < page <= len(pages) else f"Page {page}"
    base = activity_base()
    _write(trust, user_id, st.page_read(base, attempt_id, module_id, page, title, utcnow()))


def answer_row(
    attempt: Attempt, node: Node, answer: dict[str, Any], result: Evaluation | None
) -> dict[str, Any] | None:
    """The outbox row for a quiz answer, built before the answer is claimed (None: none).

    Built first so the answer's write transaction (on SQLite, the database's one write
    lock) is held only for the INSERT, not for building the statement.
    """
    trust = sending_trust(attempt.school_id)
    if trust is None or result is None:
        return None  # an information step, or a trust that does not send
    made = st.question_answered(
        activity_base(),
        attempt.id,
        attempt.module_id,
        step=answer["step"],
        node_id=node.id,
        prompt=node.prompt,
        choice_ids=answer["choice_ids"],
        all_choice_ids=[c.id for c in node.choices],
        correct=result.correct,
        rule_ids=result.rule_ids,
        missed_rule_ids=result.missed_rule_ids,
        # The node's own citations and those of the rules it tests, each once.
        citations=list(
            dict.fromkeys([*node.citations, *(c for e in result.explanations for c in e.citations)])
        ),
        when=answer["answered_at"],
    )
    return _row(trust, attempt.user_id, made)


def write_answer(conn: Connection, row: dict[str, Any] | None) -> None:
    """Write `answer_row`'s row on the answer's own connection, after its claim succeeded."""
    if row is not None:
        conn.execute(_insert(conn), [row])


def quiz_finished(
    conn: Connection,
    attempt: Attempt,
    *,
    percent: int,
    passed: bool,
    missed: tuple[str, ...],
    when: datetime,
) -> None:
    """The attempt closed: passed or failed, and `completed` when it earned a completion."""
    trust = sending_trust(attempt.school_id)
    if trust is None:
        return
    base = activity_base()
    title = library().module(attempt.module_id).title
    made = [
        st.quiz_finished(
            base,
            attempt.id,
            attempt.module_id,
            title,
            percent=percent,
            passed=passed,
            missed_rule_ids=missed,
            when=when,
        )
    ]
    if passed:
        made.append(st.module_completed(base, attempt.id, attempt.module_id, title, percent, when))
    _write(trust, attempt.user_id, *made, conn=conn)


def completion_voided(record: Completion) -> None:
    """An admin voided a completion: void its `completed` statement (quiz completions only)."""
    trust = sending_trust(record.school_id)
    if trust is None or record.attempt_id is None:
        return  # training recorded by hand was never sent as a statement
    _write(trust, record.user_id, st.completion_voided(record.attempt_id, utcnow()))


def rehearsal_answered(rehearsal: Rehearsal, answer: RehearsalAnswer) -> None:
    """A judged rehearsal decision, and `completed` when it finished the mock incident."""
    trust = sending_trust(rehearsal.school_id)
    if trust is None:
        return
    base, now = activity_base(), utcnow()
    made = []
    if answer.correct is not None:
        made.append(
            st.rehearsal_scored(
                base,
                rehearsal.id,
                answer.step,
                correct=answer.correct,
                difficulty=rehearsal.difficulty,
                when=now,
            )
        )
    if rehearsal.finished_at is not None and rehearsal.score is not None:
        made.append(
            st.rehearsal_completed(
                base,
                rehearsal.id,
                difficulty=rehearsal.difficulty,
                percent=rehearsal.score,
                when=now,
            )
        )
    if made:
        _write(trust, rehearsal.user_id, *made)
