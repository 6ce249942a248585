"""Fixtures for the xAPI tests: a real LRS, and a trust that sends to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.factories import World
from tests.xapi.lrs import KEY, SECRET, Lrs, ensure_venv
from training_app.extensions import db
from training_app.mfa.sealing import seal
from training_app.xapi.models import LrsSettings
from training_app.xapi.record import forget_settings


@pytest.fixture(scope="session")
def lrs_python() -> Path:
    """Ralph's virtualenv (installed on first use)."""
    return ensure_venv()


@pytest.fixture
def lrs(lrs_python: Path, tmp_path: Path) -> Iterator[Lrs]:
    """A fresh, running LRS; stopped after the test."""
    directory = tmp_path / "lrs"
    directory.mkdir()
    server = Lrs(lrs_python, directory)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sending(app: Flask, world: World) -> Callable[[Lrs], None]:
    """Point trust A at an LRS and turn sending on (as the settings page does)."""

    def point_at(server: Lrs, actor_format: str = "mbox_sha1sum") -> None:
        # A freshly started Ralph can take many seconds over its first request on a loaded CI
        # machine; a client timeout there would leave statements the LRS did store unmarked.
        app.config["XAPI_TIMEOUT_SECONDS"] = 60.0
        with app.app_context():
            db.session.add(
                LrsSettings(
                    trust_id=world.a1.trust_id,
                    enabled=True,
                    endpoint=server.endpoint,
                    key=KEY,
                    secret_sealed=seal(SECRET, app.config["SECRET_KEY"]),
                    actor_format=actor_format,
                )
            )
            db.session.commit()
            forget_settings()

    return point_at
