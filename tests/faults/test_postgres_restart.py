"""PostgreSQL restarted or hung while the app runs: requests fail cleanly with a 503 page
and the app recovers by itself (pool pre-ping), on a private PostgreSQL cluster this test
owns."""

from __future__ import annotations

import os
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.live import Client, Server, app_env, prepare_database
from tests.private_postgres import PrivatePostgres, why_not_startable
from tests.private_postgres import private_postgres as start_private_postgres
from training_app.database import QUIET_SECONDS


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A throwaway PostgreSQL cluster of this test's own, which it may stop and freeze."""
    reason = why_not_startable()
    if reason:
        pytest.skip(f"no private PostgreSQL: {reason}")
    with start_private_postgres() as server:
        yield server


def test_app_recovers_after_a_postgres_restart(private_postgres):
    env = app_env(private_postgres.url)
    prepare_database(env)
    server = Server(env, workers=2).start()
    try:
        client = Client(server.url)
        client.sign_in("staff@northfield.demo")
        assert client.get("/")[0] == 200

        private_postgres.pg_ctl("-m", "fast", "stop")
        status, headers, body = get_with_headers(client, "/")
        assert status == 503 and "briefly unavailable" in body
        assert int(headers["Retry-After"]) > 0

        private_postgres.pg_ctl("start")
        statuses = [client.get("/")[0] for _ in range(4)]  # both workers' pools recover
        assert statuses == [200] * 4
        private_postgres.pg_ctl("-m", "fast", "restart")
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
    data = private_postgres.data
    env = app_env(
        private_postgres.url,
        DATABASE_CONNECT_TIMEOUT_SECONDS="2",
        DATABASE_PING_TIMEOUT_SECONDS="1",
    )
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
