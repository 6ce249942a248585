"""Where a learner's reading and answers are stored: the one seam with a database's own SQL.

`learning.services` says what happens to an attempt; a `LearnerStore` says how its busiest
rows are read and written. `PortableStore` is the one to read first: plain statements that
run on SQLite and PostgreSQL alike. `PostgresStore` replaces two of them with a statement
each that saves a round trip and the wait for the disk.

On both databases a learner view's attempt is read in the statement that checks the
signed-in session (`auth.read_alongside_session_user`; `current_user` is then an
`auth.person.SignedInPerson`). Each of these steps measured 10 % or more on its own
(bench/README.md, "One learner code path").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Update, bindparam, func, insert, literal_column, select, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import lazyload
from sqlalchemy.sql.dml import ReturningInsert

from training_app.auth.services import LIVE_SESSION_PERSON, LIVE_SESSION_USER_ID, ReadAlongside
from training_app.extensions import db
from training_app.learning.models import IN_PROGRESS, Answer, Attempt


@dataclass(frozen=True)
class ReadingPosition:
    """What a reading page needs of an attempt (six columns, not the ORM object)."""

    id: int
    user_id: int
    module_id: str
    status: str
    pages_seen: int
    protocol: dict[str, Any]


class LearnerStore(Protocol):
    """The reads and writes a learner's pages and answers make most often."""

    def page_with_person(self, attempt_id: int, *, module_id: str, page: int) -> ReadAlongside:
        """Anyone's attempt as a reading page needs it, read with the signed-in person.

        The caller checks the owner. A store may record the page in this statement
        already, on the person's own attempt at this module only; `record_page` then has
        nothing left to do.
        """
        ...

    def record_page(self, position: ReadingPosition, page: int) -> None:
        """Move the attempt's furthest page read forwards to `page` (never backwards)."""
        ...

    def claim_and_record(
        self, conn: Connection, claim: dict[str, Any], answer: dict[str, Any], *, finishing: bool
    ) -> bool:
        """Claim the step and record its answer; False if the step was no longer there."""
        ...


_attempts = Attempt.__table__
_answers = Answer.__table__

# Built once: nearly every learner request runs one of these.
# What a reading page needs of an attempt, in ReadingPosition's order.
_POSITION_COLUMNS = _attempts.c["id", "user_id", "module_id", "status", "pages_seen", "protocol"]
# Two devices reading at once can only move the position forwards.
_ADVANCE_PAGES = (
    update(_attempts)
    .where(
        _attempts.c.id == bindparam("seen_attempt"),
        _attempts.c.status == IN_PROGRESS,
        _attempts.c.pages_seen < bindparam("seen_page"),
    )
    .values(pages_seen=bindparam("seen_page"))
)
# The claim: the attempt moves on only if it still stands at this step and node. Of any
# number of identical requests at once exactly one matches (both databases order the writes
# to one row); the rest find it moved on.
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
# The answers load only when a page uses them (the feedback and result pages).
_PERSON_AND_ATTEMPT = (
    LIVE_SESSION_PERSON.add_columns(Attempt)
    .outerjoin(Attempt, Attempt.id == bindparam("attempt_id"))
    .options(lazyload(Attempt.answers))
)
# Left-joined: the person is found whether or not the attempt is.
_PERSON_AND_POSITION = LIVE_SESSION_PERSON.add_columns(*_POSITION_COLUMNS).outerjoin(
    _attempts, _attempts.c.id == bindparam("attempt_id")
)
_ANSWER_FIELDS = ("step", "node_id", "choice_ids", "correct", "weight", "rule_ids", "answered_at")


class PortableStore:
    """Plain statements, the same on every database: the reference `LearnerStore`."""

    def page_with_person(self, attempt_id: int, *, module_id: str, page: int) -> ReadAlongside:
        """The attempt's reading position; the page is recorded by `record_page`."""
        return ReadAlongside(_PERSON_AND_POSITION, {"attempt_id": attempt_id})

    def record_page(self, position: ReadingPosition, page: int) -> None:
        """One conditional UPDATE (the caller commits)."""
        params = {"seen_attempt": position.id, "seen_page": page}
        db.session.connection().execute(_ADVANCE_PAGES, params)

    def claim_and_record(
        self, conn: Connection, claim: dict[str, Any], answer: dict[str, Any], *, finishing: bool
    ) -> bool:
        """The claim's UPDATE, then the answer's INSERT if it matched."""
        if conn.execute(_CLAIM_STEP, claim).rowcount != 1:
            return False
        conn.execute(_RECORD_ANSWER, answer)
        return True


# PostgreSQL only. A reading position, and an answer that does not finish the attempt, are
# where the learner has got to: their commits do not wait for the disk (`synchronous_commit`
# off for that one transaction, set by the statement itself: set_config(..., true) is SET
# LOCAL). A database crash can lose the last moment of reading, or the last answer of a quiz
# in progress (step and answer together, so the learner answers it again); never a finished
# attempt, whose last answer commits durably, and PostgreSQL writes its log in order. The
# setting is a condition of the UPDATE, so whenever the row is written it has been applied.
_NO_WAIT = select(
    # Constants in the SQL text, not parameters: the statement says what it does in logs.
    func.set_config(literal_column("'synchronous_commit'"), literal_column("'off'"), true())
).scalar_subquery()

# A reading page's person and position read and the page recorded in one statement. The
# UPDATE runs as a data-modifying WITH, which PostgreSQL always runs to completion; the
# SELECT sees the attempt as it stood before it, as the page renders it. Only the live
# session's person's own attempt at this module moves (LIVE_SESSION_USER_ID is NULL, so
# nothing moves, when the session is not live); anyone else's is read unchanged for the view
# to refuse. The page is recorded before the rest of the request's checks: a person whose
# role no longer takes the module, or who must set up two-factor sign-in again, has their
# own resume position moved to a page they then do not see (nothing else is written).
_PERSON_AND_POSITION_RECORDING_PAGE = _PERSON_AND_POSITION.add_cte(
    _ADVANCE_PAGES.where(
        _NO_WAIT.is_not(None),
        _attempts.c.user_id == LIVE_SESSION_USER_ID,
        _attempts.c.module_id == bindparam("reading_module"),
    ).cte("advanced")
)


def _recorded_if_claimed(claim_step: Update) -> ReturningInsert[Any]:
    """The claim and the answer in one statement: the INSERT takes its row from the claim's
    RETURNING, so it inserts (and returns) nothing unless the claim matched."""
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
_CLAIM_AND_RECORD_NO_WAIT = _recorded_if_claimed(_CLAIM_STEP.where(_NO_WAIT.is_not(None)))


class PostgresStore(PortableStore):
    """One round trip, and no wait for the disk, where a learner is only moving along."""

    def page_with_person(self, attempt_id: int, *, module_id: str, page: int) -> ReadAlongside:
        """The position read and the page recorded in one statement."""
        params = {
            "attempt_id": attempt_id,
            "seen_attempt": attempt_id,
            "seen_page": page,
            "reading_module": module_id,
        }
        return ReadAlongside(_PERSON_AND_POSITION_RECORDING_PAGE, params)

    def record_page(self, position: ReadingPosition, page: int) -> None:
        """Nothing: `page_with_person` recorded it."""

    def claim_and_record(
        self, conn: Connection, claim: dict[str, Any], answer: dict[str, Any], *, finishing: bool
    ) -> bool:
        """One statement; the last answer's commit waits for the disk, the others' do not."""
        statement = _CLAIM_AND_RECORD if finishing else _CLAIM_AND_RECORD_NO_WAIT
        return conn.execute(statement, claim | answer).first() is not None


_PORTABLE, _POSTGRES = PortableStore(), PostgresStore()


def attempt_with_person(attempt_id: int) -> ReadAlongside:
    """Anyone's attempt (an ORM object, the same on every database), read with the person.

    Its answers load only when a page asks for them (the feedback and result pages).
    """
    return ReadAlongside(_PERSON_AND_ATTEMPT, {"attempt_id": attempt_id}, loads_entities=True)


def position_in(row: tuple[Any, ...]) -> ReadingPosition | None:
    """The attempt in a row `page_with_person` read (None when there is no such attempt)."""
    position = row[1:]
    return None if position[0] is None else ReadingPosition(*position)


def attempt_in(row: tuple[Any, ...]) -> Attempt | None:
    """The attempt in a row `attempt_with_person` read (None when there is no such attempt)."""
    attempt: Attempt | None = row[1]
    return attempt


def learner_store() -> LearnerStore:
    """The store for the database this request uses."""
    return _POSTGRES if db.session.get_bind().dialect.name == "postgresql" else _PORTABLE
