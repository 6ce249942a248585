"""The rehearsal pages: start or join, the review meeting, each step and its feedback, the result,
the practice record, the history, the group's results and the school's "DSL practice" page."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from training_app.admin.models import School
from training_app.auth.permissions import can_rehearse, can_view_reports, require, school_scoped
from training_app.pagination import Page, page_number
from training_app.rehearsal import record, reference, services
from training_app.rehearsal.forms import (
    AskForm,
    ConfirmForm,
    JoinForm,
    StartForm,
    answer_of,
    step_form,
)
from training_app.rehearsal.generator import DIFFICULTY_LABELS
from training_app.rehearsal.models import FINISHED, Rehearsal, RehearsalGroup
from training_app.rehearsal.narrative import staff_title
from training_app.rehearsal.questions import QUESTIONS, question, telling
from training_app.rehearsal.reference import case_reference
from training_app.rehearsal.steps import (
    SCORED_KEYS,
    STEP_KEYS,
    AnswerError,
    clean_answer,
    next_key,
    step,
)

bp = Blueprint("rehearsal", __name__)
STYLESHEET = Path(__file__).resolve().parent / "static" / "rehearsal.css"


@cache
def _stylesheet() -> bytes:
    return STYLESHEET.read_bytes()


@bp.route("/rehearse/rehearsal.css")
def stylesheet() -> ResponseReturnValue:
    """The rehearsal pages' own styles, including the practice record's print layout."""
    response = current_app.response_class(_stylesheet(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _own(rehearsal_id: int) -> Rehearsal:
    rehearsal = services.own_rehearsal(rehearsal_id, current_user.id)
    # Someone else's rehearsal is simply not found: ids reveal nothing.
    if rehearsal is None:
        abort(404)
    return rehearsal


def _where_to_resume(rehearsal: Rehearsal) -> str:
    if rehearsal.status == FINISHED:
        return url_for("rehearsal.result", rehearsal_id=rehearsal.id)
    return url_for("rehearsal.play", rehearsal_id=rehearsal.id)


def _index_page(
    start_form: StartForm | None = None,
    group_form: StartForm | None = None,
    join_form: JoinForm | None = None,
) -> str:
    mine = services.history(current_user.id)
    in_progress = [r for r in mine if r.status != FINISHED]
    reference.prime(in_progress)
    return render_template(
        "rehearsal/index.html",
        start_form=start_form or StartForm(prefix="solo"),
        group_form=group_form or StartForm(prefix="group"),
        join_form=join_form or JoinForm(),
        in_progress=in_progress,
        finished_count=sum(r.status == FINISHED for r in mine),
        groups=services.trainer_groups(current_user.id),
        reports=can_view_reports(current_user, current_user.school),
        labels=DIFFICULTY_LABELS,
    )


@bp.route("/rehearse/")
@require(can_rehearse)
def index() -> ResponseReturnValue:
    """Start a rehearsal, join or run a group one, and carry on where you left off."""
    return _index_page()


@bp.route("/rehearse/start", methods=["POST"])
@require(can_rehearse)
def start() -> ResponseReturnValue:
    """Start a rehearsal on your own."""
    form = StartForm(prefix="solo")
    if not form.validate_on_submit():
        return _index_page(start_form=form)
    rehearsal = services.start(current_user, form.difficulty.data or "", form.chosen_seed)
    return redirect(url_for("rehearsal.play", rehearsal_id=rehearsal.id))


def _counts(key: str) -> dict[str, int | None]:
    """Where a step is: its number of all steps, and of the scored decisions (None: unscored)."""
    return {
        "number": STEP_KEYS.index(key) + 1,
        "total": len(STEP_KEYS),
        "decision": SCORED_KEYS.index(key) + 1 if key in SCORED_KEYS else None,
        "decisions": len(SCORED_KEYS),
    }


def _play_page(rehearsal: Rehearsal, form: FlaskForm | None = None) -> str:
    incident = services.incident_of(rehearsal)
    key = next_key({a.step for a in rehearsal.answers})
    assert key is not None
    the_step = step(key)
    staff = staff_title(incident.scene)
    asked = [q.question for q in rehearsal.questions]
    return render_template(
        "rehearsal/play.html",
        rehearsal=rehearsal,
        incident=incident,
        step=the_step,
        **_counts(key),
        staff=staff,
        learned=[(question(q).prompt, incident.answers[q]) for q in asked],
        remaining=[q for q in QUESTIONS if q.id not in asked],
        form=form or (step_form(the_step, staff) if the_step.fields else ConfirmForm()),
        ask_form=AskForm(),
        labels=DIFFICULTY_LABELS,
    )


@bp.route("/rehearse/<int:rehearsal_id>")
@require(can_rehearse)
def play(rehearsal_id: int) -> ResponseReturnValue:
    """The incident and the step awaiting a decision."""
    rehearsal = _own(rehearsal_id)
    if rehearsal.status == FINISHED:
        return redirect(_where_to_resume(rehearsal))
    return _play_page(rehearsal)


@bp.route("/rehearse/<int:rehearsal_id>/ask", methods=["POST"])
@require(can_rehearse)
def ask(rehearsal_id: int) -> ResponseReturnValue:
    """Ask one question at the initial review meeting, then show its answer."""
    rehearsal = _own(rehearsal_id)
    form = AskForm()
    if not form.validate_on_submit():
        return redirect(_where_to_resume(rehearsal))
    try:
        services.ask(rehearsal, form.question.data or "")
    except services.StaleStep:
        flash("The meeting has ended, so no more questions can be asked.", "info")
    return redirect(url_for("rehearsal.play", rehearsal_id=rehearsal.id, _anchor="learned"))


@bp.route("/rehearse/<int:rehearsal_id>/steps/<step_key>", methods=["POST"])
@require(can_rehearse)
def answer(rehearsal_id: int, step_key: str) -> ResponseReturnValue:
    """Record the decision at a step once, then show whether it was right and why."""
    rehearsal = _own(rehearsal_id)
    if step_key not in STEP_KEYS:
        abort(404)
    the_step = step(step_key)
    staff = staff_title(services.incident_of(rehearsal).scene)
    form = step_form(the_step, staff) if the_step.fields else ConfirmForm()
    answered = {a.step for a in rehearsal.answers}
    current = next_key(answered) == step_key and rehearsal.status != FINISHED
    if not form.validate_on_submit():
        if "csrf_token" in form.errors or not current:
            return redirect(_where_to_resume(rehearsal))
        return _play_page(rehearsal, form)
    try:
        cleaned = clean_answer(step_key, answer_of(form, the_step))
    except AnswerError as error:
        form[error.field].errors = [error.message]
        return _play_page(rehearsal, form)
    try:
        services.submit(rehearsal.id, current_user.id, step_key, cleaned)
    except services.StaleStep:
        flash("That step was already done on another tab or device. Here is where you are.")
        return redirect(_where_to_resume(rehearsal))
    if step_key == "review":
        return redirect(url_for("rehearsal.play", rehearsal_id=rehearsal.id))
    return redirect(url_for("rehearsal.feedback", rehearsal_id=rehearsal.id, step_key=step_key))


@bp.route("/rehearse/<int:rehearsal_id>/steps/<step_key>")
@require(can_rehearse)
def feedback(rehearsal_id: int, step_key: str) -> ResponseReturnValue:
    """Feedback on one decision: right or not, the reason, and the guidance quoted."""
    rehearsal = _own(rehearsal_id)
    if step_key not in SCORED_KEYS:
        abort(404)
    verdict = services.verdicts(rehearsal).get(step_key)
    if verdict is None:
        return redirect(_where_to_resume(rehearsal))
    return render_template(
        "rehearsal/feedback.html",
        rehearsal=rehearsal,
        verdict=verdict,
        staff=staff_title(services.incident_of(rehearsal).scene),
        **_counts(step_key),
        next_url=_where_to_resume(rehearsal),
        labels=DIFFICULTY_LABELS,
    )


@bp.route("/rehearse/<int:rehearsal_id>/result")
@require(can_rehearse)
def result(rehearsal_id: int) -> ResponseReturnValue:
    """The score, the decisions that were not right and why, and the questions left unasked."""
    rehearsal = _own(rehearsal_id)
    if rehearsal.status != FINISHED:
        return redirect(_where_to_resume(rehearsal))
    incident = services.incident_of(rehearsal)
    asked = {q.question for q in rehearsal.questions}
    verdicts = services.verdicts(rehearsal)
    return render_template(
        "rehearsal/result.html",
        rehearsal=rehearsal,
        verdicts=[verdicts[k] for k in SCORED_KEYS if k in verdicts],
        step_total=len(STEP_KEYS),
        unasked=[
            (question(q).prompt, incident.answers[q])
            for q in telling(incident.facts)
            if q not in asked
        ],
        staff=staff_title(incident.scene),
        labels=DIFFICULTY_LABELS,
    )


def _finished(rehearsal_id: int) -> Rehearsal:
    rehearsal = _own(rehearsal_id)
    if rehearsal.status != FINISHED:
        abort(404)
    return rehearsal


@bp.route("/rehearse/<int:rehearsal_id>/record")
@require(can_rehearse)
def practice_record(rehearsal_id: int) -> ResponseReturnValue:
    """The practice incident record, laid out for printing."""
    rehearsal = _finished(rehearsal_id)
    built = record.build(rehearsal, current_user.name, current_user.school.name)
    return render_template(
        "rehearsal/record.html", rehearsal=rehearsal, record=built, practice=record.PRACTICE
    )


@bp.route("/rehearse/<int:rehearsal_id>/record.pdf")
@require(can_rehearse)
def practice_record_pdf(rehearsal_id: int) -> ResponseReturnValue:
    """The practice incident record as a PDF download."""
    rehearsal = _finished(rehearsal_id)
    built = record.build(rehearsal, current_user.name, current_user.school.name)
    filename = f"practice-record-case-{case_reference(rehearsal).code}.pdf"
    return current_app.response_class(
        record.to_pdf(built),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/rehearse/history")
@require(can_rehearse)
def history() -> ResponseReturnValue:
    """Every rehearsal you have done or started: your practice evidence."""
    rehearsals = services.history(current_user.id)
    reference.prime(rehearsals)
    return render_template(
        "rehearsal/history.html",
        rehearsals=rehearsals,
        labels=DIFFICULTY_LABELS,
    )


@bp.route("/rehearse/groups", methods=["POST"])
@require(can_rehearse)
def group_new() -> ResponseReturnValue:
    """Set up a group rehearsal at your school and get its code."""
    form = StartForm(prefix="group")
    if not form.validate_on_submit():
        return _index_page(group_form=form)
    group = services.create_group(current_user, form.difficulty.data or "", form.chosen_seed)
    flash(f"Group rehearsal set up. Share the code {group.code} with your colleagues.", "success")
    return redirect(url_for("rehearsal.group", code=group.code))


def _group(code: str) -> RehearsalGroup:
    group = services.group_for(code, current_user.school_id)
    # A code from another school is not found: codes reveal nothing across schools.
    if group is None:
        abort(404)
    return group


@bp.route("/rehearse/groups/<code>")
@require(can_rehearse)
def group(code: str) -> ResponseReturnValue:
    """The group's results side by side: per person, per step, right or not."""
    found = _group(code)
    if found.trainer_id != current_user.id and not can_view_reports(
        current_user, current_user.school
    ):
        abort(403)
    members = services.group_members(found)
    people = services.people({m.user_id for m in members} | {found.trainer_id})
    return render_template(
        "rehearsal/group.html",
        group=found,
        rows=[(people[m.user_id], m, {a.step: a.correct for a in m.answers}) for m in members],
        trainer=people[found.trainer_id],
        steps=[step(k) for k in SCORED_KEYS],
        mine=next((m for m in members if m.user_id == current_user.id), None),
        join_url=url_for("rehearsal.join_page", code=found.code, _external=True),
        form=ConfirmForm(),
        labels=DIFFICULTY_LABELS,
    )


@bp.route("/rehearse/join", methods=["POST"])
@require(can_rehearse)
def join_code() -> ResponseReturnValue:
    """Find a group rehearsal at your school by its code."""
    form = JoinForm()
    if form.validate_on_submit():
        found = services.group_for(form.code.data or "", current_user.school_id)
        if found is not None:
            return redirect(url_for("rehearsal.join_page", code=found.code))
        form.code.errors = [
            "No group rehearsal at your school has that code. Check it with your trainer."
        ]
    return _index_page(join_form=form)


@bp.route("/rehearse/join/<code>")
@require(can_rehearse)
def join_page(code: str) -> ResponseReturnValue:
    """What the group rehearsal is, and the button to join it."""
    found = _group(code)
    trainer = services.people({found.trainer_id})[found.trainer_id]
    mine = next((m for m in services.group_members(found) if m.user_id == current_user.id), None)
    return render_template(
        "rehearsal/join.html",
        group=found,
        trainer=trainer,
        mine=mine,
        form=ConfirmForm(),
        labels=DIFFICULTY_LABELS,
    )


@bp.route("/rehearse/join/<code>", methods=["POST"])
@require(can_rehearse)
def join(code: str) -> ResponseReturnValue:
    """Join the group rehearsal (joining twice carries on the same one)."""
    found = _group(code)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("rehearsal.join_page", code=found.code))
    rehearsal = services.join(current_user, found)
    return redirect(_where_to_resume(rehearsal))


@bp.route("/schools/<int:school_id>/dsl-practice")
@school_scoped(can_view_reports)
def school_practice(school: School) -> ResponseReturnValue:
    """DSL practice at a school: who rehearsed, when, which case, how hard, and the score."""
    per_page = current_app.config["PER_PAGE"]
    number = page_number(request.args)
    rows, total = services.school_practice(school.id, page=number, per_page=per_page)
    reference.prime(rows)
    return render_template(
        "rehearsal/school_practice.html",
        school=school,
        rows=rows,
        people=services.people({r.user_id for r in rows}),
        page=Page(number=number, per_page=per_page, total=total),
        labels=DIFFICULTY_LABELS,
    )
