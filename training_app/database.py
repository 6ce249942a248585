"""Database wiring: SQLite pragmas, a cheaper bounded ping on PostgreSQL, time limits on both."""

from __future__ import annotations

import select
import sqlite3
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Flask
from psycopg import Error as PsycopgError
from psycopg import OperationalError as PsycopgOperationalError
from psycopg import pq
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError

from training_app.extensions import db


def init_app(app: Flask) -> None:
    """Bind Flask-SQLAlchemy with the time limits of config.py on either database."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if uri.startswith("sqlite"):
        # The pool pre-ping matters for PostgreSQL restarts; a SQLite file cannot drop the
        # connection, so there it would be one wasted statement per request. SQLite needs a
        # busy timeout instead (sqlite3's `timeout`): how long a writer waits for another.
        options["pool_pre_ping"] = False
        options.setdefault("connect_args", {"timeout": app.config["DATABASE_BUSY_TIMEOUT_SECONDS"]})
    elif uri.startswith("postgresql+psycopg"):
        # `_check_alive` below checks each connection as it is taken from the pool.
        options["pool_pre_ping"] = False
        options.setdefault("connect_args", postgresql_connect_args(app.config))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    if uri.startswith("postgresql+psycopg"):
        with app.app_context():
            engine = db.engine
        ping_timeout = float(app.config["DATABASE_PING_TIMEOUT_SECONDS"])
        event.listen(engine, "connect", partial(_note_ping_timeout, ping_timeout))


def postgresql_connect_args(config: Mapping[str, Any]) -> dict[str, Any]:
    """libpq settings that bound every wait on PostgreSQL (config.py's DATABASE_*).

    connect_timeout bounds reaching a server that is down or hung; statement_timeout and
    lock_timeout, sent as startup options (no extra round trip), make the server cancel a
    statement that runs or waits for a lock too long; keepalives and tcp_user_timeout make
    the kernel give up on a server whose network has gone, instead of waiting for ever.
    """
    connect = int(config["DATABASE_CONNECT_TIMEOUT_SECONDS"])
    statement = int(config["DATABASE_STATEMENT_TIMEOUT_MS"])
    lock = int(config["DATABASE_LOCK_TIMEOUT_MS"])
    return {
        "connect_timeout": connect,
        "options": f"-c statement_timeout={statement} -c lock_timeout={lock}",
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": max(connect, 10) * 1000,
    }


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means the database cannot be reached or answer in time now.

    True for a refused, hung or dropped connection, a cancelled statement (statement or
    lock timeout), a deadlock and a busy SQLite file: errors another try may not meet,
    so the request gets a 503 page. A wrong query or a missing table stays a 500.
    """
    if isinstance(error, SATimeoutError | DisconnectionError):
        return True
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    if isinstance(original, PsycopgOperationalError):
        return True
    if isinstance(original, sqlite3.OperationalError):
        message = str(original).lower()
        return "locked" in message or "busy" in message
    return False


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
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


def _note_ping_timeout(seconds: float, dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["ping_timeout"] = seconds


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
    _ping(pgconn, connection_record.info.get("ping_timeout", DEFAULT_PING_TIMEOUT))


# A hung server (stopped, or its disk stalled) still lets the kernel accept the ping, so a
# blocking ping would wait for ever; this one gives up after the timeout.
DEFAULT_PING_TIMEOUT = 2.0


def _ping(pgconn: Any, timeout: float) -> None:
    """Send an empty query and wait at most `timeout` seconds for its answer."""
    deadline = time.monotonic() + timeout
    try:
        pgconn.send_query(b"")
        while pgconn.flush():
            _wait_for(pgconn.socket, select.POLLOUT, deadline)
        while True:
            pgconn.consume_input()
            if not pgconn.is_busy():
                break
            _wait_for(pgconn.socket, select.POLLIN, deadline)
        results = []
        while (result := pgconn.get_result()) is not None:
            results.append(result)
    except PsycopgError as exc:
        raise DisconnectionError(str(exc)) from exc
    if not results or results[-1].status != pq.ExecStatus.EMPTY_QUERY:
        raise DisconnectionError(pgconn.get_error_message())


def _wait_for(socket_fd: int, events: int, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    poller = select.poll()
    poller.register(socket_fd, events)
    if remaining <= 0 or not poller.poll(remaining * 1000):
        raise DisconnectionError("the database did not answer the ping in time")


def _has_something_to_read(socket_fd: int) -> bool:
    # poll, not select: select() refuses descriptors above 1023, which a worker with many
    # open files can reach.
    poller = select.poll()
    poller.register(socket_fd, select.POLLIN)
    return bool(poller.poll(0))
