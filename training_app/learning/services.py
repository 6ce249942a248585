"""Starting, resuming and finishing attempts; recording pages and answers exactly once.

The only code that changes learning state. Routes pass plain values in; nothing here reads
`request`. Each public function is one transaction. The busiest reads and writes go through
the learner store (`learning.store`), the one place with a database's own SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from training_app.admin.protocols import school_protocol
from training_app.auth.models import User
from training_app.auth.services import ReadAlongside
from training_app.content.evaluate import AnswerError, Evaluation, evaluate, score
from training_app.content.graph import next_node_id
from training_app.content.model import END, Module, Quiz
from training_app.extensions import db
from training_app.learning import policy, store
from training_app.learning.catalogue import library
from training_app.learning.models import (
    FAILED,
    IN_PROGRESS,
    PASSED,
    SUPERSEDED,
    Answer,
    Attempt,
    Completion,
)
from training_app.learning.store import ReadingPosition, learner_store
from training_app.models_common import utcnow
from training_app.rules import LocalProtocol
from training_app.rules.protocol import parse_protocol, protocol_to_dict
from training_app.xapi import record as xapi_record


def attempt_protocol(attempt: ReadingPosition | Attempt) -> LocalProtocol:
    """The local protocol an attempt is judged under (fixed when it started)."""
    return parse_protocol(attempt.protocol)


def active_attempt(user_id: int, module_id: str) -> Attempt | None:
    """The person's attempt in progress at this module, if any."""
    return db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user_id,
            Attempt.module_id == module_id,
            Attempt.status == IN_PROGRESS,
        )
    )


def start_or_resume(user: User, module: Module, *, skip_reading: bool = False) -> Attempt:
    """Resume the attempt in progress, or start one (two devices never make two)."""
    attempt = active_attempt(user.id, module.id)
    if attempt is not None and attempt.content_version != module.content_version:
        # The module was updated: its pages or quiz nodes may no longer match.
        attempt.status = SUPERSEDED
        attempt.finished_at = utcnow()
        db.session.commit()
        attempt = None
    if attempt is not None:
        return attempt
    attempt = Attempt(
        user_id=user.id,
        school_id=user.school_id,
        module_id=module.id,
        content_version=module.content_version,
        protocol=protocol_to_dict(school_protocol(user.school_id)),
    )
    if skip_reading and has_finished_before(user.id, module.id):
        attempt.pages_seen = len(module.pages)
    db.session.add(attempt)
    xapi_record.module_started(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Another tab or device started one at the same moment: use theirs.
        db.session.rollback()
        existing = active_attempt(user.id, module.id)
        assert existing is not None
        return existing
    return attempt


def has_finished_before(user_id: int, module_id: str) -> bool:
    """Whether the person has finished (passed or failed) this module before."""
    found = db.session.scalar(
        select(Attempt.id)
        .where(
            Attempt.user_id == user_id,
            Attempt.module_id == module_id,
            Attempt.status.in_([PASSED, FAILED]),
        )
        .limit(1)
    )
    return found is not None


def page_with_person(attempt_id: int, *, module_id: str, page: int) -> ReadAlongside:
    """A reading page's attempt, to read with the signed-in person (`store.position_in`).

    Call `record_page_seen` once the page is rendered (the store may have recorded it in
    this read already).
    """
    return learner_store().page_with_person(attempt_id, module_id=module_id, page=page)


def attempt_with_person(attempt_id: int) -> ReadAlongside:
    """A quiz view's attempt, to read with the signed-in person (`store.attempt_in`)."""
    return store.attempt_with_person(attempt_id)


def record_page_seen(position: ReadingPosition, page: int) -> None:
    """Remember the furthest page read, so another device resumes there."""
    if position.status == IN_PROGRESS and page > position.pages_seen:
        xapi_record.page_read(position.id, position.user_id, page)
        learner_store().record_page(position, page)
    db.session.commit()


def begin_quiz(attempt: Attempt, quiz: Quiz) -> None:
    """Move from the pages to the quiz (idempotent)."""
    if attempt.status != IN_PROGRESS or attempt.in_quiz:
        return
    attempt.in_quiz = True
    attempt.current_node = quiz.start
    db.session.commit()


@dataclass(frozen=True)
class Submission:
    """What happened to a submitted answer."""

    recorded: bool  # False: a replay or a stale form; nothing was written
    attempt: Attempt
    step: int  # the step whose feedback to show


class StaleAnswer(Exception):
    """The form does not match the attempt (another tab moved on); show the current state."""


_ANSWER_AT_STEP = select(Answer.id).where(
    Answer.attempt_id == bindparam("attempt_id"), Answer.step == bindparam("step")
)


def submit_answer(
    attempt: Attempt,
    quiz: Quiz,
    *,
    step: int,
    node_id: str,
    choice_ids: list[str],
) -> Submission:
    """Record the answer to the attempt's current node exactly once.

    `attempt` is the learner's own (the route checked). A repeat of an already recorded step
    (double click, two tabs, back button) writes nothing and returns that step, so the
    learner sees the state as it is; a form for a step that is not the current one raises
    StaleAnswer. AnswerError: the choices do not fit the node (a tampered or broken form).
    """
    attempt_id = attempt.id
    if attempt.status != IN_PROGRESS or attempt.next_step > step:
        # Already moved on when this request read it (a replay, the back button, another
        # tab): an attempt only moves forwards, so a claim could only fail.
        return _answered_before(attempt, step)
    node = quiz.nodes[node_id]
    # Judged before anything is written: the engine is pure, and the protocol was fixed
    # when the attempt started.
    protocol = attempt_protocol(attempt)
    result: Evaluation | None = evaluate(node, choice_ids, protocol) if node.is_question else None
    following = next_node_id(node, tuple(choice_ids))
    finishing = following == END
    claim = {
        "claim_attempt": attempt_id,
        "claim_step": step,
        "claim_node": node_id,
        "then_step": step + 1,
        "then_node": None if finishing else following,
    }
    answer = {
        "attempt_id": attempt_id,
        "step": step,
        "node_id": node_id,
        "choice_ids": list(choice_ids),
        "correct": None if result is None else result.correct,
        "weight": float(node.weight) if node.is_question else 0.0,
        "rule_ids": list(result.missed_rule_ids if result else ()),
        "answered_at": utcnow(),
    }
    outgoing = xapi_record.answer_row(attempt, answer)
    # One transaction: the last answer and the attempt's close stand or fall together (and
    # an answer and its xAPI statement do).
    conn = db.session.connection()
    try:
        if not learner_store().claim_and_record(conn, claim, answer, finishing=finishing):
            db.session.rollback()
            return _unclaimed(attempt_id, step)
        xapi_record.write_answer(conn, outgoing)
        if finishing:
            _finish(conn, attempt, quiz, protocol)
        db.session.commit()
    except IntegrityError:
        # The step already had an answer (only possible if the attempt row was edited by
        # hand): what is recorded stands.
        db.session.rollback()
        return _unclaimed(attempt_id, step)
    # The commit expired the attempt: a caller that reads it gets the state as stored.
    return Submission(True, attempt, step)


def _unclaimed(attempt_id: int, step: int) -> Submission:
    """After a failed claim: the attempt as it now stands, then as `_answered_before`."""
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if attempt is None:
        raise LookupError(attempt_id)
    return _answered_before(attempt, step)


def _answered_before(attempt: Attempt, step: int) -> Submission:
    """A replay of a recorded step (its feedback again), or a stale form (StaleAnswer)."""
    already = db.session.scalar(_ANSWER_AT_STEP, {"attempt_id": attempt.id, "step": step})
    if already is None:
        raise StaleAnswer(attempt.id)
    return Submission(False, attempt, step)


# The final answer scores the path as stored (this answer included) and closes the attempt
# in Core statements, like the answer itself (bench/README.md).
_ANSWERS_GIVEN = (
    select(Answer.node_id, Answer.choice_ids)
    .where(Answer.attempt_id == bindparam("attempt_id"))
    .order_by(Answer.step)
)
_CLOSE_ATTEMPT = (
    update(Attempt.__table__)
    .where(Attempt.__table__.c.id == bindparam("closing_attempt"))
    .values(
        finished_at=bindparam("finished_at"),
        score=bindparam("score"),
        missed_rules=bindparam("missed_rules"),
        status=bindparam("status"),
    )
)
_RECORD_COMPLETION = insert(Completion.__table__)


def _finish(conn: Connection, attempt: Attempt, quiz: Quiz, protocol: LocalProtocol) -> None:
    answered = [
        (node_id, tuple(choice_ids))
        for node_id, choice_ids in conn.execute(_ANSWERS_GIVEN, {"attempt_id": attempt.id})
        if quiz.nodes[node_id].is_question
    ]
    result = score(quiz, answered, protocol)
    now = utcnow()
    conn.execute(
        _CLOSE_ATTEMPT,
        {
            "closing_attempt": attempt.id,
            "finished_at": now,
            "score": result.percent,
            "missed_rules": list(result.missed_rule_ids),
            "status": PASSED if result.passed else FAILED,
        },
    )
    xapi_record.quiz_finished(conn, attempt, passed=result.passed)
    if not result.passed:
        return
    module = library().module(attempt.module_id)
    conn.execute(
        _RECORD_COMPLETION,
        {
            "user_id": attempt.user_id,
            "school_id": attempt.school_id,
            "module_id": attempt.module_id,
            "attempt_id": attempt.id,
            "content_version": attempt.content_version,
            "score": result.percent,
            "started_at": attempt.started_at,
            "completed_at": now,
            "expires_at": policy.expiry(module, now, attempt.school_id),
            "source": "quiz",
        },
    )


def evaluation_of(attempt: Attempt, quiz: Quiz, answer: Answer) -> Evaluation | None:
    """Re-judge a recorded answer for its feedback page (pure; nothing is written)."""
    node = quiz.nodes.get(answer.node_id)
    if node is None or not node.is_question:
        return None
    try:
        return evaluate(node, answer.choice_ids, attempt_protocol(attempt))
    except AnswerError:
        return None


def completion_of(attempt: Attempt) -> Completion | None:
    """The completion a passed attempt earned (None before it passes)."""
    return db.session.scalar(select(Completion).where(Completion.attempt_id == attempt.id))
