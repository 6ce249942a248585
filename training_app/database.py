"""Database wiring: SQLite pragmas for the embedded default; a cheaper ping on PostgreSQL."""

from __future__ import annotations

import select
import time
from typing import Any, TypeVar

from flask import Flask, current_app, request
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
        # `_check_alive` below checks each connection as it is taken from the pool.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
        app.before_request(_marked_views_without_transaction)
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


# A connection back in the pool sooner than this is trusted without a round trip unless
# the server has said something on it (see _check_alive).
QUIET_SECONDS = 5.0


@event.listens_for(Engine, "connect")
def _note_connected(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["returned_at"] = time.monotonic()


@event.listens_for(Engine, "checkin")
def _note_returned(dbapi_connection: Any, connection_record: Any) -> None:
    if connection_record is not None:
        connection_record.info["returned_at"] = time.monotonic()


@event.listens_for(Engine, "checkout")
def _check_alive(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """Check a pooled PostgreSQL connection is alive, without a round trip when it can.

    SQLAlchemy's pool_pre_ping sends a query on every checkout: a round trip before every
    request's first query, a tenth of a reading page's database time. An idle connection
    owes the server nothing, so if anything has arrived on its socket the server has spoken
    first, and on a restart it does: it sends "terminating connection" and closes it. Such
    a connection, or one pooled long enough for a network to have dropped it silently, gets
    a real ping (an empty query); a dead one raises DisconnectionError, on which the pool
    discards it and connects afresh.
    """
    if not _is_psycopg(dbapi_connection):
        return
    pgconn = dbapi_connection.pgconn
    if pgconn.status != pq.ConnStatus.OK:
        raise DisconnectionError("the connection is closed")
    pooled_for = time.monotonic() - connection_record.info.get("returned_at", 0.0)
    if pooled_for < QUIET_SECONDS and not _has_something_to_read(pgconn.socket):
        return
    try:
        result = pgconn.exec_(b"")
    except PsycopgError as exc:
        raise DisconnectionError(str(exc)) from exc
    if result.status != pq.ExecStatus.EMPTY_QUERY:
        raise DisconnectionError(pgconn.get_error_message())


def _has_something_to_read(socket_fd: int) -> bool:
    # poll, not select: select() refuses descriptors above 1023, which a worker with many
    # open files can reach.
    poller = select.poll()
    poller.register(socket_fd, select.POLLIN)
    return bool(poller.poll(0))


View = TypeVar("View")
_MARK = "runs_statement_at_a_time"


def statement_at_a_time(view: View) -> View:
    """Mark a view whose statements each commit by themselves on PostgreSQL.

    For the learner's busiest requests, which read a few rows and write at most one
    statement: without a transaction they save the BEGIN and the COMMIT (or ROLLBACK), two
    of a reading page's five round trips. PostgreSQL's default isolation (read committed)
    gives each statement its own snapshot inside a transaction too, so reads see the same.
    A service there that writes more than one statement calls `begin_atomic` first.
    SQLite, in-process, has no round trips to save and keeps its transactions.
    """
    setattr(view, _MARK, True)
    return view


def _marked_views_without_transaction() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, _MARK, False):
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def begin_atomic(conn: Connection) -> None:
    """Open a transaction on a connection a marked view runs statement at a time.

    The statements that follow commit or roll back together with the session. On a
    connection already transactional (SQLite, unmarked views) this does nothing.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if (
        dbapi_connection is not None
        and _is_psycopg(dbapi_connection)
        and dbapi_connection.autocommit
        and dbapi_connection.pgconn.transaction_status == pq.TransactionStatus.IDLE
    ):
        conn.exec_driver_sql("BEGIN")
