"""The pupils' pages: join with a code, follow the lesson, answer anonymously, leave quickly.

No account and no Flask session: a pupil gets one cookie, a random token scoped to this
lesson's path, and nothing else. Every response is private and uncacheable, so a school
proxy never hands one pupil's page to another. A poll from a pupil already in the lesson
costs one query (`queries.seen_by`) and, when nothing changed, a 304 with no body.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from training_app.extensions import db, limiter
from training_app.lessons import queries, services, throttle
from training_app.lessons.codes import form_token, form_token_ok, normalise_code
from training_app.lessons.forms import AnswerForm, JoinCodeForm, JoinForm
from training_app.lessons.models import LessonSession
from training_app.lessons.views import conditional, step_context
from training_app.models_common import utcnow

bp = Blueprint("pupil", __name__)

NOTES = {
    "closed": "That question has closed, so your answer was not sent.",
    "choose": "Choose an answer, then send it.",
}
NOT_FOUND_MESSAGE = (
    "We can't find a lesson with that code. Check it with your teacher and try again."
)
ENDED_MESSAGE = "That lesson has ended. Check the code on your teacher's screen."


def cookie_name() -> str:
    """The lesson cookie's name (with the __Secure- prefix when cookies are HTTPS-only)."""
    return "__Secure-lesson" if current_app.config.get("SESSION_COOKIE_SECURE") else "lesson"


def _token() -> str | None:
    return request.cookies.get(cookie_name())


def _seen() -> queries.Seen | None:
    """The session named in the URL and this device's place in it (once per request)."""
    if "lesson_seen" not in g:
        code = normalise_code((request.view_args or {}).get("code", ""))
        g.lesson_seen = queries.seen_by(code, _token()) if code else None
    seen: queries.Seen | None = g.lesson_seen
    return seen


def _outsider_check(seen: queries.Seen | None) -> None:
    """Devices not in this lesson: a blocked address gets 429, whatever the code."""
    if (seen is None or seen.participant_id is None) and throttle.blocked():
        abort(429)


@bp.before_request
def _same_origin_posts() -> None:
    """Refuse form posts from other sites (pupil forms carry no session CSRF token)."""
    if request.method != "POST":
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site not in ("same-origin", "none"):
            abort(403)
        return
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        abort(403)


@bp.after_request
def _private(response: Response) -> Response:
    """Never cached by a browser or a shared proxy; never indexed."""
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.vary.add("Cookie")
    return response


def _page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template(f"lessons/pupil/{template}", **context), status


def _not_found() -> ResponseReturnValue:
    """An unknown code: counted against the address, and said plainly."""
    throttle.count_failure()
    return _page("gone.html", 404, session=None)


def _ended(session_id: int, status: int) -> ResponseReturnValue:
    """The lesson has ended: say so, and drop the now useless cookie."""
    session = db.session.get(LessonSession, session_id)
    response = make_response(render_template("lessons/pupil/gone.html", session=session), status)
    if session is not None:
        # With the attributes it was set with: a browser ignores a `__Secure-` cookie
        # (its deletion too) that lacks `Secure`.
        response.delete_cookie(
            cookie_name(),
            path=url_for("pupil.lesson", code=session.join_code),
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


@bp.route("/join", methods=["GET", "POST"])
def enter() -> ResponseReturnValue:
    """Type the code from the teacher's screen."""
    form = JoinCodeForm()
    if not form.validate_on_submit():
        return _page("enter.html", form=form)
    if throttle.blocked():
        abort(429)
    code = normalise_code(form.code.data or "")
    session = queries.by_code(code) if code else None
    if session is None or not queries.is_live(session):
        throttle.count_failure()
        form.code.errors = [ENDED_MESSAGE if session else NOT_FOUND_MESSAGE]
        return _page("enter.html", 410 if session else 404, form=form)
    return redirect(url_for("pupil.lesson", code=session.join_code), 303)


@bp.route("/j/<code>")
def lesson(code: str) -> ResponseReturnValue:
    """The lesson on the pupil's device (or the content note and Join button first)."""
    canonical = normalise_code(code)
    if canonical is not None and canonical != code:
        return redirect(url_for("pupil.lesson", code=canonical))
    seen = _seen()
    _outsider_check(seen)
    if seen is None:
        return _not_found()
    if not seen.live:
        # Where a pupil's screen ends up, so a page of its own (200), not an error.
        return _ended(seen.session_id, 200)
    if seen.participant_id is None:
        return _page("welcome.html", code=code, form=JoinForm())
    participant = seen.participant_id

    def render() -> ResponseReturnValue:
        session = db.session.get(LessonSession, seen.session_id)
        if session is None:
            abort(404)
        context = step_context(session)
        step = context["step"]
        node_id = step.node.id if step.is_question and step.node else None
        answered = queries.own_answer(participant, node_id)
        context["step_key"] += f"-{int(answered is not None)}"
        return _page(
            "lesson.html",
            **context,
            answered=answered,
            etag=seen.etag,
            note=NOTES.get(request.args.get("note", "")),
            note_kind=request.args.get("note", ""),
            form_token=form_token(current_app.config["SECRET_KEY"], _token() or ""),
            poll_seconds=current_app.config["LESSON_POLL_SECONDS_PUPIL"],
        )

    return conditional(seen.etag, render)


@bp.route("/j/<code>/join", methods=["POST"])
@limiter.limit(lambda: current_app.config["LESSON_JOIN_LIMIT"], scope="lesson-join")
def join(code: str) -> ResponseReturnValue:
    """Join with no name: a random token in a cookie for this lesson only."""
    seen = _seen()
    _outsider_check(seen)
    if seen is None:
        return _not_found()
    here = url_for("pupil.lesson", code=normalise_code(code))
    if seen.participant_id is not None:
        return redirect(here, 303)
    try:
        session, token = services.join(
            seen.session_id, max_participants=current_app.config["LESSON_MAX_PARTICIPANTS"]
        )
    except services.JoinRefused as refused:
        if refused.reason == "full":
            return _page("full.html", 409)
        throttle.count_failure()
        return _ended(seen.session_id, 410)
    response = redirect(here, 303)
    remaining = (session.expires_at - utcnow()).total_seconds()
    response.set_cookie(
        cookie_name(),
        token,
        max_age=max(60, int(remaining)),
        path=here,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/j/<code>/answer", methods=["POST"])
def answer(code: str) -> ResponseReturnValue:
    """Send an answer to the question on screen; the first answer from a device counts."""
    seen = _seen()
    _outsider_check(seen)
    if seen is None:
        return _not_found()
    if not seen.live:
        return _ended(seen.session_id, 410)
    here = url_for("pupil.lesson", code=normalise_code(code))
    token = _token()
    if seen.participant_id is None or not token:
        return redirect(here, 303)
    form = AnswerForm()
    if not form_token_ok(current_app.config["SECRET_KEY"], token, form.token.data or ""):
        abort(400)
    choices = [c for c in (form.choice.data or []) if isinstance(c, str)]
    if not choices:
        return redirect(f"{here}?note=choose", 303)
    outcome = services.submit_answer(seen, form.node.data or "", choices)
    if outcome in (services.ENDED_OUTCOME, services.NOT_FOUND):
        return _ended(seen.session_id, 410)
    if outcome == services.CLOSED:
        return redirect(f"{here}?note=closed", 303)
    if outcome == services.INVALID:
        return redirect(f"{here}?note=choose", 303)
    return redirect(here, 303)


@bp.route("/tables")
def neutral() -> ResponseReturnValue:
    """A plain page of times tables: where 'Leave this page' goes (no link back)."""
    return render_template("lessons/pupil/neutral.html", tables=range(2, 13))


def _error(code: int, title: str, hint: str) -> ResponseReturnValue:
    return _page("error.html", code, title=title, hint=hint)


@bp.errorhandler(429)
def _too_many(error: Exception) -> ResponseReturnValue:
    return _error(429, "Too many tries", "Wait a minute, then try the code again.")


@bp.errorhandler(400)
def _bad(error: Exception) -> ResponseReturnValue:
    return _error(400, "Something went wrong", "Go back to the lesson and try again.")


@bp.errorhandler(403)
def _forbidden(error: Exception) -> ResponseReturnValue:
    return _error(403, "Something went wrong", "Open the lesson again from its link or code.")
