"""Previews: school and trust admins look through any staff module without taking it.

Nothing here writes: there is no attempt, answer or completion, so a preview can never count
as training. Answers are judged by the same engine under the school's own protocol and shown
with the same feedback a learner gets, so an admin sees exactly what their staff will meet.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from training_app.admin.protocols import school_protocol
from training_app.content.evaluate import AnswerError, evaluate
from training_app.content.graph import next_node_id
from training_app.content.model import END, Module, Node
from training_app.learning import catalogue, policy
from training_app.roles import AUDIENCE_LABELS
from training_app.rules import DEFAULT_PROTOCOL, LocalProtocol

bp = Blueprint("preview", __name__, url_prefix="/learn/preview")


def _previewer() -> None:
    if not policy.can_preview(current_user.role):
        abort(403)


def _module(module_id: str) -> Module:
    _previewer()
    module = catalogue.library().modules.get(module_id)
    if module is None or "pupil" in module.audiences:
        abort(404)
    return module


def _protocol() -> LocalProtocol:
    school_id = current_user.school_id
    return DEFAULT_PROTOCOL if school_id is None else school_protocol(school_id)


@bp.route("")
@login_required
def index() -> ResponseReturnValue:
    """Every staff module, each with who takes it and a link to look through it."""
    _previewer()
    return render_template(
        "learning/preview_index.html",
        modules=catalogue.staff_modules(),
        audience_labels=AUDIENCE_LABELS,
    )


@bp.route("/<module_id>")
@login_required
def module(module_id: str) -> ResponseReturnValue:
    """A module's outline: its outcomes, pages and the start of its quiz."""
    found = _module(module_id)
    return render_template("learning/preview_module.html", module=found)


@bp.route("/<module_id>/pages/<int:number>")
@login_required
def page(module_id: str, number: int) -> ResponseReturnValue:
    """One reading page, as a learner sees it."""
    found = _module(module_id)
    if not 1 <= number <= len(found.pages):
        abort(404)
    current = found.pages[number - 1]
    return render_template(
        "learning/preview_page.html",
        module=found,
        number=number,
        page=current,
        body=catalogue.render(current.body, _protocol()),
    )


@bp.route("/<module_id>/quiz/<node_id>")
@login_required
def question(module_id: str, node_id: str) -> ResponseReturnValue:
    """A quiz step; with ?choice=…, the feedback a learner would get (nothing is recorded)."""
    found = _module(module_id)
    if found.quiz is None or node_id not in found.quiz.nodes:
        abort(404)
    node = found.quiz.nodes[node_id]
    protocol = _protocol()
    chosen = tuple(request.args.getlist("choice"))
    evaluation = None
    if chosen and node.is_question:
        try:
            evaluation = evaluate(node, chosen, protocol)
        except AnswerError:
            chosen = ()  # a choice not on this question: show it unanswered
    following = _next(found, node, chosen) if (evaluation or not node.is_question) else None
    return render_template(
        "learning/preview_question.html",
        module=found,
        node=node,
        evaluation=evaluation,
        situation=catalogue.render(node.situation, protocol) if node.situation else "",
        render=lambda text: catalogue.render(text, protocol),
        next_url=following,
    )


def _next(module_: Module, node: Node, chosen: tuple[str, ...]) -> str:
    following = next_node_id(node, chosen) if node.is_question else (node.next or END)
    if following == END or module_.quiz is None or following not in module_.quiz.nodes:
        return url_for("preview.module", module_id=module_.id, finished=1)
    return url_for("preview.question", module_id=module_.id, node_id=following)
