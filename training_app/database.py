"""Database wiring: SQLite pragmas for the embedded default; a cheaper ping on PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask
from psycopg import Error as PsycopgError
from psycopg import pq
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError

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
    elif uri.startswith("postgresql+psycopg"):
        # `_begin_as_ping` below checks each connection as it is taken from the pool.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options["pool_pre_ping"] = False
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


def _is_psycopg(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.startswith("psycopg")


@event.listens_for(Engine, "checkout")
def _begin_as_ping(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """Check a pooled PostgreSQL connection is alive by opening its transaction.

    SQLAlchemy's pool_pre_ping sends `SELECT 1`, before which psycopg sends `BEGIN`: two
    round trips before every request's first query. Sending the `BEGIN` ourselves proves
    the connection alive in one, and the request's first query then runs inside it (psycopg
    starts no second transaction). A dead connection (PostgreSQL restarted) raises
    DisconnectionError, on which the pool discards it and connects afresh.
    """
    if not _is_psycopg(dbapi_connection) or dbapi_connection.autocommit:
        return
    pgconn = dbapi_connection.pgconn
    if pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return
    try:
        result = pgconn.exec_(b"BEGIN")
    except PsycopgError as exc:
        raise DisconnectionError(str(exc)) from exc
    if result.status != pq.ExecStatus.COMMAND_OK:
        raise DisconnectionError(pgconn.get_error_message())


@event.listens_for(Engine, "set_connection_execution_options")
def _end_ping_before_isolation_change(conn: Connection, options: dict[str, Any]) -> None:
    """Roll back the ping's empty transaction before a connection switches to autocommit.

    psycopg cannot change isolation level inside a transaction; nothing has run in this one.
    """
    if "isolation_level" not in options or conn.in_transaction():
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection is not None and _is_psycopg(dbapi_connection):
        dbapi_connection.rollback()
