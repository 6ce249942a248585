"""What the teacher's and pupils' lesson pages share: step context, ETags and join links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, make_response, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from training_app.content.evaluate import AnswerError, correct_choice_ids, evaluate
from training_app.content.kinds import KINDS
from training_app.content.model import Node
from training_app.learning import catalogue
from training_app.lessons.codes import display_code
from training_app.lessons.models import LessonSession
from training_app.lessons.plan import Step, age_band_label, question_number
from training_app.lessons.queries import current_step, steps_of
from training_app.qr import qr_svg
from training_app.rules.protocol import parse_protocol

UK = ZoneInfo("Europe/London")


def uk_time(moment: datetime | None, pattern: str = "%-d %B %Y, %H:%M") -> str:
    """A stored UTC time as schools read it: UK local time (GMT or BST)."""
    return moment.astimezone(UK).strftime(pattern) if moment else ""


@dataclass(frozen=True)
class Why:
    """One piece of the explanation shown when the teacher reveals an answer."""

    heading: str
    html: str


def step_context(session: LessonSession) -> dict[str, Any]:
    """Everything a template needs to show the session's current step.

    The same for the class screen and a pupil's device: the words without citation codes,
    which only the teacher's notes show (see `teacher_notes`).
    """
    steps = steps_of(session)
    step = current_step(session, steps)
    protocol = parse_protocol(session.protocol)

    def render(text: str) -> str:
        return catalogue.render_for_pupils(text, protocol)

    node = step.node
    revealed = node is not None and step.is_question and node.id in session.revealed
    number, total = question_number(steps, min(session.position, len(steps) - 1))
    return {
        "session": session,
        "steps": steps,
        "step": step,
        "node": node,
        "position": min(session.position, len(steps) - 1),
        "body": _body(step, render),
        "revealed": revealed,
        "correct_ids": _correct(node, session) if revealed and node else (),
        "why": _why(node, session, render) if revealed and node else [],
        "question_number": number,
        "question_total": total,
        "age_label": age_band_label(session.age_band),
        "code_display": display_code(session.join_code),
        "step_key": step_key(session, step),
    }


# Where the help list on every pupil page and the class screen comes from (lessons/_help_list.html):
# shown in the teacher's notes, never beside the list itself.
HELP_SOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("999 for anyone in danger right now", ("APPX8 Step 1", "UKCCIS-2016 §9.2 (Annex B)")),
    (
        "Talking to an adult you trust, without showing a picture, and not being in trouble "
        "for asking",
        ("UKCCIS-2016 §3.2", "UKCCIS-2016 §5.1", "UKCIS-2024 §2.4"),
    ),
    ("Childline, 24 hours a day", ("UKCCIS-2016 §9.2 (Annex B)",)),
    (
        "Report Remove, for under-18s, with nobody at school viewing the picture",
        (
            "UKCCIS-2016 §9.2 (Annex B)",
            'CHILDLINE-REPORT-REMOVE "How it works"',
            "UKCIS-2024 §2.10",
        ),
    ),
    (
        "Someone online threatening or asking for money: never the young person's fault; stop "
        "replying, don't pay, tell an adult, report to CEOP",
        ('NCA-SEXTORTION-2024 "How to respond"', "UKCCIS-2016 §9.3 (Annex C)"),
    ),
)


@dataclass(frozen=True)
class StepNote:
    """One step as the teacher's own notes show it: the words with their sources, the answer."""

    number: int
    step: Step
    body: str
    correct_ids: tuple[str, ...]
    why: list[Why]
    citations: tuple[str, ...]


def teacher_notes(session: LessonSession) -> list[StepNote]:
    """Every step of the lesson with its citations linked, for the teacher's screen only."""
    protocol = parse_protocol(session.protocol)

    def render(text: str) -> str:
        return catalogue.render(text, protocol)

    notes = []
    for number, step in enumerate(steps_of(session), start=1):
        node = step.node
        question = node is not None and step.is_question
        if step.page is not None:
            citations = step.page.citations
        else:
            citations = node.citations if node is not None else ()
        notes.append(
            StepNote(
                number=number,
                step=step,
                body=_body(step, render),
                correct_ids=_correct(node, session) if question and node else (),
                why=_why(node, session, render) if question and node else [],
                citations=tuple(citations),
            )
        )
    return notes


def _body(step: Step, render: Callable[[str], str]) -> str:
    if step.page is not None:
        return render(step.page.body)
    if step.node is not None and step.node.situation:
        return render(step.node.situation)
    return ""


def step_key(session: LessonSession, step: Step) -> str:
    """Changes when the screen shows something new (not when counts change)."""
    revealed = step.node is not None and step.node.id in session.revealed
    return f"{session.position}-{step.key}-{int(revealed)}-{session.status}"


def _correct(node: Node, session: LessonSession) -> tuple[str, ...]:
    try:
        return correct_choice_ids(node, parse_protocol(session.protocol))
    except AnswerError:
        return ()


def _why(node: Node, session: LessonSession, render: Callable[[str], str]) -> list[Why]:
    """The authored feedback on each choice, or the engine's reasons for engine questions."""
    found = [Why(c.label, render(c.feedback)) for c in node.choices if c.feedback]
    if found or not KINDS[node.kind].engine_keyed:
        return found
    right = _correct(node, session)
    if not right:
        return []
    picked = list(right) if node.select == "many" else [right[0]]
    try:
        result = evaluate(node, picked, parse_protocol(session.protocol))
    except AnswerError:
        return []
    return [Why(e.heading, render(e.text)) for e in result.explanations if e.text]


def join_urls(session: LessonSession) -> tuple[str, str]:
    """The short join page address as text (no scheme) and the full link for the QR code."""
    base = (current_app.config.get("EXTERNAL_URL") or request.host_url).rstrip("/")
    short = base.split("://", 1)[-1] + url_for("pupil.enter")
    full = base + url_for("pupil.lesson", code=session.join_code)
    return short, full


@lru_cache(maxsize=256)
def join_qr(full_url: str, short_url: str) -> Markup:
    """The QR code of a lesson's join link; cached because the presenter page is polled."""
    return qr_svg(full_url, f"QR code: scan it to join, or go to {short_url}", "lesson-qr")


def conditional(etag: str, render: Callable[[], ResponseReturnValue]) -> Response:
    """304 if the browser already has this version (weak ETag), else the rendered page."""
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag, weak=True)
    return response
