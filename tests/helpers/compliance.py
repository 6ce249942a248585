"""Compliance: records, policies, people, the staff import and reminders, and counting queries."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event

from tests.conftest import csrf_from
from training_app.auth.models import User
from training_app.compliance.policy import TrainingPolicy, policy_to_dict
from training_app.compliance.policy_versions import PolicyVersion
from training_app.extensions import db
from training_app.learning.models import Completion


def add_completion(
    app: Flask,
    user: Any,
    module_id: str = "first-responder",
    *,
    days_ago: int = 10,
    score: int | None = 90,
    source: str = "quiz",
) -> Completion:
    """Add a completion made `days_ago` days ago (as the quiz or an import would)."""
    with app.app_context():
        when = datetime.now(UTC) - timedelta(days=days_ago)
        record = Completion(
            user_id=user.id,
            school_id=user.school_id,
            module_id=module_id,
            content_version="test",
            score=score,
            completed_at=when,
            expires_at=when + timedelta(days=365),
            source=source,
        )
        db.session.add(record)
        db.session.commit()
        db.session.refresh(record)
        db.session.expunge(record)
        return record


def set_policy(app: Flask, school_id: int, policy: TrainingPolicy, *, days_ago: int = 0) -> None:
    """Store a policy version that took effect `days_ago` days ago."""
    with app.app_context():
        db.session.add(
            PolicyVersion(
                school_id=school_id,
                settings=policy_to_dict(policy),
                created_at=datetime.now(UTC) - timedelta(days=days_ago),
            )
        )
        db.session.commit()


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement the app runs inside the block."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def pdf_text(data: bytes) -> str:
    """The text drawing operators of a PDF (fpdf2 deflates page streams), without a PDF library."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    return "\n".join(chunks)


HEADER = "Name,Email,Role,Staff group,Start date\n"


def upload(client: FlaskClient, school_id: int, text: str, filename: str = "staff.csv") -> Any:
    """Upload a staff CSV to the import form; returns the POST response."""
    url = f"/schools/{school_id}/people/import"
    token = csrf_from(client, url)
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode()), filename)}
    return client.post(url, data=data, content_type="multipart/form-data")


def preview_url(response: Any) -> str:
    """Where an upload redirected to: its preview."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return str(response.headers["Location"])


def commit(client: FlaskClient, preview: str, **extra: Any) -> Any:
    """Commit a previewed import; returns the POST response."""
    token = csrf_from(client, preview)
    return client.post(preview + "/commit", data={"csrf_token": token, **extra})


def remind(runner: FlaskCliRunner, *extra: str) -> str:
    """Run `flask compliance remind` once; returns its output."""
    result = runner.invoke(args=["compliance", "remind", *extra])
    assert result.exit_code == 0, result.output
    return str(result.output)


def add_people(app, school, n, *, prefix="Bulk", group="support", start=None):
    """Add people without passwords (as an import does), quickly."""
    with app.app_context():
        for i in range(n):
            db.session.add(
                User(
                    school_id=school.id,
                    name=f"{prefix} {i:03d}",
                    email=f"{prefix.lower()}{i}@{school.id}.example",
                    role="staff",
                    staff_group=group,
                    start_date=start,
                )
            )
        db.session.commit()
