"""The learner's journey through a module, driven through the test client."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_from
from training_app.content.evaluate import correct_choice_ids
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.learning.models import Attempt
from training_app.rules import LocalProtocol

MODULE = "first-responder"


def module_quiz(app):
    """The quiz of MODULE."""
    with app.app_context():
        return library().module(MODULE).quiz


def start_module(client, **extra):
    """Start (or resume) MODULE through its form; returns the POST response."""
    token = csrf_from(client, f"/learn/{MODULE}")
    return client.post(f"/learn/{MODULE}/start", data={"csrf_token": token, **extra})


def latest_attempt(app, user_id):
    """The user's newest attempt."""
    with app.app_context():
        return db.session.scalar(
            select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.id.desc())
        )


def form_state(html):
    """(step, node id, CSRF token) of the quiz form on a page."""
    step = re.search(r'name="step" value="(\d+)"', html)
    node = re.search(r'name="node" value="([^"]+)"', html)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return int(step[1]), node[1], token[1]


def answer_all(app, client, attempt_id, choose):
    """Answer every question until the result; `choose(node)` returns the choice ids."""
    quiz = module_quiz(app)
    quiz_url = f"/learn/{MODULE}/attempts/{attempt_id}/quiz"
    for _ in range(50):
        response = client.get(quiz_url)
        if response.status_code == 302:
            return response.headers["Location"]
        step, node_id, token = form_state(response.get_data(as_text=True))
        node = quiz.nodes[node_id]
        data = {"csrf_token": token, "step": step, "node": node_id}
        if node.is_question:
            data["choice"] = list(choose(node))
        response = client.post(f"/learn/{MODULE}/attempts/{attempt_id}/answer", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    raise AssertionError("quiz never ended")


def right(node):
    """The right choice ids of a question under the default protocol (one if single-choice)."""
    return list(correct_choice_ids(node, LocalProtocol()))[: None if node.select == "many" else 1]


def read_to_quiz(client, attempt_id, pages):
    """Read every page of the attempt, then begin its quiz; returns the POST response."""
    for number in range(1, pages + 1):
        assert (
            client.get(f"/learn/{MODULE}/attempts/{attempt_id}/pages/{number}").status_code == 200
        )
    token = csrf_from(client, f"/learn/{MODULE}/attempts/{attempt_id}/pages/{pages}")
    return client.post(f"/learn/{MODULE}/attempts/{attempt_id}/quiz", data={"csrf_token": token})


def finish_module(app, login_as, world):
    """Staff member `staff` passes MODULE from the start; returns (attempt, module)."""
    client = login_as("staff")
    assert start_module(client).status_code == 302
    attempt = latest_attempt(app, world.users["staff"].id)
    with app.app_context():
        module = library().module(MODULE)
    read_to_quiz(client, attempt.id, len(module.pages))
    assert answer_all(app, client, attempt.id, right).endswith("/result")
    return attempt, module
