"""A gunicorn worker killed in the middle of an answer leaves no partial record,
and the learner's retry succeeds (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
import sqlalchemy as sa

from tests.conftest import BACKENDS, empty_postgres_database, worker_database
from tests.faults.live import Client, Server, app_env, prepare_database
from training_app.config import PROJECT_ROOT
from training_app.content.evaluate import correct_choice_ids
from training_app.content.loader import load_library
from training_app.rules import DEFAULT_PROTOCOL

MODULE = "first-responder"
QUIZ = load_library(PROJECT_ROOT / "scenarios", PROJECT_ROOT / "quizzes").module(MODULE).quiz
NODE_RE = re.compile(r'name="node" value="([^"]+)"')
STEP_RE = re.compile(r'name="step" value="(\d+)"')
ATTEMPT_RE = re.compile(r"/attempts/(\d+)/")


def _answer_for(html: str) -> dict[str, object]:
    node = QUIZ.nodes[NODE_RE.search(html)[1]]
    key = list(correct_choice_ids(node, DEFAULT_PROTOCOL))
    return {
        "step": STEP_RE.search(html)[1],
        "node": node.id,
        "choice": key if node.select == "many" else key[:1],
    }


def _is_last(answer: dict[str, object]) -> bool:
    node = QUIZ.nodes[str(answer["node"])]
    chosen = node.choice(list(answer["choice"])[0]).next  # type: ignore[arg-type]
    return (chosen or node.next) == "end"


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path) -> Iterator[tuple[str, str]]:
    """(backend, URL) of a migrated, demo-seeded database of its own."""
    if request.param == "sqlite":
        yield "sqlite", f"sqlite:///{tmp_path / 'faults.sqlite3'}"
        return
    url = worker_database("faults")
    empty_postgres_database(url)
    yield "postgresql", url


@contextmanager
def _writes_blocked(backend: str, url: str, attempt_id: int) -> Iterator[Callable[[], None]]:
    """Hold a lock that makes the app's next write to this attempt wait."""
    if backend == "sqlite":
        conn = sqlite3.connect(sa.make_url(url).database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # the app's INSERT now waits on the busy timeout
        yield conn.rollback
        conn.close()
        return
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT id FROM attempts WHERE id = %s FOR UPDATE", (attempt_id,))
        yield conn.rollback


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    engine.dispose()
    return int(value)


def test_killed_worker_leaves_no_partial_record_and_retry_succeeds(database):
    backend, url = database
    env = app_env(url)
    prepare_database(env)
    server = Server(env).start()
    try:
        client = Client(server.url)
        client.sign_in("staff@northfield.demo")
        client.get(f"/learn/{MODULE}")
        _, page_url, _ = client.post(f"/learn/{MODULE}/start", {})
        attempt_id = int(ATTEMPT_RE.search(page_url)[1])
        pages = len(
            load_library(PROJECT_ROOT / "scenarios", PROJECT_ROOT / "quizzes").module(MODULE).pages
        )
        client.get(f"/learn/{MODULE}/attempts/{attempt_id}/pages/{pages}")
        _, _, html = client.post(f"/learn/{MODULE}/attempts/{attempt_id}/quiz", {})
        answer_url = f"/learn/{MODULE}/attempts/{attempt_id}/answer"
        while not _is_last(answer := _answer_for(html)):
            client.post(answer_url, answer)
            _, _, html = client.get(f"/learn/{MODULE}/attempts/{attempt_id}/quiz")
        answers_before = _count(url, "answers")
        token = client.token()

        outcome: list[object] = []
        with _writes_blocked(backend, url, attempt_id) as release:
            sender = threading.Thread(
                target=lambda: outcome.append(_safe_post(client, answer_url, answer, token))
            )
            sender.start()
            time.sleep(1.5)  # the worker is now inside the submission, waiting on the lock
            for pid in server.worker_pids():
                os.kill(pid, signal.SIGKILL)
            sender.join(timeout=30)
            release()
        assert outcome and isinstance(outcome[0], OSError), (
            f"expected a dropped connection, got {outcome}"
        )
        assert _count(url, "answers") == answers_before
        assert _count(url, "completions") == 0

        server.wait_healthy()  # gunicorn's master has started a new worker
        client.last_html = f'<input name="csrf_token" value="{token}">'
        status, final_url, body = client.post(answer_url, answer)
        assert status == 200 and "/steps/" in final_url, body[:300]
        assert _count(url, "completions") == 1
        assert _count(url, "answers") == answers_before + 1
    finally:
        server.stop()


def _safe_post(client: Client, path: str, answer: dict[str, object], token: str) -> object:
    client.last_html = f'<input name="csrf_token" value="{token}">'
    try:
        return client.post(path, answer, timeout=60)[0]
    except OSError as error:  # connection reset by the killed worker
        return error
