"""The learner's pages: module overview, reading pages, quiz steps, feedback and results."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.auth import row_read_alongside
from training_app.auth.services import ReadAlongside
from training_app.content.guidance import passage
from training_app.content.model import Module, Node, Quiz
from training_app.editions import edition_label, school_edition
from training_app.learning import catalogue, guidance_text, policy, services, status
from training_app.learning.forms import StartForm, StepForm, answer_form_for
from training_app.learning.models import IN_PROGRESS, Attempt
from training_app.learning.progress import quiz_progress
from training_app.learning.store import ReadingPosition, attempt_in, position_in
from training_app.rules import is_valid_citation
from training_app.rules.citations import SOURCES, section

bp = Blueprint("learning", __name__, url_prefix="/learn")


def _module(module_id: str) -> Module:
    module = catalogue.library().modules.get(module_id)
    if module is None:
        abort(404)
    if not policy.can_take(current_user.role, module):
        abort(403)
    return module


def _has_page(module: Module, number: int) -> bool:
    return 1 <= number <= len(module.pages)


def _quiz(module: Module) -> Quiz:
    if module.quiz is None:
        abort(404)
    return module.quiz


def _read_with_person() -> tuple[Any, ...]:
    # The session check read it (the plans at the end of this file, learning/__init__.py).
    row = row_read_alongside()
    assert row is not None, "a learner view reads its attempt with the signed-in person"
    return row


def _own_attempt(module: Module) -> Attempt:
    return _owned(module, attempt_in(_read_with_person()))


AttemptLike = TypeVar("AttemptLike", Attempt, ReadingPosition)


def _owned(module: Module, attempt: AttemptLike | None) -> AttemptLike:
    # Someone else's attempt is simply not found: ids reveal nothing.
    if attempt is None or attempt.user_id != current_user.id or attempt.module_id != module.id:
        abort(404)
    return attempt


def _where_to_resume(module: Module, attempt: Attempt) -> str:
    if attempt.status != IN_PROGRESS:
        return url_for("learning.result", module_id=module.id, attempt_id=attempt.id)
    if attempt.in_quiz:
        return url_for("learning.quiz", module_id=module.id, attempt_id=attempt.id)
    page = min(max(attempt.pages_seen, 1), len(module.pages))
    return url_for("learning.page", module_id=module.id, attempt_id=attempt.id, number=page)


@bp.route("/<module_id>")
@login_required
def overview(module_id: str) -> ResponseReturnValue:
    """What the module covers, where you are with it, and the button to start or resume."""
    found = catalogue.library().modules.get(module_id)
    if (
        found is not None
        and not policy.can_take(current_user.role, found)
        and policy.can_preview(current_user.role)
        and "pupil" not in found.audiences
    ):
        # A head who is a school admin may not take the DSL walkthrough, but may see it.
        return redirect(url_for("preview.module", module_id=module_id))
    module = _module(module_id)
    where = status.module_statuses(current_user.id, current_user.school_id, [module])[0]
    # An attempt keeps the protocol it started under, edition included.
    edition = (
        services.attempt_protocol(where.attempt).edition
        if where.attempt
        else school_edition(current_user.school_id)
    )
    return render_template(
        "learning/overview.html",
        module=module,
        status=where,
        edition=edition_label(edition),
        form=StartForm(),
        past=status.past_attempts(current_user.id, module.id),
        can_skip=services.has_finished_before(current_user.id, module.id),
    )


@bp.route("/<module_id>/start", methods=["POST"])
@login_required
def start(module_id: str) -> ResponseReturnValue:
    """Start (or resume) an attempt and go to where it stands."""
    module = _module(module_id)
    form = StartForm()
    if not form.validate_on_submit():
        abort(400)
    attempt = services.start_or_resume(
        current_user, module, skip_reading=bool(form.skip_reading.data)
    )
    if attempt.pages_seen >= len(module.pages) and not attempt.in_quiz and module.quiz:
        services.begin_quiz(attempt, module.quiz)
    return redirect(_where_to_resume(module, attempt))


@bp.route("/<module_id>/attempts/<int:attempt_id>/pages/<int:number>")
@login_required
def page(module_id: str, attempt_id: int, number: int) -> ResponseReturnValue:
    """One page of the module's scenario content."""
    module = _module(module_id)
    if not _has_page(module, number):
        abort(404)
    attempt = _owned(module, position_in(_read_with_person()))
    protocol = services.attempt_protocol(attempt)
    current = module.pages[number - 1]
    html = render_template(
        "learning/page.html",
        module=module,
        attempt=attempt,
        number=number,
        page=current,
        body=catalogue.render(current.body, protocol),
        # Only the last page has a form (the button that starts the quiz).
        form=StartForm() if number == len(module.pages) else None,
    )
    # Recorded after rendering: the commit expires the signed-in user, and the page would
    # otherwise load them again (a query more on every new page read).
    services.record_page_seen(attempt, number)
    return html


def _question_page(
    module: Module, quiz_: Quiz, attempt: Attempt, node: Node, form: StepForm
) -> str:
    protocol = services.attempt_protocol(attempt)
    return render_template(
        "learning/question.html",
        module=module,
        attempt=attempt,
        node=node,
        form=form,
        situation=catalogue.render(node.situation, protocol) if node.situation else "",
        progress=quiz_progress(quiz_, attempt),
    )


@bp.route("/<module_id>/attempts/<int:attempt_id>/quiz", methods=["GET", "POST"])
@login_required
def quiz(module_id: str, attempt_id: int) -> ResponseReturnValue:
    """GET: the question awaiting an answer. POST: begin the quiz after the last page."""
    module = _module(module_id)
    quiz_ = _quiz(module)
    attempt = _own_attempt(module)
    if attempt.status != IN_PROGRESS:
        return redirect(_where_to_resume(module, attempt))
    if not attempt.in_quiz:
        if StartForm().validate_on_submit():
            services.begin_quiz(attempt, quiz_)
        else:
            return redirect(_where_to_resume(module, attempt))
    node = quiz_.nodes[attempt.current_node or quiz_.start]
    return _question_page(module, quiz_, attempt, node, answer_form_for(node))


@bp.route("/<module_id>/attempts/<int:attempt_id>/answer", methods=["POST"])
@login_required
def answer(module_id: str, attempt_id: int) -> ResponseReturnValue:
    """Record an answer once, then show its feedback (replays show the same feedback)."""
    module = _module(module_id)
    quiz_ = _quiz(module)
    attempt = _own_attempt(module)
    # Which node the form answers picks the form class; read directly, as building a
    # form only to read one hidden field costs as much as the form that follows.
    node = quiz_.nodes.get(request.form.get("node", ""))
    if node is None:
        return redirect(_where_to_resume(module, attempt))
    form = answer_form_for(node)
    if not form.validate_on_submit():
        # Only a missing or unknown choice is worth an error message; anything else is a
        # stale or tampered form, answered with the attempt's current state.
        if form.errors.keys() - {"choice"} or attempt.current_node != node.id:
            return redirect(_where_to_resume(module, attempt))
        return _question_page(module, quiz_, attempt, node, form)
    data = getattr(form, "choice", None)
    choices = [] if data is None else ([data.data] if isinstance(data.data, str) else data.data)
    try:
        outcome = services.submit_answer(
            attempt,
            quiz_,
            step=int(form.step.data),
            node_id=node.id,
            choice_ids=list(choices),
        )
    except services.StaleAnswer:
        flash(
            "That question was already answered on another tab or device. "
            "Here is where you are now.",
            "info",
        )
        return redirect(_where_to_resume(module, attempt))
    if not node.is_question:
        return redirect(_where_to_resume(module, outcome.attempt))
    # attempt_id, not attempt.id: the commit expired the attempt, and reading it would load
    # it again only to build this URL.
    return redirect(
        url_for("learning.feedback", module_id=module.id, attempt_id=attempt_id, step=outcome.step)
    )


@bp.route("/<module_id>/attempts/<int:attempt_id>/steps/<int:step>")
@login_required
def feedback(module_id: str, attempt_id: int, step: int) -> ResponseReturnValue:
    """Feedback on one answered question: right or not, and why, with the guidance."""
    module = _module(module_id)
    quiz_ = _quiz(module)
    attempt = _own_attempt(module)
    recorded = next((a for a in attempt.answers if a.step == step), None)
    if recorded is None:
        abort(404)
    node = quiz_.nodes[recorded.node_id]
    evaluation = services.evaluation_of(attempt, quiz_, recorded)
    if evaluation is None:
        abort(404)
    protocol = services.attempt_protocol(attempt)
    return render_template(
        "learning/feedback.html",
        module=module,
        attempt=attempt,
        node=node,
        step=step,
        evaluation=evaluation,
        render=lambda text: catalogue.render(text, protocol),
        next_url=_where_to_resume(module, attempt),
        progress=quiz_progress(quiz_, attempt),
    )


@bp.route("/<module_id>/attempts/<int:attempt_id>/result")
@login_required
def result(module_id: str, attempt_id: int) -> ResponseReturnValue:
    """The score, pass or not, and the rules to revisit."""
    module = _module(module_id)
    attempt = _own_attempt(module)
    if attempt.status == IN_PROGRESS:
        return redirect(_where_to_resume(module, attempt))
    return render_template(
        "learning/result.html",
        module=module,
        attempt=attempt,
        form=StartForm(),
        missed=catalogue.describe_rules(
            attempt.missed_rules or [], services.attempt_protocol(attempt)
        ),
        steps=[a for a in attempt.answers if a.correct is not None],
        completion=services.completion_of(attempt),
    )


def read_page_with_person(view_args: dict[str, Any]) -> ReadAlongside | None:
    """A reading page's attempt, read with its signed-in person (see `page`)."""
    module = catalogue.library().modules.get(view_args["module_id"])
    number = view_args["number"]
    if module is None or not _has_page(module, number):
        return None  # refused by the view, which reads nothing
    return services.page_with_person(view_args["attempt_id"], module_id=module.id, page=number)


def read_attempt_with_person(view_args: dict[str, Any]) -> ReadAlongside:
    """A quiz view's attempt, read with its signed-in person (see `_own_attempt`)."""
    return services.attempt_with_person(view_args["attempt_id"])


@bp.route("/guidance/<path:citation>")
def guidance(citation: str) -> ResponseReturnValue:
    """The guidance behind a citation link: a vendored passage in full, or our summary."""
    if not is_valid_citation(citation):
        abort(404)
    cited = section(citation)
    source = SOURCES[cited.source]
    # Back to the exact question or page that linked here: its own ?back=, else the referrer.
    back = guidance_text.back_target(request.args.get("back") or request.referrer, request.host_url)
    back_label = guidance_text.back_label(back) if back else ""
    if not source.vendored:
        # Not ours to quote: our summary of the section, and where to read the original.
        return render_template(
            "learning/guidance_described.html",
            section=cited,
            source=source,
            citation=citation,
            back=back,
            back_label=back_label,
        )
    try:
        found = passage(citation)
    except (KeyError, ValueError):
        abort(404)
    return render_template(
        "learning/guidance.html",
        passage=found,
        source=source,
        citation=citation,
        heading=guidance_text.human_heading(cited.heading),
        blocks=guidance_text.reflow(found.text, cited.heading),
        back=back,
        back_label=back_label,
    )
