"""Starting, resuming and finishing attempts; recording answers exactly once.

The only code that changes learning state. Routes pass plain values in; nothing
here reads `request`. Each public function is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Update, bindparam, func, insert, literal_column, select, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.sql.dml import ReturningInsert

from training_app.admin.protocols import school_protocol
from training_app.auth.models import User
from training_app.auth.services import LIVE_SESSION_PERSON, LIVE_SESSION_USER_ID, ReadAlongside
from training_app.content.evaluate import AnswerError, Evaluation, evaluate, score
from training_app.content.graph import next_node_id
from training_app.content.model import END, Module, Quiz
from training_app.database import begin_atomic
from training_app.extensions import db
from training_app.learning import policy
from training_app.learning.models import (
    FAILED,
    IN_PROGRESS,
    PASSED,
    SOURCE_VOID,
    SUPERSEDED,
    Answer,
    Attempt,
    Completion,
)
from training_app.models_common import utcnow
from training_app.rules import LocalProtocol
from training_app.rules.protocol import parse_protocol, protocol_to_dict
from training_app.xapi import record as xapi_record


@dataclass(frozen=True)
class ReadingPosition:
    """What a reading page needs of an attempt (six columns, not the ORM object)."""

    id: int
    user_id: int
    module_id: str
    status: str
    pages_seen: int
    protocol: dict[str, Any]


# The learner's hot statements are Core statements on the tables, built once: no
# per-request statement building and no ORM unit of work (bench/README.md).
_attempts = Attempt.__table__
_answers = Answer.__table__

# A reading page is the most requested page of all and needs six columns of the attempt:
# a Core row costs about a third of loading the ORM object (bench/README.md).
_READING_POSITION = select(
    _attempts.c["id", "user_id", "module_id", "status", "pages_seen", "protocol"]
).where(_attempts.c.id == bindparam("attempt_id"))


# The answers load only when a page uses them (the quiz, feedback and result pages). Built
# once, as nearly every learner request runs it (see auth.services.LIVE_SESSION_PERSON).
_ATTEMPT_BY_ID = (
    select(Attempt).where(Attempt.id == bindparam("attempt_id")).options(lazyload(Attempt.answers))
)
# The same with the learner's session check, on PostgreSQL (as `_READER_AND_POSITION`).
_LEARNER_AND_ATTEMPT = (
    LIVE_SESSION_PERSON.add_columns(Attempt)
    .outerjoin(Attempt, Attempt.id == bindparam("attempt_id"))
    .options(lazyload(Attempt.answers))
)


def attempt_by_id(attempt_id: int) -> Attempt | None:
    """Anyone's attempt by its id (the caller checks the owner)."""
    return db.session.scalars(_ATTEMPT_BY_ID, {"attempt_id": attempt_id}).first()


def attempt_with_learner(attempt_id: int) -> ReadAlongside | None:
    """On PostgreSQL, `attempt_by_id` as part of the signed-in person's look-up (else None)."""
    if not _postgres():
        return None
    return ReadAlongside(_LEARNER_AND_ATTEMPT, {"attempt_id": attempt_id}, loads_entities=True)


def attempt_read_with_learner(row: tuple[Any, ...]) -> Attempt | None:
    """The attempt in a row `attempt_with_learner` read (None when there is no such attempt)."""
    attempt: Attempt | None = row[1]
    return attempt


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


# Page progress: one conditional UPDATE (two devices reading at once only move it forwards).
_ADVANCE_PAGES = (
    update(_attempts)
    .where(
        _attempts.c.id == bindparam("seen_attempt"),
        _attempts.c.status == IN_PROGRESS,
        _attempts.c.pages_seen < bindparam("seen_page"),
    )
    .values(pages_seen=bindparam("seen_page"))
)
# On PostgreSQL the same UPDATE also turns off `synchronous_commit` for its transaction
# (set_config(..., true) is SET LOCAL), in the same round trip: every round trip of a page
# view costs the database server time on the same cores. The setting is a condition of the
# UPDATE, so whenever the row is written it has been applied (if no row matches, nothing is
# written and the commit has nothing to wait for anyway).
_NO_WAIT = select(
    # Constants in the SQL text, not parameters: the statement says what it does in logs.
    func.set_config(literal_column("'synchronous_commit'"), literal_column("'off'"), true())
).scalar_subquery()
_ADVANCE_PAGES_NO_WAIT = _ADVANCE_PAGES.where(_NO_WAIT.is_not(None))


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def reading_position(attempt_id: int) -> ReadingPosition | None:
    """The attempt as a reading page needs it (anyone's: the caller checks the owner)."""
    row = db.session.execute(_READING_POSITION, {"attempt_id": attempt_id}).first()
    return None if row is None else ReadingPosition(*row)


# On PostgreSQL a reading page costs one round trip: the statement that checks the
# signed-in session (auth.services.LIVE_SESSION_PERSON) also reads the attempt and records
# the page. The person is found whether or not the attempt is (a left join). The UPDATE runs
# as a data-modifying WITH, which PostgreSQL always runs to completion, and the SELECT sees
# the attempt as it stood before it, as the page renders it. Only the signed-in person's own
# attempt at this module moves (LIVE_SESSION_USER_ID is NULL, so nothing moves, when the
# session is not live); anyone else's is read unchanged for the route to refuse. The page is
# recorded before the rest of the request's checks: a person whose role no longer takes the
# module, or who must set up two-factor sign-in again, has their own resume position moved
# to a page they then do not see (nothing else is written).
_READER_AND_POSITION = (
    LIVE_SESSION_PERSON.add_columns(*_READING_POSITION.selected_columns)
    .outerjoin(_attempts, _attempts.c.id == bindparam("attempt_id"))
    .add_cte(
        _ADVANCE_PAGES_NO_WAIT.where(
            _attempts.c.user_id == LIVE_SESSION_USER_ID,
            _attempts.c.module_id == bindparam("reading_module"),
        ).cte("advanced")
    )
)


def read_with_reader(attempt_id: int, *, module_id: str, page_number: int) -> ReadAlongside | None:
    """On PostgreSQL, read the attempt and record the page with the person's look-up.

    None on SQLite, where a statement is a function call and there is no round trip to save.
    """
    if not _postgres():
        return None
    return ReadAlongside(
        _READER_AND_POSITION,
        {
            "attempt_id": attempt_id,
            "seen_attempt": attempt_id,
            "seen_page": page_number,
            "reading_module": module_id,
        },
    )


def position_read_with_reader(row: tuple[Any, ...]) -> ReadingPosition | None:
    """The attempt in a row `read_with_reader` read (None when there is no such attempt)."""
    position = row[1:]
    if position[0] is None:
        return None
    return ReadingPosition(*position)


def record_page_seen(attempt: ReadingPosition, page_number: int, *, recorded: bool) -> None:
    """Remember the furthest page read, so another device resumes there.

    Only a resume position, so on PostgreSQL its commit does not wait for the disk
    (`synchronous_commit` off for this one transaction): a database crash can lose the last
    moment of reading progress, never a finished attempt or its completion, and the wait for
    the disk was most of a page view's time when a school's staff read at once
    (bench/README.md). `recorded`: `read_with_reader` has written it already, in a
    statement that committed by itself (the page runs statement at a time), so nothing is
    left to send or to commit.
    """
    if attempt.status == IN_PROGRESS and page_number > attempt.pages_seen:
        xapi_record.page_read(attempt.id, attempt.user_id, page_number)
    if recorded:
        return
    if attempt.status == IN_PROGRESS and page_number > attempt.pages_seen:
        # One conditional UPDATE: two devices reading at once can only move it forwards.
        db.session.execute(
            _ADVANCE_PAGES_NO_WAIT if _postgres() else _ADVANCE_PAGES,
            {"seen_attempt": attempt.id, "seen_page": page_number},
        )
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


# An answer is one conditional UPDATE and one INSERT.
_CLAIM_STEP = (
    update(_attempts)
    .where(
        _attempts.c.id == bindparam("claim_attempt"),
        _attempts.c.status == IN_PROGRESS,
        _attempts.c.in_quiz.is_(True),
        _attempts.c.next_step == bindparam("claim_step"),
        _attempts.c.current_node == bindparam("claim_node"),
    )
    .values(next_step=bindparam("then_step"), current_node=bindparam("then_node"))
)
_RECORD_ANSWER = insert(_answers)
# On PostgreSQL both in one statement (one round trip): the INSERT takes its row from the
# claim's RETURNING, so it inserts (and returns) nothing unless the claim matched. SQLite
# has no UPDATE in a WITH clause, and there a statement is a function call, not a round trip.
_ANSWER_FIELDS = ("step", "node_id", "choice_ids", "correct", "weight", "rule_ids", "answered_at")


def _recorded_if_claimed(claim_step: Update) -> ReturningInsert[Any]:
    claimed = claim_step.returning(_attempts.c.id).cte("claimed")
    return (
        insert(_answers)
        .from_select(
            ["attempt_id", *_ANSWER_FIELDS],
            select(
                claimed.c.id,
                *(bindparam(name, type_=_answers.c[name].type) for name in _ANSWER_FIELDS),
            ),
        )
        .returning(_answers.c.id)
    )


_CLAIM_AND_RECORD = _recorded_if_claimed(_CLAIM_STEP)
# An answer that does not finish the attempt is, like page progress, where the learner has
# got to: its commit does not wait for the disk (see `_NO_WAIT`). A database crash can lose
# the last moment of a quiz in progress, the step and its answer together, so the learner
# answers that step again; it cannot lose a finished attempt's answers, as the last
# answer's commit is durable and PostgreSQL writes its log in order.
_CLAIM_AND_RECORD_NO_WAIT = _recorded_if_claimed(_CLAIM_STEP.where(_NO_WAIT.is_not(None)))
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
        # tab): an attempt only moves forwards, so the claim could only fail. Answered
        # without it: no write, no transaction to open and roll back.
        return _answered_before(attempt, step)
    node = quiz.nodes[node_id]
    # Judged before anything is written: the engine is pure, and the protocol was fixed
    # when the attempt started.
    protocol = attempt_protocol(attempt)
    result: Evaluation | None = evaluate(node, choice_ids, protocol) if node.is_question else None
    following = next_node_id(node, tuple(choice_ids))
    # The claim: the attempt moves on only if it still stands at this step and node. Of
    # any number of identical requests at once exactly one matches (the database orders
    # the writes to one row on both SQLite and PostgreSQL); the rest find it moved on.
    claim = {
        "claim_attempt": attempt_id,
        "claim_step": step,
        "claim_node": node_id,
        "then_step": step + 1,
        "then_node": None if following == END else following,
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
    conn = db.session.connection()
    if following == END or outgoing is not None:
        # Recording the last answer and closing the attempt stand or fall together (and
        # an answer and its xAPI statement do).
        begin_atomic(conn)
    try:
        if not _claim_and_record(conn, claim, answer, finishing=following == END):
            db.session.rollback()
            return _unclaimed(attempt_id, step)
        xapi_record.write_answer(conn, outgoing)
        if following == END:
            _finish(conn, attempt, quiz, protocol)
        db.session.commit()
    except IntegrityError:
        # The step already had an answer (only possible if the attempt row was edited by
        # hand): what is recorded stands.
        db.session.rollback()
        return _unclaimed(attempt_id, step)
    # The commit expired the attempt: a caller that reads it gets the state as stored.
    return Submission(True, attempt, step)


def _claim_and_record(
    conn: Connection, claim: dict[str, Any], answer: dict[str, Any], *, finishing: bool
) -> bool:
    """Claim the step and record the answer; False if the step was no longer there to claim."""
    if conn.dialect.name == "postgresql":
        statement = _CLAIM_AND_RECORD if finishing else _CLAIM_AND_RECORD_NO_WAIT
        return conn.execute(statement, claim | answer).first() is not None
    if conn.execute(_CLAIM_STEP, claim).rowcount != 1:
        return False
    conn.execute(_RECORD_ANSWER, answer)
    return True


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


# The final answer scores the path as stored (this answer included) and closes the
# attempt, in Core statements like the answer itself: the ORM's refresh and unit of work
# were half of a final answer's time (bench/README.md).
_ANSWERS_GIVEN = (
    select(Answer.node_id, Answer.choice_ids)
    .where(Answer.attempt_id == bindparam("attempt_id"))
    .order_by(Answer.step)
)
_CLOSE_ATTEMPT = (
    update(_attempts)
    .where(_attempts.c.id == bindparam("closing_attempt"))
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
    if result.passed:
        from training_app.learning.catalogue import library

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


@dataclass(frozen=True)
class ModuleStatus:
    """Where a person stands with one module."""

    module: Module
    state: str  # not_started | in_progress | completed | expired
    attempt: Attempt | None
    valid_until: datetime | None
    last_completed: datetime | None


def module_statuses(user_id: int, school_id: int, modules: list[Module]) -> list[ModuleStatus]:
    """Status of each module for one person, in two queries however many modules.

    As in the compliance reports, a completion counts from its date for the renewal period in
    the school's policy in force now, and voided records (and the voids) do not count.
    """
    ids = [m.id for m in modules]
    attempts = {
        a.module_id: a
        for a in db.session.scalars(
            select(Attempt).where(
                Attempt.user_id == user_id,
                Attempt.status == IN_PROGRESS,
                Attempt.module_id.in_(ids),
            )
        )
    }
    voided = select(Completion.voids_id).where(
        Completion.user_id == user_id, Completion.voids_id.is_not(None)
    )
    latest = {
        row.module_id: row
        for row in db.session.execute(
            select(
                Completion.module_id,
                func.max(Completion.completed_at).label("completed_at"),
            )
            .where(
                Completion.user_id == user_id,
                Completion.module_id.in_(ids),
                Completion.source != SOURCE_VOID,
                Completion.id.not_in(voided),
            )
            .group_by(Completion.module_id)
        )
    }
    now = utcnow()
    statuses = []
    for module in modules:
        done = latest.get(module.id)
        attempt = attempts.get(module.id)
        last_completed = _aware(done.completed_at) if done else None
        valid_until = policy.expiry(module, last_completed, school_id) if last_completed else None
        if valid_until is not None and valid_until > now:
            state = "completed"
        elif attempt is not None:
            state = "in_progress"
        elif done is not None:
            state = "expired"
        else:
            state = "not_started"
        statuses.append(ModuleStatus(module, state, attempt, valid_until, last_completed))
    return statuses


def _aware(value: datetime | None) -> datetime | None:
    # Aggregates (max) bypass the UTC column type on SQLite and come back naive or as text.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def past_attempts(user_id: int, module_id: str, limit: int = 10) -> list[Attempt]:
    """The person's finished attempts at a module, newest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == user_id,
                Attempt.module_id == module_id,
                Attempt.status.in_([PASSED, FAILED]),
            )
            .order_by(Attempt.started_at.desc())
            .limit(limit)
        )
    )
