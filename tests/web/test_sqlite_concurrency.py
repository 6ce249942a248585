"""The embedded SQLite default under real concurrency: gunicorn with 2 workers x 4 threads and
16 people at once signing in, working through a module's pages and quiz, and starting and
ending class lessons. No request fails, and "database is locked" never reaches the log,
because every connection is in WAL mode with a long busy timeout (training_app/database.py).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import make_app
from tests.faults.live import Client, Server, app_env
from training_app.admin.models import School, Trust
from training_app.auth.models import User
from training_app.auth.services import set_password
from training_app.content.evaluate import correct_choice_ids
from training_app.content.model import Quiz
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.rules import DEFAULT_PROTOCOL

PEOPLE = 16
PASSWORD = "concurrent writers 2026"
MODULE = "first-responder"
LESSON = "pshe-11-14"
NODE_RE = re.compile(r'name="node" value="([^"]+)"')
STEP_RE = re.compile(r'name="step" value="(\d+)"')
ATTEMPT_RE = re.compile(r"/attempts/(\d+)/")
LESSON_RE = re.compile(r"/lessons/(\d+)$")


def _prepare(url: str) -> dict[str, object]:
    """Create the schema and the staff who will write at once; return the app's pragmas."""
    app = make_app(url)
    with app.app_context():
        db.create_all()
        school = School(name="Concurrent Primary", trust=Trust(name="Concurrent Trust"))
        db.session.add(school)
        db.session.flush()
        first = User(
            school_id=school.id,
            name="W 0",
            email="w0@c.example",
            role="staff",
            staff_group="support",
        )
        set_password(first, PASSWORD)  # one Argon2 hash, copied: the test is about writes
        db.session.add(first)
        for n in range(1, PEOPLE):
            db.session.add(
                User(
                    school_id=school.id,
                    name=f"W {n}",
                    email=f"w{n}@c.example",
                    role="staff",
                    staff_group="teaching",
                    password_hash=first.password_hash,
                )
            )
        db.session.commit()
        pragmas = {
            name: db.session.execute(sa.text(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
        }
        module = library().module(MODULE)
        db.engine.dispose()
    return {"pragmas": pragmas, "pages": len(module.pages), "quiz": module.quiz}


def _answer(html: str, quiz: Quiz) -> dict[str, object]:
    node = quiz.nodes[NODE_RE.search(html)[1]]
    data: dict[str, object] = {"step": STEP_RE.search(html)[1], "node": node.id}
    if node.is_question:
        key = list(correct_choice_ids(node, DEFAULT_PROTOCOL))
        data["choice"] = key if node.select == "many" else key[:1]
    return data


def _work(server: Server, n: int, pages: int, quiz: Quiz, failures: list[str]) -> None:
    """One person: sign in, read the module, answer the whole quiz, run a short lesson."""
    client = Client(server.url)

    def expect(result: tuple[int, str, str], what: str) -> tuple[int, str, str]:
        if result[0] != 200:
            failures.append(f"person {n}: {what} -> {result[0]} at {result[1]}")
        return result

    try:
        client.sign_in(f"w{n}@c.example", PASSWORD)
        expect(client.get(f"/learn/{MODULE}"), "overview")
        _, url, _ = expect(client.post(f"/learn/{MODULE}/start", {}), "start")
        attempt = int(ATTEMPT_RE.search(url)[1])
        base = f"/learn/{MODULE}/attempts/{attempt}"
        for number in range(1, pages + 1):
            expect(client.get(f"{base}/pages/{number}"), f"page {number}")
        _, url, html = expect(client.post(f"{base}/quiz", {}), "begin quiz")
        for _ in range(60):
            if "/result" in url:
                break
            _, url, html = expect(client.post(f"{base}/answer", _answer(html, quiz)), "answer")
            if "/steps/" in url:
                _, url, html = expect(client.get(f"{base}/quiz"), "next question")
        else:
            failures.append(f"person {n}: the quiz never ended")
        expect(client.get("/lessons"), "lessons")
        _, url, _ = expect(
            client.post("/lessons", {"lesson": LESSON, "class_label": f"9W{n}"}), "start lesson"
        )
        session = LESSON_RE.search(url)
        if session is None:
            failures.append(f"person {n}: no lesson started ({url})")
            return
        expect(client.post(f"/lessons/{session[1]}/end", {}), "end lesson")
    except Exception as error:  # a dropped connection, a missing form: all are failures
        failures.append(f"person {n}: {type(error).__name__}: {error}")


def test_sixteen_concurrent_writers_on_sqlite(tmp_path: Path):
    path = tmp_path / "concurrent.sqlite3"
    url = f"sqlite:///{path}"
    prepared = _prepare(url)
    pragmas = prepared["pragmas"]
    # The app's own connections: WAL, a busy timeout of at least 5 s, foreign keys enforced.
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["busy_timeout"] >= 5000
    assert pragmas["foreign_keys"] == 1
    assert pragmas["synchronous"] == 1  # NORMAL: safe with WAL, and far fewer fsyncs

    server = Server(app_env(url), workers=2).start()
    failures: list[str] = []
    try:
        threads = [
            threading.Thread(
                target=_work, args=(server, n, prepared["pages"], prepared["quiz"], failures)
            )
            for n in range(PEOPLE)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a client hung"
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")
    assert failures == [], "\n".join(failures[:20]) + "\n" + log[-3000:]
    assert "database is locked" not in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]

    # Everything written is there: a passed attempt and a completion each, and every lesson.
    check = sqlite3.connect(path)
    try:
        # WAL is a property of the file: a connection without the app's pragmas sees it too.
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        counts = {
            table: check.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("attempts", "completions", "lesson_sessions", "auth_sessions")
        }
        passed = check.execute("SELECT count(*) FROM attempts WHERE status = 'passed'").fetchone()
    finally:
        check.close()
    assert counts == {
        "attempts": PEOPLE,
        "completions": PEOPLE,
        "lesson_sessions": PEOPLE,
        "auth_sessions": PEOPLE,
    }
    assert passed[0] == PEOPLE
