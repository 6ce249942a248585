"""A class lesson driven through the test client: the teacher's presenter and pupils' devices."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from tests.conftest import csrf_from, post_form
from tests.lessons.sample import MODULE, write_sample_library
from training_app.extensions import db
from training_app.lessons.models import LessonSession
from training_app.models_common import utcnow

# Step positions in the sample lesson.
FIRST_QUESTION, STORY, SECOND_QUESTION, CLOSE = 3, 4, 5, 6


def serve_sample(app, tmp_path):
    """Point the app at the sample pupil lesson (the library loads on first use)."""
    scenarios, quizzes = write_sample_library(tmp_path / "content")
    app.config.update(SCENARIOS_DIR=str(scenarios), QUIZZES_DIR=str(quizzes))
    return app


def start(client, class_label="9B", lesson=MODULE):
    """Start a session through the form; returns (session id, join code)."""
    response = post_form(client, "/lessons", {"lesson": lesson, "class_label": class_label})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/lessons/{session_id}").get_data(as_text=True)
    code = re.search(r'class="join-code">.*?</span>([A-Z0-9-]{9})<', page)[1].replace("-", "")
    return session_id, code


def position_of(client, session_id):
    """The step the class is on, as the presenter view shows it."""
    page = client.get(f"/lessons/{session_id}").get_data(as_text=True)
    return int(re.search(r'name="position" value="(\d+)"', page)[1])


def control(client, session_id, action, position=None):
    """Press a presenter button as seen at `position` (default: where the class is)."""
    position = position_of(client, session_id) if position is None else position
    token = csrf_from(client, f"/lessons/{session_id}")
    return client.post(
        f"/lessons/{session_id}/control",
        data={"csrf_token": token, "position": position, "action": action},
    )


def go_to(client, session_id, target):
    """Press "next" until the class is at step `target`."""
    for _ in range(20):
        if position_of(client, session_id) == target:
            return
        control(client, session_id, "next")
    raise AssertionError("never reached the step")


def end(client, session_id):
    """End the session through its form; returns the POST response."""
    token = csrf_from(client, f"/lessons/{session_id}")
    return client.post(f"/lessons/{session_id}/end", data={"csrf_token": token})


def join(app, code, **headers):
    """A new pupil device that has joined the session; returns its client."""
    pupil = app.test_client()
    assert pupil.get(f"/j/{code}").status_code == 200
    response = pupil.post(f"/j/{code}/join", headers=headers)
    assert response.status_code == 303, response.status_code
    return pupil


FORM_RE = re.compile(
    r'name="node" value="([^"]+)">\s*<input type="hidden" name="token" value="(\w+)"'
)


def answer(pupil, code, *choices, node=None):
    """Answer the question on the pupil's screen; returns the POST response."""
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    found = FORM_RE.search(page)
    assert found, page[:2000]
    data = {"node": node or found[1], "token": found[2], "choice": list(choices)}
    return pupil.post(f"/j/{code}/answer", data=data)


def session_row(app, session_id):
    """The LessonSession row (detached from the session)."""
    with app.app_context():
        row = db.session.get(LessonSession, session_id)
        db.session.expunge(row)
        return row


def count(app, model, **where):
    """How many rows of `model` match the column values in `where`."""
    with app.app_context():
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def expire(app, session_id):
    """Make the session expire a minute ago."""
    with app.app_context():
        db.session.execute(
            update(LessonSession)
            .where(LessonSession.id == session_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
