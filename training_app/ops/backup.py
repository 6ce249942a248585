"""Consistent backups and restores of the database.

SQLite: the online backup API copies a consistent snapshot while the app keeps serving.
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot, too) and `pg_restore`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says what to do."""


def backup(database_url: str, destination: Path) -> Path:
    """Write a consistent backup of the database to `destination`."""
    url = make_url(database_url)
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _private_file(destination)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        with sqlite3.connect(source) as live, sqlite3.connect(destination) as copy:
            live.backup(copy)
        return destination
    if url.get_backend_name() == "postgresql":
        _run_pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={destination}"])
        return destination
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def _private_file(path: Path) -> None:
    """Create (or narrow) the backup file as 0600 before anything is written to it.

    A backup holds every password hash and record: other local users must not read it,
    whatever the umask. Made before writing, so it is never readable, even for a moment.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as copy, sqlite3.connect(_sqlite_path(url)) as live:
            copy.backup(live)
        return
    if url.get_backend_name() == "postgresql":
        _run_pg(
            "pg_restore",
            url,
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
        )
        return
    raise BackupError(f"restores of {url.get_backend_name()} databases are not supported")


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _run_pg(tool: str, url: URL, args: list[str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    env = {"PGPASSWORD": str(url.password)} if url.password else {}
    target = [
        "--dbname",
        url.set(drivername="postgresql", password=None).render_as_string(hide_password=False),
    ]
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments built from config
        [executable, *target, *args],
        capture_output=True,
        text=True,
        env={**_base_env(), **env},
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PGSSLMODE"}}


def table_checksums(engine: sa.Engine) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of every table, to compare two databases."""
    result: dict[str, tuple[int, str]] = {}
    inspector = sa.inspect(engine)
    with engine.connect() as conn:
        for table in sorted(inspector.get_table_names()):
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).all()  # noqa: S608
            digest = hashlib.sha256()
            for text in sorted(repr(tuple(row)) for row in rows):
                digest.update(text.encode())
            result[table] = (len(rows), digest.hexdigest()[:16])
    return result
