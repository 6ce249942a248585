"""Reports benchmark: a trust of 10 schools, 5,000 staff and 500,000 completion records.

    python -m bench.reports                 # SQLite and PostgreSQL (when reachable)
    python -m bench.reports --only sqlite

Times the school dashboard, the summary and detailed exports and the trust dashboard through
the real app (test client: routing, auth, queries, templates), counts the SQL statements of
each request with a SQLAlchemy event listener (the same for 500 and 5,000 people: no query
per person), and compares each with a baseline measured in the same run (/healthz).
PostgreSQL: $BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test); the data
goes into a database of its own, `bench_reports`, dropped and recreated on every run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import sqlalchemy as sa
from flask import Flask

from bench.pg import fresh_database
from training_app import create_app
from training_app.auth.models import User
from training_app.auth.passwords import hash_password
from training_app.config import TestConfig
from training_app.extensions import db
from training_app.mfa.services import enrol_with_secret

SCHOOLS = 10
STAFF = 5_000
COMPLETIONS = 500_000
TARGET_MS = 300.0
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway account in a throwaway database
MODULES = (
    "first-responder",
    "law-and-outcome-21",
    "dsl-walkthrough",
    "parent-conversations",
    "legacy-induction",
    "legacy-online-safety",
)
GROUPS = ("teaching", "support", "leadership", "pastoral", "volunteer", "other")


def make_app(url: str) -> Flask:
    """The app on the benchmark database, with CSRF and rate limits off (not what we time)."""
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(
        SQLALCHEMY_DATABASE_URI=url,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
        TESTING=False,
        PER_PAGE=50,
    )
    return create_app(settings)


def _rows(rng: random.Random, now: datetime, hashed: str) -> dict[str, list[dict[str, Any]]]:
    """Every row to insert, as plain dicts (ids assigned here, so no round trips)."""
    trusts = [{"id": 1, "name": "Bench Learning Trust", "created_at": now}]
    schools = [
        {"id": i, "trust_id": 1, "name": f"Bench School {i:02d}", "urn": None, "created_at": now}
        for i in range(1, SCHOOLS + 1)
    ]
    users = []
    for uid in range(1, STAFF + 1):
        school = (uid - 1) % SCHOOLS + 1
        admin = uid <= SCHOOLS
        role = "school_admin" if admin else ("dsl" if uid % 20 == 0 else "staff")
        users.append(
            {
                "id": uid,
                "school_id": school,
                "email": f"person{uid}@bench.example",
                "name": f"Person {uid:05d}",
                "role": "trust_admin" if uid == 1 else role,
                "staff_group": "leadership" if admin else rng.choice(GROUPS),
                "password_hash": hashed if admin else None,
                "active": uid % 97 != 0,
                "start_date": date(2015, 9, 1) + timedelta(days=rng.randrange(4000)),
                "created_at": now - timedelta(days=rng.randrange(1, 2000)),
                "deactivated_at": None,
                "password_changed_at": None,
            }
        )
    return {"trusts": trusts, "schools": schools, "users": users}


# The completion columns the benchmark fills (the rest stay NULL), in this order.
COMPLETION_COLUMNS = (
    "id",
    "user_id",
    "school_id",
    "module_id",
    "content_version",
    "score",
    "completed_at",
    "expires_at",
    "source",
    "created_at",
    "voids_id",
    "reason",
    "verification_code",
)


def _completions(rng: random.Random, now: datetime) -> list[tuple[Any, ...]]:
    """Half a million completions (and a thousand voids) as tuples, times as UTC text."""
    base = now.astimezone(UTC).replace(tzinfo=None)
    year = timedelta(days=365)
    # A pool of moments over six and a half years, drawn from per row: formatting half a
    # million datetimes would take longer than loading them.
    pool = []
    for _ in range(20_000):
        when = base - timedelta(days=rng.randrange(0, 2400), minutes=rng.randrange(1440))
        pool.append(
            (when.isoformat(" ", "microseconds"), (when + year).isoformat(" ", "microseconds"))
        )
    rows = []
    per_person = COMPLETIONS // STAFF
    for index in range(COMPLETIONS):
        uid = index // per_person + 1
        done, expires = pool[rng.randrange(20_000)]
        rows.append(
            (
                index + 1,
                uid,
                (uid - 1) % SCHOOLS + 1,
                MODULES[index % len(MODULES)],
                "bench",
                70 + index % 31,
                done,
                expires,
                "quiz",
                done,
                None,
                None,
                # Increasing, not random: unique like real codes, but appended to the index
                # instead of scattered through it.
                f"bench{index:017d}",
            )
        )
    for n, voided in enumerate(rng.sample(range(1, COMPLETIONS + 1), 1_000)):
        original = rows[voided - 1]
        rows.append(
            (COMPLETIONS + n + 1, *original[1:8], "void", original[9], voided, "bench", None)
        )
    return rows


@contextmanager
def _indexes_built_after(conn: sa.Connection) -> Iterator[None]:
    """Drop the completions indexes for the load and build them once at the end (a sort is
    much faster than half a million index insertions)."""
    if conn.dialect.name == "postgresql":
        constraints = conn.exec_driver_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'completions'::regclass AND contype = 'u'"
        ).all()
        indexes = conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'completions' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'completions'::regclass)"
        ).all()
        for name, _ in constraints:
            conn.exec_driver_sql(f"ALTER TABLE completions DROP CONSTRAINT {name}")
        for name, _ in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        yield
        for _, definition in indexes:
            conn.exec_driver_sql(definition)
        for name, definition in constraints:
            conn.exec_driver_sql(f"ALTER TABLE completions ADD CONSTRAINT {name} {definition}")
        return
    # SQLite cannot drop the indexes behind UNIQUE columns; the named ones it can.
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'completions' AND sql IS NOT NULL"
    ).all()
    for name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)


def generate(url: str) -> float:
    """Create the schema and load the data in bulk; returns the seconds it took."""
    start = time.perf_counter()
    app = make_app(url)
    with app.app_context():
        rows = _rows(random.Random(2026), datetime.now(UTC), hash_password(PASSWORD))
        db.drop_all()
        db.create_all()
        tables = db.metadata.tables
        with db.engine.begin() as conn:
            for name in ("trusts", "schools", "users"):
                conn.execute(tables[name].insert(), rows[name])
            completions = _completions(random.Random(7), datetime.now(UTC))
            with _indexes_built_after(conn):
                if conn.dialect.name == "postgresql":
                    _copy(conn, completions)
                else:
                    marks = ", ".join("?" for _ in COMPLETION_COLUMNS)
                    columns = ", ".join(COMPLETION_COLUMNS)
                    conn.exec_driver_sql(
                        f"INSERT INTO completions ({columns}) VALUES ({marks})", completions
                    )
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                sa.text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")
            )
        db.engine.dispose()
    return time.perf_counter() - start


def _copy(conn: sa.Connection, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL COPY: half a million rows in a couple of seconds."""
    # Generated data is consistent by construction: skip the per-row foreign-key triggers
    # for this transaction (needs a superuser, as the default URL is).
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    timestamps = {COMPLETION_COLUMNS.index(c) for c in ("completed_at", "expires_at", "created_at")}
    with cursor.copy(f"COPY completions ({', '.join(COMPLETION_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([f"{v}+00" if i in timestamps and v else v for i, v in enumerate(row)])


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement run inside the block."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listen(*args: Any) -> None:
        seen.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def timed(call: Callable[[], Any], repeat: int) -> float:
    """Median milliseconds of `repeat` calls (after one warm-up call)."""
    call()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def measure(url: str, label: str, repeat: int) -> list[tuple[str, float, int, float]]:
    """Time each report request; returns (name, ms, queries, ratio to /healthz)."""
    app = make_app(url)
    client = app.test_client()
    # The trust admin, like every admin, signs in with a code from an authenticator app.
    secret = pyotp.random_base32()
    with app.app_context():
        admin = db.session.scalars(sa.select(User).filter_by(email="person1@bench.example")).one()
        enrol_with_secret(admin, secret)
        db.session.commit()
    response = client.post(
        "/sign-in", data={"email": "person1@bench.example", "password": PASSWORD}
    )
    assert response.headers.get("Location") == "/sign-in/code", response.status_code
    response = client.post("/sign-in/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.status_code

    def get(path: str) -> Callable[[], Any]:
        def call() -> Any:
            reply = client.get(path)
            assert reply.status_code == 200, (path, reply.status_code)
            return reply

        return call

    baseline = timed(get("/healthz"), repeat * 5)
    with app.app_context():
        trivial = timed(lambda: db.session.execute(sa.text("SELECT 1")).all(), repeat * 5)
    results = []
    year = date.today().year if date.today().month >= 9 else date.today().year - 1
    for name, path in (
        ("school dashboard (500 staff)", "/schools/2/compliance"),
        (
            "school dashboard, filtered, page 3",
            "/schools/2/compliance?state=overdue&sort=due&page=3",
        ),
        ("summary export (CSV)", f"/schools/2/compliance/summary.csv?year={year}"),
        ("summary export, last year", f"/schools/2/compliance/summary.csv?year={year - 1}"),
        ("detailed export (CSV)", "/schools/2/compliance/report.csv"),
        ("trust dashboard (5,000 staff)", "/trusts/1/compliance"),
    ):
        with counting(app) as queries:
            get(path)()
        results.append((name, timed(get(path), repeat), len(queries), 0.0))
    print(f"\n{label}: baseline /healthz {baseline:.2f} ms, SELECT 1 {trivial:.3f} ms")
    return [(n, ms, q, ms / baseline) for n, ms, q, _ in results]


def report(label: str, results: list[tuple[str, float, int, float]]) -> bool:
    """Print one backend's table; True when every timed report is under the target."""
    ok = True
    print(f"{'request':<38} {'median ms':>10} {'queries':>8} {'x healthz':>10}  target")
    for name, ms, queries, ratio in results:
        judged = "trust" not in name and "detailed" not in name
        verdict = ("ok" if ms < TARGET_MS else "SLOW") if judged else "(not a target)"
        ok = ok and (ms < TARGET_MS or not judged)
        print(f"{name:<38} {ms:>10.1f} {queries:>8} {ratio:>10.0f}  {verdict}")
    school = next(q for n, _, q, _ in results if n.startswith("school dashboard ("))
    trust = next(q for n, _, q, _ in results if n.startswith("trust"))
    print(
        f"queries: {school} for a school of 500, {trust} for a trust of 5,000 "
        f"({'no query per person' if trust <= school + 1 else 'GROWS WITH HEADCOUNT'})"
    )
    return ok and trust <= school + 1


def main(argv: list[str] | None = None) -> int:
    """Generate, measure and print, for each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per request")
    args = parser.parse_args(argv)
    targets: list[tuple[str, str]] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    if args.only in (None, "sqlite"):
        targets.append(("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}"))
    if args.only in (None, "postgresql"):
        pg = fresh_database("bench_reports")
        if pg:
            targets.append(("PostgreSQL", pg))
    print(f"{SCHOOLS} schools, {STAFF:,} staff, {COMPLETIONS:,} completions (+1,000 voids)")
    ok = True
    for label, url in targets:
        seconds = generate(url)
        print(f"{label}: generated in {seconds:.1f} s")
        ok = report(label, measure(url, label, args.repeat)) and ok
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
