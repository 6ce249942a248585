"""Redis down or hanging must not stop anyone signing in (issue 19, item 6).

The rate limits keep counting in each worker's memory while their Redis is unreachable, each
Redis call waits at most its short timeouts, and the outage is logged once, not per request.
These run the real Redis client against a closed port ("down") and a listener that never
answers ("hanging"), and against the real Redis on 127.0.0.1:6379 when it is running.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
import redis

from tests.conftest import csrf_from, make_app, post_form
from tests.faults.live import closed_port, silent_server
from tests.helpers.lessons import join, serve_sample, start
from training_app.extensions import db

# The outage has nothing to do with the database: SQLite is enough.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])

OUTAGE = "rate-limit storage unreachable"
REAL_REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["down", "hanging"])
def redis_uri(request: pytest.FixtureRequest) -> Iterator[str]:
    """A Redis URL that refuses connections, or one whose server never answers."""
    if request.param == "down":
        yield f"redis://127.0.0.1:{closed_port()}/0"
    else:
        with silent_server() as port:
            yield f"redis://127.0.0.1:{port}/0"


def limited_app(app, tmp_path, uri: str):
    """The test app's database and content, its rate limits kept in the Redis at `uri`."""
    built = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_STORAGE_URI=uri)
    return serve_sample(built, tmp_path)


@pytest.fixture
def app(app, tmp_path, redis_uri):
    """The usual app and data, with the rate limits in an unreachable Redis."""
    built = limited_app(app, tmp_path, redis_uri)
    yield built
    with built.app_context():
        db.engine.dispose()


def outage_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if OUTAGE in r.getMessage()]


@sqlite_only
def test_sign_in_reset_verify_and_pupil_join_work_while_redis_is_unreachable(
    app, world, login_as, caplog
):
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    teacher = login_as("staff")  # the sign-in form, through both of its limits
    assert teacher.get("/").status_code == 200
    forgot = post_form(app.test_client(), "/account/forgot-password", {"email": "dsl@a1.example"})
    assert forgot.status_code in (200, 302), forgot.status_code
    assert app.test_client().get("/verify/NOSUCHCODE").status_code == 404
    _, code = start(teacher)
    pupil = app.test_client()
    assert pupil.post("/join", data={"code": code}).status_code == 303
    join(app, code)
    elapsed = time.monotonic() - started
    # Only the first call waits for Redis (at most its 0.5 s timeouts); then memory answers.
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert len(outage_logs(caplog)) == 1, outage_logs(caplog)


@sqlite_only
def test_the_limits_still_hold_per_worker_while_redis_is_unreachable(app, world):
    client = app.test_client()
    email = world.users["staff"].email
    statuses = []
    for _ in range(11):  # LOGIN_LIMIT_PER_ACCOUNT is 10 a minute
        token = csrf_from(client, "/sign-in")
        response = client.post(
            "/sign-in", data={"email": email, "password": "wrong password!", "csrf_token": token}
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def _real_redis() -> redis.Redis | None:
    client = redis.Redis.from_url(REAL_REDIS, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError):
        client.close()
        return None
    return client


def test_with_redis_up_the_limits_are_counted_there(tmp_path, caplog):
    server = _real_redis()
    if server is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app = make_app(f"sqlite:///{tmp_path / 'up.sqlite3'}", RATELIMIT_STORAGE_URI=REAL_REDIS)
    with app.app_context():
        db.create_all()
    email = f"nobody-{time.time_ns()}@school.example"
    try:
        response = post_form(app.test_client(), "/sign-in", {"email": email, "password": "x"})
        assert response.status_code == 200
        counted = server.keys(f"*{email}*")
        assert counted, "the failed sign-in was not counted in Redis"
        assert not outage_logs(caplog)
    finally:
        for key in server.keys(f"*{email}*"):
            server.delete(key)
        server.close()
        with app.app_context():
            db.engine.dispose()
