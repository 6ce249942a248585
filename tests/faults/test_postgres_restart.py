"""PostgreSQL restarted or hung while the app runs: requests fail cleanly with a 503 page
and the app recovers by itself (pool pre-ping), on a private PostgreSQL cluster this test
owns."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.live import Client, Server, app_env, free_port, prepare_database
from training_app.database import QUIET_SECONDS

PG_BIN = Path("/usr/lib/postgresql")


def _pg_tool(name: str) -> str | None:
    found = sorted(PG_BIN.glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, developers usually do not.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture
def private_postgres() -> Iterator[tuple[str, list[str]]]:
    """A throwaway PostgreSQL cluster on a free port: (URL, pg_ctl command prefix)."""
    initdb, pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser to start PostgreSQL as another user")
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="training-pg-"))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres([initdb, "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    # The server's output always goes to its log file: a server started with its output on
    # a pipe keeps that pipe open, and `subprocess.run(capture_output=True)` would wait forever.
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    ctl = _as_postgres([pg_ctl, "-D", str(data), "-w", "-t", "30", "-l", str(base / "log")])
    ctl += ["-o", options]
    _pg_ctl(ctl, "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", ctl
    finally:
        _pg_ctl(ctl, "-m", "immediate", "stop", check=False)
        shutil.rmtree(base, ignore_errors=True)


def _pg_ctl(ctl: list[str], *args: str, check: bool = True) -> None:
    """Run pg_ctl with a time limit, its own output discarded (the server logs to a file)."""
    subprocess.run(
        [*ctl, *args],
        check=check,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )


def test_app_recovers_after_a_postgres_restart(private_postgres):
    url, ctl = private_postgres
    env = app_env(url)
    prepare_database(env)
    server = Server(env, workers=2).start()
    try:
        client = Client(server.url)
        client.sign_in("staff@northfield.demo")
        assert client.get("/")[0] == 200

        _pg_ctl(ctl, "-m", "fast", "stop")
        status, headers, body = get_with_headers(client, "/")
        assert status == 503 and "briefly unavailable" in body
        assert int(headers["Retry-After"]) > 0

        _pg_ctl(ctl, "start")
        statuses = [client.get("/")[0] for _ in range(4)]  # both workers' pools recover
        assert statuses == [200] * 4
        _pg_ctl(ctl, "-m", "fast", "restart")
        assert [client.get("/")[0] for _ in range(4)] == [200] * 4
    finally:
        server.stop()


def get_with_headers(client: Client, path: str) -> tuple[int, dict[str, str], str]:
    """GET through the client's cookies: (status, headers, body); raises if dropped."""
    request = urllib.request.Request(client.base + path)
    try:
        with client.opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _cluster_pids(data: Path) -> list[int]:
    """The postmaster and every process it has started (backends, checkpointer...)."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *map(int, children)]


def test_a_hung_postgres_gives_503_pages_in_seconds_and_recovers(private_postgres):
    """Every PostgreSQL process frozen (SIGSTOP): the kernel still accepts connections and
    pings, nothing answers. The pooled connection's ping and the new connection both give
    up in time, so the page is a 503, not a worker stuck until gunicorn kills it."""
    url, ctl = private_postgres
    data = Path(ctl[ctl.index("-D") + 1])
    env = app_env(url, DATABASE_CONNECT_TIMEOUT_SECONDS="2", DATABASE_PING_TIMEOUT_SECONDS="1")
    prepare_database(env)
    server = Server(env, workers=1).start()
    pids: list[int] = []
    try:
        client = Client(server.url)
        client.sign_in("staff@northfield.demo")
        assert client.get("/")[0] == 200
        pids = _cluster_pids(data)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        # Past the quiet spell, so the pooled connection is pinged before it is used.
        time.sleep(QUIET_SECONDS + 0.5)
        started = time.monotonic()
        status, headers, body = get_with_headers(client, "/")
        elapsed = time.monotonic() - started
        assert status == 503 and "briefly unavailable" in body
        assert int(headers["Retry-After"]) > 0
        assert elapsed < 8, f"the 503 took {elapsed:.1f} s"
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
        pids = []
        assert client.get("/")[0] == 200  # signed in still, on a fresh connection
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
        server.stop()
