"""The teacher's pages: start a class lesson, present it, end it, and the delivery records."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin.models import School
from training_app.auth.models import User
from training_app.auth.permissions import can_view_reports, school_scoped
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.lessons import queries, services
from training_app.lessons.forms import ControlForm, EndForm, StartLessonForm
from training_app.lessons.models import LIVE, LessonSession
from training_app.lessons.plan import age_band_label
from training_app.lessons.views import (
    HELP_SOURCES,
    conditional,
    join_qr,
    join_urls,
    step_context,
    teacher_notes,
)
from training_app.pagination import Page, page_number

bp = Blueprint("lessons", __name__)


def _own(session_id: int) -> LessonSession:
    """The signed-in teacher's own session; anyone else's is simply not found."""
    session = db.session.get(LessonSession, session_id)
    if session is None or session.teacher_id != current_user.id:
        abort(404)
    return session


@bp.route("/lessons", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    """Start a lesson with a class; the teacher's live lessons and lesson history."""
    modules = queries.lesson_modules()
    form = StartLessonForm()
    form.lesson.choices = [(m.id, f"{age_band_label(m.age_band)}: {m.title}") for m in modules]
    if form.validate_on_submit():
        module = library().modules[form.lesson.data or ""]
        session = services.start_session(
            current_user,
            module,
            form.class_label.data or "",
            minutes=current_app.config["LESSON_MAX_MINUTES"],
        )
        return redirect(url_for("lessons.present", session_id=session.id), 303)
    services.finalise_expired(teacher_id=current_user.id)
    school = db.session.get(School, current_user.school_id)
    return render_template(
        "lessons/index.html",
        form=form,
        modules=modules,
        live=queries.teacher_sessions(current_user.id, live=True),
        history=queries.teacher_sessions(current_user.id, live=False),
        reports_school=school if school and can_view_reports(current_user, school) else None,
        age_band_label=age_band_label,
    )


@bp.route("/lessons/<int:session_id>")
@login_required
def present(session_id: int) -> ResponseReturnValue:
    """The classroom screen: the step, the join code and QR code, and live counts."""
    session = _own(session_id)
    if session.status == LIVE and not queries.is_live(session):
        services.finalise_expired(teacher_id=current_user.id)
    if session.status != LIVE:
        return redirect(url_for("lessons.record", session_id=session.id))
    step = queries.current_step(session, queries.steps_of(session))
    counts = queries.counts(session, step.node.id if step.is_question and step.node else None)
    etag = f"t{session.id}-{session.revision}-{counts.joined}-{counts.answered}"

    def render() -> ResponseReturnValue:
        short_url, full_url = join_urls(session)
        return render_template(
            "lessons/presenter.html",
            **step_context(session),
            counts=counts,
            tally=queries.live_tally(session, step),
            etag=etag,
            poll_seconds=current_app.config["LESSON_POLL_SECONDS_PRESENTER"],
            join_short_url=short_url,
            join_full_url=full_url,
            qr=join_qr(full_url, short_url),
            control=ControlForm(),
            end_form=EndForm(),
        )

    return conditional(etag, render)


@bp.route("/lessons/<int:session_id>/notes")
@login_required
def notes(session_id: int) -> ResponseReturnValue:
    """The teacher's own notes: every step with its sources, for their screen, not the class's."""
    session = _own(session_id)
    steps = queries.steps_of(session)
    return render_template(
        "lessons/notes.html",
        session=session,
        notes=teacher_notes(session),
        help_sources=HELP_SOURCES,
        position=min(session.position, len(steps) - 1),
        age_label=age_band_label(session.age_band),
    )


@bp.route("/lessons/<int:session_id>/control", methods=["POST"])
@login_required
def control(session_id: int) -> ResponseReturnValue:
    """Next, back, or show the answer (a stale or repeated click changes nothing)."""
    session = _own(session_id)
    form = ControlForm()
    if form.validate_on_submit():
        services.control(session.id, current_user.id, form.action.data or "", form.position.data)
    return redirect(url_for("lessons.present", session_id=session.id), 303)


@bp.route("/lessons/<int:session_id>/end", methods=["POST"])
@login_required
def end(session_id: int) -> ResponseReturnValue:
    """End the lesson: pupils' tokens and answers are deleted, the class totals kept."""
    session = _own(session_id)
    if not EndForm().validate_on_submit():
        abort(400)
    services.end_session(session.id, current_user.id)
    flash("The lesson has ended. Only the class totals are kept.", "success")
    return redirect(url_for("lessons.record", session_id=session.id), 303)


@bp.route("/lessons/<int:session_id>/record")
@login_required
def record(session_id: int) -> ResponseReturnValue:
    """One lesson's delivery record: for its teacher and the school's report viewers."""
    session = db.session.get(LessonSession, session_id)
    if session is None:
        abort(404)
    school = db.session.get(School, session.school_id)
    mine = session.teacher_id == current_user.id
    if not mine and not (school and can_view_reports(current_user, school)):
        abort(404)
    teacher = db.session.get(User, session.teacher_id)
    return render_template(
        "lessons/record.html",
        session=session,
        school=school,
        mine=mine,
        live=queries.is_live(session),
        teacher_name=teacher.name if teacher else "",
        results=queries.results(session.id),
        age_label=age_band_label(session.age_band),
    )


@bp.route("/schools/<int:school_id>/lessons")
@school_scoped(can_view_reports)
def delivered(school: School) -> ResponseReturnValue:
    """PSHE lessons delivered at a school: the curriculum evidence, newest first."""
    services.finalise_expired()
    per_page = current_app.config["PER_PAGE"]
    number = page_number(request.args)
    rows, total = queries.school_sessions(school.id, page=number, per_page=per_page)
    return render_template(
        "lessons/delivered.html",
        school=school,
        rows=rows,
        page=Page(number=number, per_page=per_page, total=total),
        age_band_label=age_band_label,
    )
