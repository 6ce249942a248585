"""Starting, moving through and ending class lessons; joining and answering anonymously.

The only code that changes lesson state. Routes pass plain values in; nothing here reads
`request`. Each public function is one transaction. Ending a session (by the teacher, or
by its time-out through `finalise_expired`) counts the answers into `lesson_results` and
deletes every participant token and per-participant answer in the same transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from training_app.admin.protocols import school_protocol
from training_app.auth.models import User
from training_app.content.evaluate import AnswerError, correct_choice_ids
from training_app.content.model import Module
from training_app.extensions import db
from training_app.lessons.codes import new_join_code, new_participant_token, token_hash
from training_app.lessons.models import (
    ENDED,
    ENDED_BY_TEACHER,
    LIVE,
    TIMED_OUT,
    LessonParticipant,
    LessonResponse,
    LessonResult,
    LessonSession,
)
from training_app.lessons.plan import tally, valid_answer
from training_app.lessons.queries import (
    Seen,
    current_step,
    is_live,
    status_now,
    steps_for,
    steps_of,
)
from training_app.models_common import utcnow
from training_app.rules.protocol import parse_protocol, protocol_to_dict

NEXT, BACK, REVEAL = "next", "back", "reveal"
ACTIONS = (NEXT, BACK, REVEAL)

# What became of a pupil's answer.
RECORDED = "recorded"
ALREADY = "already"  # this device answered this question before: the first answer stands
CLOSED = "closed"  # the teacher has shown the answer or moved on
ENDED_OUTCOME = "ended"
INVALID = "invalid"
NOT_FOUND = "not_found"


class JoinRefused(Exception):
    """A join that cannot go ahead: `reason` is ended or full."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def start_session(
    teacher: User, module: Module, class_label: str, *, minutes: int, now: datetime | None = None
) -> LessonSession:
    """Start a live session of a pupil lesson for a class, with a fresh join code."""
    now = now or utcnow()
    for _ in range(5):
        _finalise_expired(now, teacher_id=teacher.id)
        session = LessonSession(
            school_id=teacher.school_id,
            teacher_id=teacher.id,
            module_id=module.id,
            module_title=module.title[:200],
            content_version=module.content_version,
            age_band=module.age_band or "",
            class_label=class_label.strip()[:40],
            join_code=new_join_code(),
            protocol=protocol_to_dict(school_protocol(teacher.school_id)),
            status=LIVE,
            position=0,
            revealed=[],
            revision=0,
            started_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        db.session.add(session)
        try:
            db.session.commit()
        except IntegrityError:
            # Two sessions drew the same code (about 1 in 10**11): draw again.
            db.session.rollback()
            continue
        return session
    raise RuntimeError("no free join code after 5 draws")


def control(session_id: int, teacher_id: int, action: str, seen_position: int) -> bool:
    """Move the class on or back, or show the answer; False if nothing changed.

    `seen_position` is the step the teacher's screen showed, so a double click or a second
    device moves the class once, never twice.
    """
    # FOR NO KEY UPDATE: serialises teacher controls without blocking pupils' answers.
    session = db.session.scalar(
        select(LessonSession)
        .where(LessonSession.id == session_id, LessonSession.teacher_id == teacher_id)
        .with_for_update(key_share=True)
    )
    if session is None:
        raise LookupError(session_id)
    steps = steps_of(session)
    step = current_step(session, steps)
    changed = False
    if is_live(session) and session.position == seen_position:
        if action == NEXT and session.position < len(steps) - 1:
            session.position += 1
            changed = True
        elif action == BACK and session.position > 0:
            session.position = min(session.position, len(steps)) - 1
            changed = True
        elif (
            action == REVEAL
            and step.is_question
            and step.node is not None
            and step.node.id not in session.revealed
        ):
            session.revealed = [*session.revealed, step.node.id]
            changed = True
    if not changed:
        db.session.rollback()
        return False
    session.revision += 1
    db.session.commit()
    return True


def end_session(session_id: int, teacher_id: int, *, now: datetime | None = None) -> LessonSession:
    """End a session now: keep the totals, delete the tokens and answers (idempotent)."""
    # Plain FOR UPDATE conflicts with the key-share lock an answer's insert takes on its
    # session, so in-flight answers finish (and are counted) first, and later ones fail.
    session = db.session.scalar(
        select(LessonSession)
        .where(LessonSession.id == session_id, LessonSession.teacher_id == teacher_id)
        .with_for_update()
    )
    if session is None:
        raise LookupError(session_id)
    if session.status == LIVE:
        now = now or utcnow()
        if now >= session.expires_at:
            _finalise(session, TIMED_OUT, session.expires_at)
        else:
            _finalise(session, ENDED_BY_TEACHER, now)
    db.session.commit()
    return session


def finalise_expired(now: datetime | None = None, *, teacher_id: int | None = None) -> int:
    """End every live session past its time-out (optionally one teacher's); how many."""
    count = _finalise_expired(now or utcnow(), teacher_id=teacher_id)
    db.session.commit()
    return count


def purge(now: datetime | None = None) -> tuple[int, int]:
    """End timed-out sessions, then delete any token or answer left on an ended session.

    Returns (sessions ended, leftover participant rows deleted). Run by `flask lessons purge`.
    """
    ended = _finalise_expired(now or utcnow(), teacher_id=None)
    finished = select(LessonSession.id).where(LessonSession.status == ENDED)
    db.session.execute(delete(LessonResponse).where(LessonResponse.session_id.in_(finished)))
    leftovers = db.session.execute(
        delete(LessonParticipant).where(LessonParticipant.session_id.in_(finished))
    )
    db.session.commit()
    return ended, int(getattr(leftovers, "rowcount", 0) or 0)


def _finalise_expired(now: datetime, *, teacher_id: int | None) -> int:
    query = select(LessonSession).where(
        LessonSession.status == LIVE, LessonSession.expires_at <= now
    )
    if teacher_id is not None:
        query = query.where(LessonSession.teacher_id == teacher_id)
    # SKIP LOCKED: a session another request is ending is left to it.
    sessions = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    for session in sessions:
        _finalise(session, TIMED_OUT, session.expires_at)
    return len(sessions)


def _finalise(session: LessonSession, reason: str, when: datetime) -> None:
    """Count the answers into results, delete tokens and answers, mark the session ended."""
    session.status = ENDED
    session.ended_at = when
    session.end_reason = reason
    session.purged_at = utcnow()
    session.revision += 1
    # Write first: on SQLite this takes the write lock, so no answer slips in between the
    # count below and the delete.
    db.session.flush()
    answers: dict[str, list[list[str]]] = defaultdict(list)
    for node_id, choice_ids in db.session.execute(
        select(LessonResponse.node_id, LessonResponse.choice_ids).where(
            LessonResponse.session_id == session.id
        )
    ):
        answers[node_id].append(list(choice_ids))
    protocol = parse_protocol(session.protocol)
    for position, step in enumerate(steps_of(session)):
        node = step.node
        if node is None or not step.is_question:
            continue
        given = answers.pop(node.id, [])
        if not given and node.id not in session.revealed:
            continue
        counted = tally(node, given)
        try:
            right = set(correct_choice_ids(node, protocol))
        except AnswerError:
            right = set()
        choices = [
            {"id": c.id, "label": c.label, "count": counted.count(c.id), "correct": c.id in right}
            for c in node.choices
        ]
        db.session.add(
            LessonResult(
                session_id=session.id,
                node_id=node.id,
                position=position,
                prompt=node.prompt,
                respondents=counted.respondents,
                choices=choices,
            )
        )
    # Questions no longer in the content (it changed during the lesson): keep the counts.
    for node_id, given in answers.items():
        counts = Counter(c for selected in given for c in set(selected))
        db.session.add(
            LessonResult(
                session_id=session.id,
                node_id=node_id,
                position=10_000,
                prompt=node_id,
                respondents=len(given),
                choices=[
                    {"id": c, "label": c, "count": n, "correct": False}
                    for c, n in sorted(counts.items())
                ],
            )
        )
    session.participant_count = int(
        db.session.scalar(
            select(func.count())
            .select_from(LessonParticipant)
            .where(LessonParticipant.session_id == session.id)
        )
        or 0
    )
    db.session.execute(delete(LessonResponse).where(LessonResponse.session_id == session.id))
    db.session.execute(delete(LessonParticipant).where(LessonParticipant.session_id == session.id))


def join(session_id: int, *, max_participants: int) -> tuple[LessonSession, str]:
    """Add an anonymous participant to a live session; returns it and the raw token.

    JoinRefused("ended" | "full") when it cannot join.
    """
    session = db.session.get(LessonSession, session_id)
    if session is None or not is_live(session):
        raise JoinRefused("ended")
    joined = db.session.scalar(
        select(func.count())
        .select_from(LessonParticipant)
        .where(LessonParticipant.session_id == session.id)
    )
    if (joined or 0) >= max_participants:
        raise JoinRefused("full")
    token = new_participant_token()
    db.session.add(LessonParticipant(session_id=session.id, token_hash=token_hash(token)))
    db.session.flush()
    # The session may have ended while this insert waited for it: then join nothing.
    if status_now(session.id) != LIVE:
        db.session.rollback()
        raise JoinRefused("ended")
    db.session.commit()
    return session, token


_INSERT_RESPONSE = insert(LessonResponse.__table__)


def submit_answer(seen: Seen, node_id: str, choice_ids: list[str]) -> str:
    """Record a participant's answer to the current question once; returns the outcome.

    `seen` is the request's one read of the session and the device (`queries.seen_by`).
    """
    if seen.participant_id is None:
        return NOT_FOUND
    if not seen.live:
        return ENDED_OUTCOME
    step = current_step(seen, steps_for(seen.module_id))
    node = step.node
    if not step.is_question or node is None or node.id != node_id or node_id in seen.revealed:
        return CLOSED
    if not valid_answer(node, choice_ids):
        return INVALID
    try:
        # A plain Core insert: this is the hot path when a whole class answers at once.
        db.session.connection().execute(
            _INSERT_RESPONSE,
            {
                "session_id": seen.session_id,
                "participant_id": seen.participant_id,
                "node_id": node_id,
                "choice_ids": list(choice_ids),
            },
        )
        db.session.commit()
    except IntegrityError:
        # Either this device answered already (unique) or the session ended meanwhile and
        # took the participant with it (foreign key): tell them which.
        db.session.rollback()
        return ALREADY if status_now(seen.session_id) == LIVE else ENDED_OUTCOME
    return RECORDED
