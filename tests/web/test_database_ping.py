"""The PostgreSQL connection check that replaces SQLAlchemy's pre-ping (training_app/database.py).

Recovery after a real restart is shown in tests/faults/test_postgres_restart.py; these show
the check's two promises on a live connection: a pooled connection arrives inside its
transaction (the check was its BEGIN), and switching it to autocommit still works.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from training_app.extensions import db


def _postgresql_engine(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("the BEGIN check applies to PostgreSQL only")
    return engine


def test_a_checked_out_connection_is_already_in_its_transaction(app):
    from psycopg import pq

    engine = _postgresql_engine(app)
    assert engine.pool._pre_ping is False  # the check below replaces it
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.pgconn.transaction_status == pq.TransactionStatus.INTRANS
        # The first query runs inside it: psycopg opens no second transaction.
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
        assert raw.pgconn.transaction_status == pq.TransactionStatus.INTRANS


def test_a_connection_can_still_switch_to_autocommit(app):
    engine = _postgresql_engine(app)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM cannot run inside a transaction block: it works only in autocommit.
        conn.execute(sa.text("VACUUM users"))
        assert conn.connection.dbapi_connection.autocommit is True
