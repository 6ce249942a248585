"""The PostgreSQL connection check that replaces SQLAlchemy's pre-ping (training_app/database.py).

Recovery after a real restart is shown in tests/faults/test_postgres_restart.py; these show
the check's promises on live connections, watched from a second connection through
pg_stat_activity (when each backend last received a statement; what the statement says is
the check's own business): a connection back from the pool a moment ago is taken without a
round trip; one the server ended while it was pooled is replaced; one pooled for a while is
pinged first.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
import sqlalchemy as sa

from training_app import database
from training_app.extensions import db

_LAST_STATEMENT = sa.text("SELECT query_start FROM pg_stat_activity WHERE pid = :pid")


def _postgresql_engine(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("the connection check applies to PostgreSQL only")
    assert engine.pool._pre_ping is False  # the check replaces it
    return engine


def _backend_of(engine) -> int:
    """Use a pooled connection once; return the PostgreSQL process behind it."""
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def _watcher(engine) -> sa.Engine:
    """Connections of their own, never the pooled ones being watched."""
    return sa.create_engine(engine.url, poolclass=sa.pool.NullPool)


def _last_statement_at(engine, pid: int) -> datetime | None:
    """When the backend last received a statement."""
    with _watcher(engine).connect() as conn:
        return conn.execute(_LAST_STATEMENT, {"pid": pid}).scalar()


def test_a_connection_back_from_the_pool_is_taken_without_a_round_trip(app):
    engine = _postgresql_engine(app)
    pid = _backend_of(engine)
    before = _last_statement_at(engine, pid)
    assert before is not None
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection.info.backend_pid == pid
        # The checkout sent nothing: the backend's last statement is still the same one.
        assert _last_statement_at(engine, pid) == before


def test_a_connection_the_server_ended_while_pooled_is_replaced(app):
    engine = _postgresql_engine(app)
    pid = _backend_of(engine)
    with _watcher(engine).connect() as other:
        assert other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        for _ in range(100):  # the backend exits just after the call returns
            if not other.execute(_LAST_STATEMENT, {"pid": pid}).first():
                break
            time.sleep(0.05)
    # No error reaches the caller: the pool discards the dead connection and connects afresh.
    assert _backend_of(engine) != pid


def test_a_connection_pooled_for_a_while_is_pinged_first(app, monkeypatch):
    engine = _postgresql_engine(app)
    pid = _backend_of(engine)
    before = _last_statement_at(engine, pid)
    monkeypatch.setattr(database, "QUIET_SECONDS", 0.0)
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection.info.backend_pid == pid  # alive: kept
        # The ping: the backend received a statement at checkout, before any of ours.
        assert _last_statement_at(engine, pid) > before


def test_a_connection_can_still_switch_to_autocommit(app):
    engine = _postgresql_engine(app)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM cannot run inside a transaction block: it works only in autocommit.
        conn.execute(sa.text("VACUUM users"))
        assert conn.connection.dbapi_connection.autocommit is True
