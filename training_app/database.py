"""Database wiring: SQLite pragmas for the embedded default."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from training_app.extensions import db


def init_app(app: Flask) -> None:
    """Bind Flask-SQLAlchemy and make SQLite behave under concurrent writers."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # The pool pre-ping matters for PostgreSQL restarts; a SQLite file cannot drop the
        # connection, so there it would be one wasted statement per request. SQLite needs a
        # busy timeout instead.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options["pool_pre_ping"] = False
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL lets readers carry on while one writer commits; not for in-memory databases.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
