"""Two app servers behind HAProxy: one dies mid-quiz and every learner finishes on the other.

    python -m bench.balancer                 # 200 learners (`make bench` runs it)
    python -m bench.balancer --learners 40   # shorter, same checks

It makes a fresh PostgreSQL database (`bench_balancer` beside $BENCH_DATABASE_URL, as
bench/load.py does), migrates it and bulk-loads the staff; starts two gunicorn servers as in
production (bench/load.py's Server) on loopback ports, sharing that database, one SECRET_KEY
and one Redis for the rate limits ($BENCH_REDIS_URL, default redis://127.0.0.1:6379/12, whose
limiter keys are cleared first); and Debian's HAProxy with ops/haproxy.cfg in front. Then:

1. every learner signs in through the balancer, starts the first-responder module and
   answers its quiz at their own pace (a short pause before each answer, then the feedback);
2. once 40 % of all answers are in, app1 is killed (SIGKILL to its master and workers, as
   when a machine dies) and HAProxy's stats socket is read every 50 ms until app1 is DOWN;
3. a request lost with the server (a 502 or a dropped connection) is sent again, as a person
   presses the button again; nobody signs in again;
4. app1 is started again where it was; with no traffic, so only the health checks act, it
   is frozen (SIGSTOP, as a hung machine), thawed, then killed, each timed the same way.

Checks: every learner passes with exactly one completion (read from the database); one
session row each, none revoked, nobody sent to the sign-in form; every answer after app1
was marked DOWN came from app2; HAProxy took app1 out within 5 s, under load and by the
checks alone. Prints its figures; exit status 1 when a check fails, 2 when PostgreSQL, Redis
or HAProxy is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa

from bench.haproxy import CONFIG, Balancer, Failure, signal_server, until
from bench.load import (
    ATTEMPT_RE,
    CSRF_RE,
    HOST,
    MODULE,
    ROOT,
    Browser,
    Learner,
    Reply,
    Row,
    Server,
    Step,
    generate,
    harness_app,
    machine,
    migrate,
    print_table,
    quiz_path,
    sign_in_many,
)
from bench.pg import fresh_database

PG_DATABASE = "bench_balancer"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
DETECT_TARGET_S = 5.0
KILL_SHARE = 0.4  # app1 dies once this share of all answers is in
THINK_S = (0.2, 0.8)  # a learner's pause before each answer
RESEND_AFTER_S = 0.25
RESEND_LIMIT = 40
LOST = (502, 503, 504)  # what HAProxy answers for a request its server took down with it


# --- the learners -------------------------------------------------------------------------


@dataclass
class Trail:
    """What one learner's browser did and saw."""

    learner: Learner
    answered: list[tuple[float, str]] = field(default_factory=list)  # (moment, server)
    lost: list[tuple[float, str]] = field(default_factory=list)  # (moment, why) of each resend
    to_sign_in: int = 0  # responses that sent the browser to the sign-in form
    resigned: int = 0  # the session cookie sent again, re-signed (once a minute: cookies.py)
    passed: bool = False
    error: str = ""


async def send(trail: Trail, browser: Browser, method: str, path: str, form: Any = None) -> Reply:
    """One request; sent again (up to RESEND_LIMIT times) when lost with a dying server."""
    for _ in range(RESEND_LIMIT):
        try:
            reply = await asyncio.wait_for(browser.request(method, path, form), 40)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError, TimeoutError) as exc:
            await browser.close()
            why = f"{exc.__class__.__name__} ({method})"
        else:
            if reply.status not in LOST:
                if "/sign-in" in reply.headers.get("location", ""):
                    trail.to_sign_in += 1
                trail.resigned += any("session=" in cookie for cookie in reply.cookies)
                return reply
            why = f"{reply.status} ({method})"
        trail.lost.append((time.monotonic(), why))
        await asyncio.sleep(RESEND_AFTER_S)
    raise RuntimeError(f"{method} {path}: no answer in {RESEND_LIMIT} tries")


def expect(reply: Reply, status: int, where: str = "") -> str:
    """The reply's Location path, after checking its status (and where it leads)."""
    location = urllib.parse.urlsplit(reply.headers.get("location", "")).path
    if reply.status != status or not location.endswith(where):
        raise RuntimeError(f"got {reply.status} to {location or '-'}, not {status} to {where}")
    return location


async def take_quiz(
    trail: Trail, port: int, steps: Sequence[Step], failure: Failure, rng: random.Random
) -> None:
    """Start the module, answer every step (each then its feedback), open the result."""
    learner = trail.learner
    token = [("csrf_token", learner.browser.token)]
    browser = Browser(port, learner.browser.cookies)
    base = f"/learn/{MODULE}"
    try:
        started = await send(trail, browser, "POST", f"{base}/start", token)
        found = ATTEMPT_RE.search(expect(started, 302))
        if not found:
            raise RuntimeError("no attempt in the start's redirect")
        learner.attempt = int(found[1])
        attempt = f"{base}/attempts/{learner.attempt}"
        expect(await send(trail, browser, "POST", f"{attempt}/quiz", token), 200)
        for step in steps:
            await asyncio.sleep(rng.uniform(*THINK_S))
            reply = await send(trail, browser, "POST", f"{attempt}/answer", step.form(token[0][1]))
            feedback = expect(reply, 302, f"{attempt}/steps/{step.step}")
            trail.answered.append((time.monotonic(), reply.headers.get("x-served-by", "?")))
            failure.answered()
            expect(await send(trail, browser, "GET", feedback), 200)
        result = await send(trail, browser, "GET", f"{attempt}/result")
        trail.passed = result.status == 200 and b"You passed" in result.body
    except RuntimeError as exc:
        trail.error = str(exc)
    finally:
        await browser.close()


async def everyone(
    port: int, learners: Sequence[Learner], steps: Sequence[Step], failure: Failure
) -> tuple[list[Trail], float]:
    """Every learner takes the quiz at once; the trails and the wall time."""
    trails = [Trail(learner) for learner in learners]
    started = time.monotonic()
    await asyncio.wait_for(
        asyncio.gather(
            *(take_quiz(t, port, steps, failure, random.Random(n)) for n, t in enumerate(trails))
        ),
        timeout=600,
    )
    return trails, time.monotonic() - started


# --- the record ---------------------------------------------------------------------------


def recorded(app: Any, emails: Sequence[str]) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Per learner: completions of the module, and (session rows, revoked ones)."""
    from training_app.auth.models import AuthSession, User
    from training_app.extensions import db
    from training_app.learning.models import Completion

    with app.app_context():
        ids = list(db.session.scalars(sa.select(User.id).where(User.email.in_(emails))))
        completions = dict.fromkeys(ids, 0) | dict(
            db.session.execute(
                sa.select(Completion.user_id, sa.func.count())
                .where(Completion.user_id.in_(ids), Completion.module_id == MODULE)
                .group_by(Completion.user_id)
            ).all()
        )
        sessions = {
            user: (int(rows), int(revoked))
            for user, rows, revoked in db.session.execute(
                sa.select(
                    AuthSession.user_id, sa.func.count(), sa.func.count(AuthSession.revoked_at)
                )
                .where(AuthSession.user_id.in_(ids))
                .group_by(AuthSession.user_id)
            ).all()
        }
        db.session.remove()
    return completions, {i: sessions.get(i, (0, 0)) for i in ids}


def figures(
    trails: Sequence[Trail], failure: Failure, app: Any, emails: Sequence[str], wall: float
) -> list[Row]:
    """The checks of the run, as rows of the table."""
    n = len(trails)
    completions, sessions = recorded(app, emails)
    one_each = sum(1 for c in completions.values() if c == 1)
    missing = sum(1 for c in completions.values() if c == 0)
    extra = sum(c - 1 for c in completions.values() if c > 1)
    one_session = sum(1 for rows, revoked in sessions.values() if rows == 1 and not revoked)
    moment = failure.killed_at
    down = moment + (failure.down_after if failure.down_after is not None else 1e9)
    # Mid-quiz: had answered on app1 before the kill and still had answers to give.
    mid = [
        t
        for t in trails
        if any(s == "app1" and m < moment for m, s in t.answered)
        and any(m >= moment for m, _ in t.answered)
    ]
    finished_on_app2 = sum(1 for t in mid if t.passed and all(
        s == "app2" for m, s in t.answered if m >= moment))  # fmt: skip
    after_down = [s for t in trails for m, s in t.answered if m >= down]
    lost = sorted(failure.seconds(m) for t in trails for m, _ in t.lost)
    why = Counter(w for t in trails for _, w in t.lost)
    answers = [s for t in trails for _, s in t.answered]
    stats = failure.balancer.stats()
    detect = failure.down_after
    for t in [t for t in trails if t.error][:3]:
        print(f"   learner error: {t.error}")
    name = "balancer"
    return [
        Row(name, "learners signed in through HAProxy", f"{n}"),
        Row(name, "answers by app1 / app2", f"{answers.count('app1')}/{answers.count('app2')}"),
        Row(name, "app1 killed after answer", f"{failure.at:,} of {len(answers):,}"),
        Row(name, "  app1 processes left after SIGKILL", str(len(failure.survivors)), "", "0",
            not failure.survivors),
        Row(name, "  HAProxy's first failure for app1", _seconds(failure.first_failed_check)),
        Row(name, "app1 marked DOWN (traffic or checks)", _seconds(detect), "",
            f"< {DETECT_TARGET_S:g} s", detect is not None and detect < DETECT_TARGET_S),
        Row(name, "  requests lost and sent again", f"{len(lost)}", "",
            f"{lost[0]:+.2f}..{lost[-1]:+.2f} s" if lost else ""),
        Row(name, "    as", ", ".join(f"{w} x {k}" for w, k in why.most_common()) or "-"),
        Row(name, "  HAProxy retries / redispatches (app1)",
            f"{stats['app1'].get('wretr', '?')}/{stats['app1'].get('wredis', '?')}"),
        Row(name, "learners mid-quiz on app1 at the kill", f"{len(mid)}/{n}", "", "> 0",
            bool(mid)),
        Row(name, "  of them finished on app2", f"{finished_on_app2}/{len(mid)}", "",
            "all", finished_on_app2 == len(mid)),
        Row(name, "answers after app1 was DOWN, by app2", f"{after_down.count('app2')}/"
            f"{len(after_down)}", "", "all", bool(after_down) and set(after_down) == {"app2"}),
        Row(name, "learners passed (result page)", f"{sum(t.passed for t in trails)}/{n}", "",
            f"{n}/{n}", all(t.passed for t in trails)),
        Row(name, "  sent to the sign-in form", str(sum(t.to_sign_in for t in trails)), "", "0",
            not any(t.to_sign_in for t in trails)),
        Row(name, "  one session each, none revoked (db)", f"{one_session}/{n}", "",
            f"{n}/{n}", one_session == n),
        Row(name, "  session cookie re-signed in flight", str(sum(t.resigned for t in trails))),
        Row(name, "exactly one completion each (db)", f"{one_each}/{n}", "", f"{n}/{n}",
            one_each == n),
        Row(name, "  lost / duplicate completions (db)", f"{missing}/{extra}", "", "0/0",
            missing == 0 and extra == 0),
        Row(name, "quiz wall time, all learners", f"{wall:.1f} s"),
    ]  # fmt: skip


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def checks_alone(restarted: Server, balancer: Balancer) -> list[Row]:
    """app1 restarted where it was, then with no traffic at all (so only the health checks
    act): frozen (SIGSTOP: connections accepted, never answered, as a hung machine), thawed,
    and killed. Seconds to each state HAProxy reaches."""
    up = until(balancer, "app1", lambda s: s == "UP", time.monotonic())
    time.sleep(1.5)  # a check or two on a healthy server, as between failures
    frozen = time.monotonic()
    signal_server(restarted, signal.SIGSTOP)
    try:
        hung = until(balancer, "app1", lambda s: s.startswith("DOWN"), frozen)
    finally:  # a stopped process ignores everything but SIGKILL and SIGCONT
        thawed = time.monotonic()
        signal_server(restarted, signal.SIGCONT)
    back = until(balancer, "app1", lambda s: s == "UP", thawed)
    time.sleep(1.5)
    idle = Failure(restarted, balancer, at=0)
    idle.kill()
    assert idle.watcher is not None
    idle.watcher.join(timeout=20)
    detect = idle.down_after
    name = "checks alone"
    return [
        Row(name, "restarted app1 UP, after its /healthz", _seconds(up)),
        Row(name, "app1 frozen (SIGSTOP): DOWN after", _seconds(hung), "",
            f"< {DETECT_TARGET_S:g} s", hung is not None and hung < DETECT_TARGET_S),
        Row(name, "  thawed (SIGCONT): UP again after", _seconds(back)),
        Row(name, "app1 killed: first failed check", _seconds(idle.first_failed_check)),
        Row(name, "  marked DOWN by the health checks after", _seconds(detect), "",
            f"< {DETECT_TARGET_S:g} s", detect is not None and detect < DETECT_TARGET_S),
    ]  # fmt: skip


# --- main ---------------------------------------------------------------------------------


def clear_limits(url: str) -> int:
    """Delete the rate limiter's keys in the benchmark's Redis database; how many there were."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    keys = list(client.scan_iter("LIMIT*"))
    if keys:
        client.delete(*keys)
    return len(keys)


async def one_wrong_password(port: int, email: str) -> int:
    """Post one wrong password through the balancer (only failures count against the sign-in
    limits, so this is what makes the limiter write its counters); the reply's status."""
    browser = Browser(port)
    try:
        form = await browser.request("GET", "/sign-in")
        found = CSRF_RE.search(form.body)
        token = found[1].decode() if found else ""
        fields = [("csrf_token", token), ("email", email), ("password", "not the password")]
        return (await browser.request("POST", "/sign-in", fields)).status
    finally:
        await browser.close()


def limit_keys(url: str) -> int:
    """How many rate-limit counters the Redis database holds."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return sum(1 for _ in client.scan_iter("LIMIT*"))


def run(args: argparse.Namespace, url: str, redis_url: str, folder: Path) -> list[Row]:
    """Set up, serve through HAProxy, kill app1 mid-quiz, and check the record."""
    migrate(url)
    app = harness_app(url)
    emails, took = generate(app, args.learners)
    steps = quiz_path(app)
    print(f"PostgreSQL migrated, {len(emails)} learners generated in {took:.1f} s")
    env = {"REDIS_URL": redis_url}
    servers: list[Server] = []
    balancer: Balancer | None = None
    try:
        for name in ("app1", "app2"):
            (folder / name).mkdir()
            servers.append(Server(url, args.workers, folder / name, env=env))
            print(f"{name}: gunicorn sync x {args.workers} on {servers[-1].base}")
        balancer = Balancer(servers, folder, maxconn=2 * args.workers)
        print(f"HAProxy ({CONFIG.relative_to(ROOT)}) on http://{HOST}:{balancer.port}")
        wrong = asyncio.run(one_wrong_password(balancer.port, emails[0]))
        counters = limit_keys(redis_url)
        browsers = asyncio.run(sign_in_many(balancer.port, emails))
        learners = [Learner(b) for b in browsers]
        failure = Failure(servers[0], balancer, at=int(KILL_SHARE * len(emails) * len(steps)))
        trails, wall = asyncio.run(everyone(balancer.port, learners, steps, failure))
        if failure.watcher is not None:
            failure.watcher.join(timeout=20)
        rows = figures(trails, failure, app, emails, wall)
        rows.insert(1, Row("balancer", "  limiter counters in Redis after a wrong password",
                           f"{counters} (reply {wrong})", "", "> 0", counters > 0))  # fmt: skip
        statuses = balancer.statuses()
        rows.append(Row("balancer", "HAProxy after the quiz: app1 / app2",
                        f"{statuses['app1']}/{statuses['app2']}"))  # fmt: skip
        (folder / "app1-again").mkdir()
        servers.append(
            Server(url, args.workers, folder / "app1-again", env=env, port=servers[0].port)
        )
        rows += checks_alone(servers[-1], balancer)
    finally:
        if balancer is not None:
            balancer.stop()
        for server in servers:
            server.stop()
        with app.app_context():
            from training_app.extensions import db

            db.engine.dispose()
    logged = servers[1].errors_logged()
    rows.append(Row("server", "app2: tracebacks / worker timeouts", str(len(logged)), "", "0",
                    not logged))  # fmt: skip
    for text in logged[:5]:
        print(f"   app2 log: {text}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the scenario once; print the table; 1 if a check fails, 2 if a service is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    # Two servers of one worker each use this machine's two cores as one production server
    # would; on real hosts each server runs its production count (WEB_CONCURRENCY).
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per server")
    args = parser.parse_args(argv)
    if shutil.which("haproxy") is None:
        print("haproxy is not installed (make bench installs it: apt-get install -y haproxy)")
        return 2
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    try:
        cleared = clear_limits(redis_url)
    except redis.RedisError as exc:
        print(f"Redis at {redis_url} is not reachable: {exc}")
        return 2
    url = fresh_database(PG_DATABASE)
    if url is None:
        return 2
    sys.path.insert(0, str(ROOT))
    print("Two app servers behind HAProxy; one killed mid-quiz")
    print(f"machine: {machine()}; other jobs may be running")
    print(f"Redis {redis_url} ({cleared} old limiter keys cleared)")
    folder = Path(tempfile.mkdtemp(prefix="bench-balancer-"))
    rows = run(args, url, redis_url, folder)
    print_table(f"{args.learners} learners, 2 x gunicorn sync x {args.workers}, HAProxy; "
                f"{machine()}", rows, ratio="")  # fmt: skip
    failed = [r.measure.strip() for r in rows if r.ok is False]
    print("\nall checks passed" if not failed else "\nCHECKS FAILED:\n  " + "\n  ".join(failed))
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
