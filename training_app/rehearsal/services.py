"""Starting, answering and finishing rehearsals; group sessions; the practice evidence.

The only code that changes rehearsal state. Routes pass plain values in; nothing here reads
`request`. Each public function that writes is one transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from training_app.admin.protocols import school_protocol
from training_app.auth.models import User
from training_app.extensions import db
from training_app.models_common import utcnow
from training_app.rehearsal import scoring
from training_app.rehearsal.generator import GENERATOR_VERSION, MAX_SEED, Incident, generate
from training_app.rehearsal.models import (
    FINISHED,
    IN_PROGRESS,
    Rehearsal,
    RehearsalAnswer,
    RehearsalGroup,
    RehearsalQuestion,
)
from training_app.rehearsal.questions import QUESTION_IDS
from training_app.rehearsal.steps import SCORED_KEYS, next_key
from training_app.rules import parse_facts
from training_app.rules.facts import facts_to_dict
from training_app.rules.protocol import parse_protocol, protocol_to_dict
from training_app.shortcodes import new_code, normalise_code
from training_app.xapi import record as xapi_record


class StaleStep(Exception):
    """The form is for a step that is not the current one (another tab moved on)."""


def new_seed() -> int:
    """Return a fresh scenario number for someone who did not choose one."""
    return secrets.randbelow(MAX_SEED + 1)


def incident_of(rehearsal: Rehearsal) -> Incident:
    """Return the generated incident a rehearsal is about (the same every time)."""
    return generate(rehearsal.seed, rehearsal.difficulty)


def case_of(rehearsal: Rehearsal) -> scoring.Case:
    """Return the case as judged: the stored facts under the protocol snapshotted at the start."""
    return scoring.Case.of(parse_facts(rehearsal.facts), parse_protocol(rehearsal.protocol))


def _new_rehearsal(user: User, seed: int, difficulty: str, protocol: dict[str, str]) -> Rehearsal:
    return Rehearsal(
        user_id=user.id,
        school_id=user.school_id,
        seed=seed,
        difficulty=difficulty,
        generator_version=GENERATOR_VERSION,
        facts=facts_to_dict(generate(seed, difficulty).facts),
        protocol=protocol,
    )


def start(user: User, difficulty: str, seed: int | None = None) -> Rehearsal:
    """Start a rehearsal on its own, judged under the school's protocol as it is now."""
    rehearsal = _new_rehearsal(
        user,
        new_seed() if seed is None else seed,
        difficulty,
        protocol_to_dict(school_protocol(user.school_id)),
    )
    db.session.add(rehearsal)
    db.session.commit()
    return rehearsal


def own_rehearsal(rehearsal_id: int, user_id: int) -> Rehearsal | None:
    """Return the person's own rehearsal with this id; None for anyone else's."""
    rehearsal = db.session.get(Rehearsal, rehearsal_id)
    return rehearsal if rehearsal is not None and rehearsal.user_id == user_id else None


def ask(rehearsal: Rehearsal, question_id: str) -> None:
    """Ask a question at the initial review meeting (asking twice records it once)."""
    if question_id not in QUESTION_IDS:
        raise KeyError(question_id)
    done = {a.step for a in rehearsal.answers}
    if rehearsal.status != IN_PROGRESS or next_key(done) != "review":
        raise StaleStep(rehearsal.id)
    if any(q.question == question_id for q in rehearsal.questions):
        return
    db.session.add(RehearsalQuestion(rehearsal_id=rehearsal.id, question=question_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same question from another tab: theirs stands


@dataclass(frozen=True)
class Submission:
    """What happened to a submitted step."""

    recorded: bool  # False: a replay of a step already answered; nothing was written
    rehearsal: Rehearsal


def submit(rehearsal_id: int, user_id: int, step: str, answer: dict[str, list[str]]) -> Submission:
    """Record the answer at ``step`` exactly once, judged by the engine; finish after the last.

    ``answer`` must already be cleaned (``steps.clean_answer``). A repeat of a step already
    answered writes nothing. ``StaleStep``: the step is not the current one.
    """
    rehearsal = db.session.scalar(
        select(Rehearsal)
        .where(Rehearsal.id == rehearsal_id, Rehearsal.user_id == user_id)
        .with_for_update()
    )
    if rehearsal is None:
        raise LookupError(rehearsal_id)
    done = {a.step for a in rehearsal.answers}
    if step in done:
        db.session.rollback()
        return Submission(False, rehearsal)
    if rehearsal.status != IN_PROGRESS or next_key(done) != step:
        db.session.rollback()
        raise StaleStep(rehearsal_id)
    if step == "review":
        asked = [q.question for q in rehearsal.questions]
        row = RehearsalAnswer(rehearsal_id=rehearsal.id, step=step, answer={"asked": asked})
    else:
        verdict = scoring.judge(step, answer, case_of(rehearsal))
        row = RehearsalAnswer(
            rehearsal_id=rehearsal.id, step=step, answer=answer, correct=verdict.correct
        )
    db.session.add(row)
    try:
        if next_key(done | {step}) is None:
            _finish(rehearsal)
        xapi_record.rehearsal_answered(rehearsal, row)
        db.session.commit()
    except IntegrityError:
        # A concurrent request recorded this step first; theirs stands.
        db.session.rollback()
        found = db.session.get(Rehearsal, rehearsal_id)
        assert found is not None
        return Submission(False, found)
    return Submission(True, rehearsal)


def _finish(rehearsal: Rehearsal) -> None:
    db.session.flush()
    db.session.refresh(rehearsal, ["answers"])
    scored = [a for a in rehearsal.answers if a.step in SCORED_KEYS]
    result = scoring.Score(sum(bool(a.correct) for a in scored), len(SCORED_KEYS))
    rehearsal.status = FINISHED
    rehearsal.finished_at = utcnow()
    rehearsal.correct_steps = result.correct
    rehearsal.scored_steps = result.total
    rehearsal.score = result.percent


def verdicts(rehearsal: Rehearsal) -> dict[str, scoring.Verdict]:
    """Re-judge every answered step for its feedback (pure; nothing is written)."""
    case = case_of(rehearsal)
    return {
        a.step: scoring.judge(a.step, a.answer, case)
        for a in rehearsal.answers
        if a.step in SCORED_KEYS
    }


def history(user_id: int, limit: int = 100) -> list[Rehearsal]:
    """The person's rehearsals, newest first (finished and in progress)."""
    return list(
        db.session.scalars(
            select(Rehearsal)
            .where(Rehearsal.user_id == user_id)
            .order_by(Rehearsal.started_at.desc(), Rehearsal.id.desc())
            .limit(limit)
        )
    )


def school_practice(school_id: int, *, page: int, per_page: int) -> tuple[list[Rehearsal], int]:
    """One page of a school's finished rehearsals (newest first) and how many there are."""
    where = (Rehearsal.school_id == school_id, Rehearsal.status == FINISHED)
    total = db.session.scalar(select(func.count()).select_from(Rehearsal).where(*where)) or 0
    rows = db.session.scalars(
        select(Rehearsal)
        .where(*where)
        .order_by(Rehearsal.finished_at.desc(), Rehearsal.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), int(total)


def people(user_ids: set[int]) -> dict[int, User]:
    """The people with these ids, in one query."""
    if not user_ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}


def create_group(trainer: User, difficulty: str, seed: int | None = None) -> RehearsalGroup:
    """Set up a group rehearsal at the trainer's school, with a code to share."""
    protocol = protocol_to_dict(school_protocol(trainer.school_id))
    for _ in range(5):
        group = RehearsalGroup(
            code=new_code(),
            school_id=trainer.school_id,
            trainer_id=trainer.id,
            seed=new_seed() if seed is None else seed,
            difficulty=difficulty,
            protocol=protocol,
        )
        db.session.add(group)
        try:
            db.session.commit()
            return group
        except IntegrityError:
            db.session.rollback()  # the code was taken (vanishingly rare): draw another
    raise RuntimeError("could not find a free group code")


def group_for(code: str, school_id: int) -> RehearsalGroup | None:
    """Return the group with this code at this school; None if none (or if it is elsewhere)."""
    stored = normalise_code(code)
    if stored is None:
        return None
    return db.session.scalar(
        select(RehearsalGroup).where(
            RehearsalGroup.code == stored, RehearsalGroup.school_id == school_id
        )
    )


def join(user: User, group: RehearsalGroup) -> Rehearsal:
    """Join a group's rehearsal, or return the one already joined (never two)."""
    if group.school_id != user.school_id:
        raise PermissionError("groups are for colleagues at the same school")
    found = _member(group.id, user.id)
    if found is not None:
        return found
    rehearsal = _new_rehearsal(user, group.seed, group.difficulty, dict(group.protocol))
    rehearsal.group_id = group.id
    db.session.add(rehearsal)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = _member(group.id, user.id)
        assert found is not None
        return found
    return rehearsal


def _member(group_id: int, user_id: int) -> Rehearsal | None:
    return db.session.scalar(
        select(Rehearsal).where(Rehearsal.group_id == group_id, Rehearsal.user_id == user_id)
    )


def group_members(group: RehearsalGroup) -> list[Rehearsal]:
    """The rehearsals in a group, in the order people joined."""
    return list(
        db.session.scalars(
            select(Rehearsal).where(Rehearsal.group_id == group.id).order_by(Rehearsal.id)
        )
    )


def trainer_groups(user_id: int, limit: int = 20) -> list[RehearsalGroup]:
    """The groups this person set up, newest first."""
    return list(
        db.session.scalars(
            select(RehearsalGroup)
            .where(RehearsalGroup.trainer_id == user_id)
            .order_by(RehearsalGroup.created_at.desc(), RehearsalGroup.id.desc())
            .limit(limit)
        )
    )
