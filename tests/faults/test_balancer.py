"""Two app servers behind HAProxy (ops/haproxy.cfg): one is killed mid-quiz, and every
learner finishes on the other with no lost or duplicate completion and no new sign-in.

bench/balancer.py's run with 20 learners (about 20 s on a quiet machine, 30-40 s with its
load at 4-6, about 60 s at 10); `make bench` runs it with 200.
"""

from __future__ import annotations

import argparse
import os
import shutil

import pytest
import redis

from bench.balancer import clear_limits, run
from tests.conftest import (
    POSTGRES_AVAILABLE,
    SKIP_POSTGRES_REASON,
    empty_postgres_database,
    worker_database,
)

# Its own Redis database: a benchmark run at the same time uses 12.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
LEARNERS = 20


def _redis_down() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return True
    return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_AVAILABLE, reason=SKIP_POSTGRES_REASON),
    pytest.mark.skipif(
        shutil.which("haproxy") is None,
        reason="haproxy is not installed (make test and make bench install Debian's)",
    ),
    pytest.mark.skipif(_redis_down(), reason=f"no Redis at {REDIS_URL}"),
]

# Each must be present and met.
CHECKS = [
    "app1 processes left after SIGKILL",
    "app1 marked DOWN (traffic or checks)",
    "learners mid-quiz on app1 at the kill",
    "of them finished on app2",
    "answers after app1 was DOWN, by app2",
    "learners passed (result page)",
    "sent to the sign-in form",
    "one session each, none revoked (db)",
    "exactly one completion each (db)",
    "lost / duplicate completions (db)",
    "app1 frozen (SIGSTOP): DOWN after",
    "marked DOWN by the health checks after",
    "app2: tracebacks / worker timeouts",
]


def test_server_killed_mid_quiz_every_learner_finishes_on_the_other(tmp_path):
    url = worker_database("balancer")
    empty_postgres_database(url)
    clear_limits(REDIS_URL)  # a run a minute ago would otherwise count against this one
    rows = run(argparse.Namespace(learners=LEARNERS, workers=1), url, REDIS_URL, tmp_path)
    by_measure = {row.measure.strip(): row for row in rows}
    failed = [f"{r.measure.strip()}: {r.value}" for r in rows if r.ok is False]
    assert not failed
    for check in CHECKS:
        assert by_measure[check].ok is True, check
    assert by_measure["exactly one completion each (db)"].value == f"{LEARNERS}/{LEARNERS}"
    assert by_measure["lost / duplicate completions (db)"].value == "0/0"
