"""A throwaway PostgreSQL server started from the installed binaries (initdb, pg_ctl).

tests/conftest.py runs the PostgreSQL variants against one when TEST_DATABASE_URL is not
set; tests/faults/test_postgres_restart.py stops, restarts and freezes one of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.faults.live import free_port

PG_BIN = Path("/usr/lib/postgresql")

# Nothing here outlives the run, so durability is switched off: the tests then wait on no
# disk flush. The fault tests' stops and restarts are clean or immediate, never a crash.
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def server_tool(name: str) -> str | None:
    """Path of a PostgreSQL server program: the newest /usr/lib/postgresql/*/bin, else PATH."""
    found = sorted(PG_BIN.glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


def why_not_startable() -> str | None:
    """Why no private server can be started here, or None when one can."""
    if not server_tool("initdb") or not server_tool("pg_ctl"):
        return (
            f"no PostgreSQL server binaries (initdb, pg_ctl) in {PG_BIN}/*/bin or on PATH"
            " (Debian: apt-get install postgresql)"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as the postgres user"
    return None


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, developers usually do not.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class PrivatePostgres:
    """One cluster in its own temporary directory, listening on a free loopback port."""

    base: Path
    port: int

    @property
    def url(self) -> str:
        """URL of the cluster's `postgres` database (trust authentication)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.base / "data"

    def pg_ctl(self, *args: str, check: bool = True) -> None:
        """Run pg_ctl (start, stop, restart...) on this cluster, with a time limit.

        The server's output always goes to its log file: a server started with its output
        on a pipe keeps that pipe open, and a captured `subprocess.run` would wait forever.
        """
        pg_ctl = str(server_tool("pg_ctl"))
        options = f"-p {self.port} -k {self.base / 'sockets'} -c listen_addresses=127.0.0.1"
        ctl = [pg_ctl, "-D", str(self.data), "-w", "-t", "30", "-l", str(self.base / "log")]
        subprocess.run(
            _as_postgres([*ctl, "-o", f"{options} {FAST_SETTINGS}", *args]),
            check=check,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    @classmethod
    def start(cls) -> PrivatePostgres:
        """Create a cluster with initdb and start it; raises if either fails."""
        reason = why_not_startable()
        if reason:
            raise RuntimeError(f"cannot start a private PostgreSQL: {reason}")
        # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
        server = cls(Path(tempfile.mkdtemp(prefix="training-pg-")), free_port())
        (server.base / "sockets").mkdir()
        if os.geteuid() == 0:
            shutil.chown(server.base, "postgres")
            shutil.chown(server.base / "sockets", "postgres")
        initdb = str(server_tool("initdb"))
        try:
            subprocess.run(
                _as_postgres([initdb, "-D", str(server.data), "-A", "trust", "-U", "postgres"]),
                check=True,
                capture_output=True,
            )
            server.pg_ctl("start")
        except (OSError, subprocess.SubprocessError):
            shutil.rmtree(server.base, ignore_errors=True)
            raise
        return server

    def stop(self) -> None:
        """Stop the server at once and delete its directory."""
        self.pg_ctl("-m", "immediate", "stop", check=False)
        shutil.rmtree(self.base, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL for the duration of the block."""
    server = PrivatePostgres.start()
    try:
        yield server
    finally:
        server.stop()
