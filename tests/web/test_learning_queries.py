"""What a learner's busiest requests cost in SQL statements (found with bench/load.py).

Counts, not times: on an INSET morning every member of staff reads the module's pages and
answers its quiz within the same hour, so a statement more or less per request matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask

from tests.conftest import csrf_from
from tests.web.test_learning import MODULE, _attempt, _quiz, _start, right
from training_app.extensions import db


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
    return [s for s in seen if s.startswith("SELECT") and re.search(rf"\bFROM {table}\b", s)]


def test_a_page_read_again_costs_the_session_and_the_attempt_only(app, login_as, world):
    client = login_as("staff")
    _start(client)
    attempt = _attempt(app, world.users["staff"].id)
    url = f"/learn/{MODULE}/attempts/{attempt.id}/pages/2"
    assert client.get(url).status_code == 200
    with statements(app) as seen:
        assert client.get(url).status_code == 200
    # No school for the navigation (staff never see reports) and no answers (a reading
    # page shows none): the signed-in session and the attempt.
    assert not _reads(seen, "schools") and not _reads(seen, "answers"), seen
    assert len(_reads(seen, "attempts")) == 1 and len(seen) == 2, seen


def test_a_new_page_is_recorded_without_loading_anything_again(app, login_as, world):
    client = login_as("staff")
    _start(client)
    attempt = _attempt(app, world.users["staff"].id)
    with statements(app) as seen:
        assert client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/3").status_code == 200
    # Rendered before the commit: neither the attempt nor the user is loaded a second time.
    assert len(_reads(seen, "attempts")) == 1 and not _reads(seen, "users WHERE"), seen
    writes = [s for s in seen if not s.startswith("SELECT")]
    assert len(writes) == 1 and "UPDATE attempts SET pages_seen" in writes[0], seen
    assert _attempt(app, world.users["staff"].id).pages_seen == 3


def test_page_progress_alone_skips_the_wait_for_the_disk_on_postgresql(app, login_as, world):
    client = login_as("staff")
    _start(client, skip_reading="y")
    attempt = _attempt(app, world.users["staff"].id)
    with statements(app) as page:
        client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/1")
    token = csrf_from(client, f"/learn/{MODULE}/attempts/{attempt.id}/pages/1")
    client.post(f"/learn/{MODULE}/attempts/{attempt.id}/quiz", data={"csrf_token": token})
    html = client.get(f"/learn/{MODULE}/attempts/{attempt.id}/quiz").get_data(as_text=True)
    node = _quiz(app).nodes[re.search(r'name="node" value="([^"]+)"', html)[1]]
    with statements(app) as answer:
        response = client.post(
            f"/learn/{MODULE}/attempts/{attempt.id}/answer",
            data={"csrf_token": token, "step": 1, "node": node.id, "choice": right(node)},
        )
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/steps/1")
    relaxed = [s for s in page + answer if "synchronous_commit" in s]
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    # Answers (and the completions they earn) are evidence: always committed durably. On
    # PostgreSQL the page's UPDATE turns the wait off for its own transaction, in the same
    # statement (one round trip).
    if postgres:
        assert len(relaxed) == 1 and relaxed[0].startswith("UPDATE attempts SET pages_seen")
        assert "set_config" in relaxed[0], relaxed
    else:
        assert relaxed == []
    # The redirect after an answer is built without loading the committed attempt again,
    # and recording one answer is one claim of the step and one insert: no lock-and-reread
    # of the attempt, no reading of the answers given so far.
    assert len(_reads(answer, "attempts")) == 1, answer  # its owner check
    assert not _reads(answer, "answers"), answer
    writes = [" ".join(s.split()[:3]) for s in answer if not s.startswith("SELECT")]
    if postgres:  # both in one statement: the INSERT takes its row from the claim
        assert writes == ["WITH claimed AS"], answer
        assert "UPDATE attempts SET" in answer[-1] and "INSERT INTO answers" in answer[-1]
    else:
        assert writes == ["UPDATE attempts SET", "INSERT INTO answers"], answer
