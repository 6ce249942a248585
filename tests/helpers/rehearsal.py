"""A mock-incident rehearsal driven through the test client."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_from
from training_app.extensions import db
from training_app.rehearsal import scoring, services
from training_app.rehearsal.models import Rehearsal
from training_app.rehearsal.questions import QUESTION_IDS
from training_app.rehearsal.steps import STEP_KEYS

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def start(client, difficulty="foundation", seed=""):
    """Start a rehearsal alone through the form; returns the POST response."""
    token = csrf_from(client, "/rehearse/")
    return client.post(
        "/rehearse/start",
        data={"csrf_token": token, "solo-difficulty": difficulty, "solo-seed": seed},
    )


def latest(app, user_id):
    """The user's newest rehearsal (detached from the session)."""
    with app.app_context():
        found = db.session.scalar(
            select(Rehearsal).where(Rehearsal.user_id == user_id).order_by(Rehearsal.id.desc())
        )
        assert found is not None
        db.session.expunge(found)
        return found


def token_on(client, url):
    """The CSRF token on the page at `url`."""
    return TOKEN.search(client.get(url).get_data(as_text=True))[1]


def ask(client, rid, question_id):
    """Ask a question at the review meeting."""
    token = token_on(client, f"/rehearse/{rid}")
    return client.post(f"/rehearse/{rid}/ask", data={"csrf_token": token, "question": question_id})


def submit(client, rid, step, answer):
    """Submit one step's answer; returns the POST response."""
    token = token_on(client, f"/rehearse/{rid}")
    return client.post(f"/rehearse/{rid}/steps/{step}", data={"csrf_token": token, **answer})


def right(app, rid, step):
    """The right answer to a step of this rehearsal's case."""
    with app.app_context():
        rehearsal = db.session.get(Rehearsal, rid)
        return scoring.right_answer(step, services.case_of(rehearsal))


def answered(app, rid):
    """The steps answered so far."""
    with app.app_context():
        return {a.step for a in db.session.get(Rehearsal, rid).answers}


def finish(app, client, rid, *, questions=QUESTION_IDS, wrong=()):
    """Answer every step still to do (rightly unless in `wrong`), asking `questions` at the
    review meeting."""
    done = answered(app, rid)
    for step in STEP_KEYS:
        if step in done:
            continue
        if step == "review":
            for question_id in questions:
                assert ask(client, rid, question_id).status_code == 302
            assert submit(client, rid, "review", {}).status_code == 302
            continue
        answer = right(app, rid, step)
        if step in wrong:
            answer = wrong_answer(step, answer)
        response = submit(client, rid, step, answer)
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        assert response.headers["Location"].endswith(f"/rehearse/{rid}/steps/{step}")


def wrong_answer(step, answer):
    """A wrong answer to the referral or parents step, given the right one."""
    if step == "referral":
        flipped = "no" if answer["refer"] == ["yes"] else "yes"
        criteria = ["none"] if flipped == "no" else ["adult_involved"]
        return {"refer": flipped, "criteria": criteria}
    if step == "parents":
        return {"parents": "withhold", "why": "pupil_asked"}
    raise AssertionError(f"no wrong answer written for {step}")
