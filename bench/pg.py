"""A fresh PostgreSQL database for one benchmark, next to $BENCH_DATABASE_URL."""

from __future__ import annotations

import os

import sqlalchemy as sa

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def fresh_database(name: str) -> str | None:
    """Drop and create a database beside $BENCH_DATABASE_URL: its URL, or None if down.

    It is named `<that database>_<name>` (`test_bench_load` beside the default), so that
    benchmarks run at once from different checkouts, each with its own
    $BENCH_DATABASE_URL, never drop each other's database.
    """
    from training_app.config import normalise_database_url

    base = sa.make_url(normalise_database_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)))
    name = f"{base.database}_{name}"
    try:
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        admin.dispose()
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        return None
    return base.set(database=name).render_as_string(hide_password=False)
