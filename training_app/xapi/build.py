"""The statements the outbox's rows refer to, built from their records when they are sent.

A row names what happened (its verb) to which record (an attempt or a rehearsal, and the
page or step). Those records are append-only (an answer, a finished attempt, a rehearsal
decision are never changed), so a statement built now says what it would have said when
the row was written, and its id is the row's. The row's `created_at` is its timestamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from training_app.content.evaluate import evaluate
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.learning.models import Answer, Attempt
from training_app.rehearsal.models import Rehearsal, RehearsalAnswer
from training_app.rules.protocol import parse_protocol
from training_app.xapi import statements as st
from training_app.xapi.models import ATTEMPT, REHEARSAL, OutboxStatement


class RecordGone(Exception):
    """The record a row refers to is no longer there (the statement cannot be made)."""


def activity_base() -> str:
    """The IRI every activity id starts with: the site's address, then /xapi."""
    site = current_app.config.get("EXTERNAL_URL") or "https://training.invalid"
    return site.rstrip("/") + "/xapi"


@dataclass
class _Records:
    """The records one batch of rows refers to, each loaded once."""

    attempts: dict[int, Attempt]
    answers: dict[tuple[int, int], Answer]
    rehearsals: dict[int, Rehearsal]
    decisions: dict[tuple[int, str], RehearsalAnswer]


def _load(rows: Sequence[OutboxStatement]) -> _Records:
    attempt_ids = {r.record_id for r in rows if r.record == ATTEMPT}
    rehearsal_ids = {r.record_id for r in rows if r.record == REHEARSAL}
    answered = {r.record_id for r in rows if r.verb == "answered"}
    scored = {r.record_id for r in rows if r.verb == "scored"}
    attempts = db.session.scalars(select(Attempt).where(Attempt.id.in_(attempt_ids)))
    answers = db.session.scalars(select(Answer).where(Answer.attempt_id.in_(answered)))
    rehearsals = db.session.scalars(select(Rehearsal).where(Rehearsal.id.in_(rehearsal_ids)))
    decisions = db.session.scalars(
        select(RehearsalAnswer).where(RehearsalAnswer.rehearsal_id.in_(scored))
    )
    return _Records(
        {a.id: a for a in attempts},
        {(a.attempt_id, a.step): a for a in answers},
        {r.id: r for r in rehearsals},
        {(d.rehearsal_id, d.step): d for d in decisions},
    )


def statements(rows: Sequence[OutboxStatement]) -> list[dict[str, Any] | str]:
    """Each row's statement (without its actor), or why it cannot be made."""
    records, base = _load(rows), activity_base()
    made: list[dict[str, Any] | str] = []
    for row in rows:
        if row.statement is not None:
            made.append(row.statement)  # written whole, before the outbox held references
            continue
        try:
            if row.record == ATTEMPT:
                statement = _about_attempt(base, row, records)
            else:
                statement = _about_rehearsal(base, row, records)
        except RecordGone as gone:
            made.append(f"its {row.record} record is gone: {gone}")
            continue
        if statement["id"] != row.statement_id:
            made.append(f"built with id {statement['id']}, not {row.statement_id}")
            continue
        made.append(statement)
    return made


def _module_title(module_id: str) -> str:
    module = library().modules.get(module_id)
    return module.title if module is not None else module_id


def _page_title(module_id: str, page: int) -> str:
    module = library().modules.get(module_id)
    pages = module.pages if module is not None else []
    return pages[page - 1].title if 0 < page <= len(pages) else f"Page {page}"


def _about_attempt(base: str, row: OutboxStatement, records: _Records) -> dict[str, Any]:
    attempt = None if row.record_id is None else records.attempts.get(row.record_id)
    if attempt is None:
        raise RecordGone(f"attempt {row.record_id}")
    when, module_id = row.created_at, attempt.module_id
    if row.verb == "attempted":
        return st.module_started(base, attempt.id, module_id, _module_title(module_id), when)
    if row.verb == "experienced":
        page = int(row.part or 0)
        title = _page_title(module_id, page)
        return st.page_read(base, attempt.id, module_id, page, title, when)
    if row.verb == "answered":
        answer = records.answers.get((attempt.id, int(row.part or 0)))
        if answer is None:
            raise RecordGone(f"answer at step {row.part} of attempt {attempt.id}")
        return _answered(base, attempt, answer, when)
    if row.verb == "voided":
        return st.completion_voided(attempt.id, when)
    title, percent = _module_title(module_id), attempt.score or 0
    if row.verb == "completed":
        return st.module_completed(base, attempt.id, module_id, title, percent, when)
    return st.quiz_finished(
        base,
        attempt.id,
        module_id,
        title,
        percent=percent,
        passed=row.verb == "passed",
        missed_rule_ids=attempt.missed_rules or [],
        when=when,
    )


def _answered(base: str, attempt: Attempt, answer: Answer, when: Any) -> dict[str, Any]:
    """`answered`: the record's choice and verdict, the question's rules and citations.

    The rules a question tests and their citations come from the content the attempt was
    taken under, judged again (the engine is pure); if the module has changed since, the
    statement carries only what the answer record holds.
    """
    module = library().modules.get(attempt.module_id)
    quiz = module.quiz if module and module.content_version == attempt.content_version else None
    node = quiz.nodes.get(answer.node_id) if quiz else None
    if node is None:
        prompt, choices, tested, citations = "", answer.choice_ids, answer.rule_ids, []
    else:
        result = evaluate(node, answer.choice_ids, parse_protocol(attempt.protocol))
        prompt, choices, tested = node.prompt, [c.id for c in node.choices], list(result.rule_ids)
        cited = (c for e in result.explanations for c in e.citations)
        citations = list(dict.fromkeys([*node.citations, *cited]))
    return st.question_answered(
        base,
        attempt.id,
        attempt.module_id,
        step=answer.step,
        node_id=answer.node_id,
        prompt=prompt,
        choice_ids=answer.choice_ids,
        all_choice_ids=choices,
        correct=bool(answer.correct),
        rule_ids=tested,
        missed_rule_ids=answer.rule_ids,
        citations=citations,
        when=when,
    )


def _about_rehearsal(base: str, row: OutboxStatement, records: _Records) -> dict[str, Any]:
    rehearsal = None if row.record_id is None else records.rehearsals.get(row.record_id)
    if rehearsal is None:
        raise RecordGone(f"rehearsal {row.record_id}")
    if row.verb == "scored":
        decision = records.decisions.get((rehearsal.id, row.part or ""))
        if decision is None:
            raise RecordGone(f"decision {row.part} of rehearsal {rehearsal.id}")
        return st.rehearsal_scored(
            base,
            rehearsal.id,
            decision.step,
            correct=bool(decision.correct),
            difficulty=rehearsal.difficulty,
            when=row.created_at,
        )
    return st.rehearsal_completed(
        base,
        rehearsal.id,
        difficulty=rehearsal.difficulty,
        percent=rehearsal.score or 0,
        when=row.created_at,
    )
