"""What a learner's busiest requests cost in SQL statements (found with bench/load.py).

Counts, not times: on an INSET morning every member of staff reads the module's pages and
answers its quiz within the same hour, so a statement more or less per request matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask

from tests.conftest import csrf_from
from tests.helpers.learning import (
    MODULE,
    form_state,
    latest_attempt,
    module_quiz,
    right,
    start_module,
)
from training_app.content.graph import next_node_id
from training_app.content.model import END
from training_app.extensions import db
from training_app.learning.models import Completion


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listen(*args: object) -> None:
        seen.append(" ".join(str(args[2]).split()))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def _reads(seen: list[str], table: str) -> list[str]:
    # WITH: on PostgreSQL a reading page's one statement reads the attempt and advances it.
    return [
        s
        for s in seen
        if s.startswith(("SELECT", "WITH")) and re.search(rf"\b(FROM|JOIN) {table}\b", s)
    ]


def _writes(seen: list[str]) -> list[str]:
    return [s for s in seen if not s.startswith("SELECT")]


def _staff_attempt(app: Flask, login_as: Any, world: Any, **start: str) -> tuple[Any, Any]:
    """A signed-in member of staff and the attempt at the module they have just started."""
    client = login_as("staff")
    start_module(client, **start)
    return client, latest_attempt(app, world.users["staff"].id)


def _on_postgresql(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def _first_question(app: Flask, client: Any, attempt: Any) -> tuple[dict[str, Any], str]:
    """The quiz begun: the form answering its first node rightly, and the answer URL."""
    token = csrf_from(client, f"/learn/{MODULE}/attempts/{attempt.id}/pages/1")
    client.post(f"/learn/{MODULE}/attempts/{attempt.id}/quiz", data={"csrf_token": token})
    html = client.get(f"/learn/{MODULE}/attempts/{attempt.id}/quiz").get_data(as_text=True)
    node = module_quiz(app).nodes[re.search(r'name="node" value="([^"]+)"', html)[1]]
    form = {"csrf_token": token, "step": 1, "node": node.id, "choice": right(node)}
    return form, f"/learn/{MODULE}/attempts/{attempt.id}/answer"


# Budgets, in statements a request sends: on an INSET morning every member of staff reads
# the module's pages and answers its quiz within the same hour.


def test_a_page_read_again_costs_the_session_and_the_attempt_only(app, login_as, world):
    client, attempt = _staff_attempt(app, login_as, world)
    url = f"/learn/{MODULE}/attempts/{attempt.id}/pages/2"
    assert client.get(url).status_code == 200
    with statements(app) as seen:
        assert client.get(url).status_code == 200
    # No school for the navigation (staff never see reports) and no answers (a reading
    # page shows none): the signed-in session and the attempt, in one statement.
    assert not _reads(seen, "schools") and not _reads(seen, "answers"), seen
    assert len(_reads(seen, "attempts")) == 1 and len(_reads(seen, "users")) == 1, seen
    assert len(seen) == 1, seen


def test_a_new_page_is_recorded_without_loading_anything_again(app, login_as, world):
    client, attempt = _staff_attempt(app, login_as, world)
    with statements(app) as seen:
        assert client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/3").status_code == 200
    # Rendered before the commit: neither the attempt nor the user is loaded a second time.
    assert len(_reads(seen, "attempts")) == 1 and len(_reads(seen, "users")) == 1, seen
    assert len(_writes(seen)) == 1, seen
    # PostgreSQL's store reads the person and the attempt and records the page in one.
    assert len(seen) == (1 if _on_postgresql(app) else 2), seen
    assert latest_attempt(app, world.users["staff"].id).pages_seen == 3


def test_progress_skips_the_wait_for_the_disk_on_postgresql(app, login_as, world):
    client, attempt = _staff_attempt(app, login_as, world, skip_reading="y")
    with statements(app) as page:
        client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/1")
    form, url = _first_question(app, client, attempt)
    with statements(app) as answer:
        response = client.post(url, data=form)
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/steps/1")
    relaxed = [s for s in page + answer if "synchronous_commit" in s]
    # A page read and an answer that does not finish the quiz are where the learner has got
    # to: on PostgreSQL each statement turns the wait off for its own transaction, in the
    # same round trip. (The answer that finishes the quiz does not: see below.)
    assert len(relaxed) == (2 if _on_postgresql(app) else 0), relaxed
    # The redirect after an answer is built without loading the committed attempt again,
    # and recording one answer is one claim of the step and one insert (on PostgreSQL one
    # statement): no lock-and-reread of the attempt, no reading of the answers given so far.
    assert len(_reads(answer, "attempts")) == 1, answer  # its owner check
    assert not _reads(answer, "answers"), answer
    assert len(_writes(answer)) == (1 if _on_postgresql(app) else 2), answer


def test_a_replayed_answer_writes_nothing_and_reads_three_rows(app, login_as, world):
    client, attempt = _staff_attempt(app, login_as, world, skip_reading="y")
    form, url = _first_question(app, client, attempt)
    assert client.post(url, data=form).status_code == 302
    with statements(app) as replay:
        response = client.post(url, data=form)  # a double click, or the back button
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/steps/1")
    # The attempt had moved on when the replay read it: no claim that could only fail (and
    # no transaction opened to roll it back), just the person with the attempt, and the answer.
    assert all(s.startswith("SELECT") for s in replay), replay
    assert len(replay) == 2, replay
    assert len(_reads(replay, "answers")) == 1 and len(_reads(replay, "attempts")) == 1, replay


def test_the_answer_that_finishes_the_quiz_is_committed_durably(app, login_as, world):
    client, attempt = _staff_attempt(app, login_as, world)
    quiz_url = f"/learn/{MODULE}/attempts/{attempt.id}/quiz"
    token = csrf_from(client, f"/learn/{MODULE}/attempts/{attempt.id}/pages/1")
    client.post(quiz_url, data={"csrf_token": token, "skip_reading": "y"})
    quiz = module_quiz(app)
    for _ in range(50):
        step, node_id, token = form_state(client.get(quiz_url).get_data(as_text=True))
        node = quiz.nodes[node_id]
        choice = right(node) if node.is_question else []
        data = {"csrf_token": token, "step": step, "node": node_id, "choice": choice}
        last = next_node_id(node, tuple(choice)) == END
        with statements(app) as answering:
            response = client.post(f"/learn/{MODULE}/attempts/{attempt.id}/answer", data=data)
        assert response.status_code == 302
        if last:
            break
    else:
        raise AssertionError("quiz never ended")
    # The last answer, the attempt's close and its completion are evidence: one transaction,
    # committed waiting for the disk, which also makes every answer before it durable
    # (PostgreSQL writes its log in order).
    assert not any("synchronous_commit" in s for s in answering), answering
    assert len(_writes(answering)) == (3 if _on_postgresql(app) else 4), answering
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Completion.id))) == 1


def test_a_session_no_longer_live_neither_reads_nor_moves_an_attempt(app, login_as, world):
    # The attempt is read (and on PostgreSQL advanced) by the statement that checks the
    # session: the advance must be conditional on that check, not only the page.
    from training_app.auth.services import revoke_all_sessions

    client = login_as("staff")
    start_module(client)
    staff_id = world.users["staff"].id
    attempt = latest_attempt(app, staff_id)
    assert client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/1").status_code == 200
    with app.app_context():
        revoke_all_sessions(staff_id)  # signed out on another device, say
        db.session.commit()
    for path in ("pages/3", "quiz", "steps/1", "result"):
        response = client.get(f"/learn/{MODULE}/attempts/{attempt.id}/{path}")
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert latest_attempt(app, staff_id).pages_seen == 1


def test_a_page_the_module_has_not_reads_only_the_person(app, login_as, world):
    client, attempt = _staff_attempt(app, login_as, world)
    with statements(app) as seen:
        assert client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/99").status_code == 404
    assert len(seen) == 1 and not _reads(seen, "attempts"), seen
    assert latest_attempt(app, world.users["staff"].id).pages_seen == attempt.pages_seen
