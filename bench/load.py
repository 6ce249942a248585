"""Training-day load: an INSET morning, a 9 am login storm, answers replayed under load.

    python -m bench.load                    # SQLite, then PostgreSQL; full length (~7 min)
    python -m bench.load --quick            # shorter phases, same checks
    python -m bench.load --only postgresql

For each database it makes a fresh one (PostgreSQL: `<database>_bench_load` next to
$BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test, dropped and recreated;
SQLite: a temporary file), migrates it with `flask db upgrade`, bulk-loads a school of 2,000
staff (one password hash reused), and starts gunicorn as in production
(TRAINING_APP_ENV=production, the settings of training_app/ops/gunicorn_config.py) on a free
loopback port. Then, on that one server:

1. login storm: 20 sign-ins a second for 60 s (--quick: 10 s), each a new browser that loads
   the sign-in form, posts it and lands on its home page (Python asyncio, open loop);
2. INSET morning: 100 connections of signed-in staff reading the first-responder module's
   pages, then answering its quiz (wrk, one connection per thread, each replaying its own
   staff members' requests in order);
3. integrity: 100 staff at the quiz's last question each send the final answer 50 times at
   once; afterwards the database must hold exactly one completion per person, and replays
   and back-button forms must be answered with the current state.

Every figure is printed next to a baseline measured the same way in the same run on the
same server: GET /healthz (no template, no database). Targets are ratios to it where the
figure is a throughput; exit status 1 when any target is missed. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.pg import fresh_database
from training_app.ops import gunicorn_config

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "wrk" / "replay.lua"
GUNICORN_CONFIG = "python:training_app.ops.gunicorn_config"
PG_DATABASE = "bench_load"
HOST = "127.0.0.1"
MODULE = "first-responder"
PASSWORD = "bench-training-2026"  # noqa: S105 - throwaway accounts in a throwaway database
SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
# Every simulated browser comes from 127.0.0.1, as a whole school does from its one public
# address. The per-account limit (10 a minute) stays as configured: each sign-in in the
# storm is a different person.
ADDRESS_LIMIT = "100000 per minute"

# Targets. Throughputs are fractions of /healthz's at the same concurrency.
PAGE_SHARE = 0.30
ANSWER_SHARE = 0.15
INSET_P95_MS = 250.0
STORM_P95_MS = 1000.0
STORM_RATE = 20.0
CONNECTIONS = 100
FLOOD_USERS = 100
FLOOD_COPIES = 50

CSRF_RE = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
ATTEMPT_RE = re.compile(r"/attempts/(\d+)/")


# --- results -------------------------------------------------------------------------------


@dataclass
class Row:
    """One printed figure: what, how much, against the baseline, the target and verdict."""

    scenario: str
    measure: str
    value: str
    ratio: str = ""
    target: str = ""
    ok: bool | None = None  # None: not a target

    @property
    def verdict(self) -> str:
        """PASS, FAIL or nothing."""
        return "" if self.ok is None else ("PASS" if self.ok else "FAIL")


def print_table(title: str, rows: Sequence[Row], ratio: str = "x healthz") -> None:
    """The figures of one database as a fixed-width table (`ratio`: that column's heading)."""
    print(f"\n{title}")
    head = f"{'scenario':<16} {'measure':<40} {'value':>16} {ratio:>10}  {'target':<15} result"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.scenario:<16} {r.measure:<40} {r.value:>16} {r.ratio:>10}  {r.target:<15} "
            f"{r.verdict}".rstrip()
        )


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values, 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-int(q * len(ordered)) // 100) - 1))]


# --- database and data ---------------------------------------------------------------------


def server_env(url: str) -> dict[str, str]:
    """The environment of production, pointed at the benchmark database."""
    return {
        **os.environ,
        "TRAINING_APP_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "MAIL_BACKEND": "console",
        "LOGIN_LIMIT_PER_ADDRESS": ADDRESS_LIMIT,
        "FLASK_APP": "training_app",
    }


def migrate(url: str) -> None:
    """`flask db upgrade`, as a deployment does."""
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        env=server_env(url), cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


def harness_app(url: str) -> Any:
    """The app object the harness uses to hash the password and read the results."""
    from training_app import create_app
    from training_app.config import ProductionConfig

    settings = {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY, MAIL_BACKEND="memory")
    return create_app(settings)


def generate(app: Any, staff: int) -> tuple[list[str], float]:
    """One trust, one school and `staff` staff accounts, bulk-inserted; returns the emails."""
    from training_app.auth.passwords import hash_password
    from training_app.extensions import db

    started = time.perf_counter()
    now = datetime.now(UTC)
    emails = [f"staff{n:05d}@bench.example" for n in range(1, staff + 1)]
    with app.app_context():
        hashed = hash_password(PASSWORD)  # once: Argon2id costs ~25 ms a hash
        tables = db.metadata.tables
        with db.engine.begin() as conn:
            trust_id = conn.execute(
                tables["trusts"].insert().returning(tables["trusts"].c.id),
                {"name": "Bench Learning Trust", "created_at": now},
            ).scalar_one()
            school_id = conn.execute(
                tables["schools"].insert().returning(tables["schools"].c.id),
                {"trust_id": trust_id, "name": "Bench Academy", "created_at": now},
            ).scalar_one()
            conn.execute(
                tables["users"].insert(),
                [
                    {
                        "school_id": school_id,
                        "email": email,
                        "name": f"Staff Member {n:05d}",
                        "role": "staff",
                        "staff_group": "teaching",
                        "password_hash": hashed,
                        "active": True,
                        "created_at": now,
                    }
                    for n, email in enumerate(emails, 1)
                ],
            )
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
        db.engine.dispose()
    return emails, time.perf_counter() - started


@dataclass(frozen=True)
class Step:
    """One quiz step answered correctly: the form fields and where the answer leads."""

    step: int
    node: str
    choices: tuple[str, ...]
    other: tuple[str, ...] = ()  # a wrong answer to the same question (for replays)

    def form(self, token: str) -> list[tuple[str, str]]:
        """The answer form, as the page would post it."""
        fields = [("csrf_token", token), ("step", str(self.step)), ("node", self.node)]
        return fields + [("choice", c) for c in self.choices]


def quiz_path(app: Any) -> list[Step]:
    """The first-responder quiz answered right under the default protocol, step by step."""
    from training_app.content.evaluate import correct_choice_ids
    from training_app.content.graph import next_node_id
    from training_app.content.model import END
    from training_app.learning.catalogue import library
    from training_app.rules import DEFAULT_PROTOCOL

    with app.app_context():
        quiz = library().module(MODULE).quiz
    assert quiz is not None
    steps, node_id = [], quiz.start
    while node_id != END:
        node = quiz.nodes[node_id]
        choices: tuple[str, ...] = ()
        if node.is_question:
            right = list(correct_choice_ids(node, DEFAULT_PROTOCOL))
            choices = tuple(right if node.select == "many" else right[:1])
        other = tuple(c.id for c in node.choices if c.id not in choices)[:1]
        steps.append(Step(len(steps) + 1, node_id, choices, other))
        node_id = next_node_id(node, choices)
    return steps


def module_pages(app: Any) -> int:
    """How many reading pages the module has."""
    from training_app.learning.catalogue import library

    with app.app_context():
        return len(library().module(MODULE).pages)


# --- the server ----------------------------------------------------------------------------


def server_label(workers: int, worker_class: str, threads: int) -> str:
    """How the server runs, for the output: "sync x 4", "gthread x 4 x 2 threads"."""
    label = f"{worker_class or 'sync'} x {workers}"
    return label + (f" x {threads} threads" if worker_class == "gthread" else "")


class Server:
    """gunicorn as in production (its settings module) on a free loopback port.

    `worker_class` other than the production one is for comparisons (bench/README.md);
    `env` adds to or overrides the production environment and `port` (0: any free one) is
    the one to listen on (bench/balancer.py: Redis, and a server restarted where it was).
    """

    def __init__(
        self,
        url: str,
        workers: int,
        folder: Path,
        worker_class: str = "",
        threads: int = 1,
        env: dict[str, str] | None = None,
        port: int = 0,
    ) -> None:
        self.workers = workers
        self.label = server_label(workers, worker_class, threads)
        chosen = ["--worker-class", worker_class, "--threads", str(threads)] if worker_class else []
        self.port = port
        if not port:
            with socket.socket() as sock:
                sock.bind((HOST, 0))
                self.port = int(sock.getsockname()[1])
        self.log = folder / "gunicorn.log"
        with self.log.open("wb") as out:  # gunicorn keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONFIG, *chosen,
                 "--workers", str(workers), "--backlog", "4096",
                 "--no-control-socket",
                 "--bind", f"{HOST}:{self.port}", "training_app:create_app()"],
                env={**server_env(url), **(env or {})}, cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        for _ in range(200):
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as sock:
                    sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                    if b" 200 " in sock.recv(64):
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log}")

    @property
    def base(self) -> str:
        """The server's base URL."""
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of gunicorn and its workers so far (Linux /proc)."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return float("nan")
        total = 0.0
        for each in [pid, *map(int, children)]:
            stat = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def errors_logged(self) -> list[str]:
        """Tracebacks and worker deaths in gunicorn's log."""
        text = self.log.read_text(errors="replace")
        return [
            line
            for line in text.splitlines()
            if "Traceback" in line or "WORKER TIMEOUT" in line or "Error" in line[:80]
        ]

    def stop(self) -> None:
        """Stop gunicorn (graceful, then firm)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- a small asyncio HTTP/1.1 client (setup, login storm, integrity) -----------------------


@dataclass
class Reply:
    """One response: status, headers (lower-case names), Set-Cookie values, body, seconds."""

    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes
    seconds: float


class Browser:
    """One person's browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.token = ""  # the CSRF token of the signed-in session
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    @property
    def cookie(self) -> str:
        """The Cookie header this browser sends."""
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def connect(self) -> None:
        """Open the connection now (so a later request measures only the request)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def close(self) -> None:
        """Close the connection."""
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        form: Iterable[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Send one request on the open connection and read the whole response."""
        await self.connect()
        assert self.reader is not None and self.writer is not None
        body = urllib.parse.urlencode(list(form)).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        if self.cookies:
            head.append(f"Cookie: {self.cookie}")
        if form is not None:
            head += ["Content-Type: application/x-www-form-urlencoded"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        head.append(f"Content-Length: {len(body)}")
        started = time.perf_counter()
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionError("connection closed before a response")
        status = int(status_line.split()[1])
        got: dict[str, str] = {}
        cookies: list[str] = []
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookies.append(value)
            got[name] = value
        if "content-length" in got:
            payload = await self.reader.readexactly(int(got["content-length"]))
        elif got.get("transfer-encoding", "").lower() == "chunked":
            payload = b""
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                payload += await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()
        else:
            payload = await self.reader.read()
        seconds = time.perf_counter() - started
        if got.get("connection", "").lower() == "close":
            await self.close()
        for cookie in cookies:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return Reply(status, got, cookies, payload, seconds)


async def bounded(calls: Iterable[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    """Await calls with at most `limit` in flight; results in order."""
    gate = asyncio.Semaphore(limit)

    async def run(call: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(run(c) for c in calls)))


@dataclass
class SignIn:
    """One browser's sign-in: statuses and seconds of each request, and the browser."""

    browser: Browser
    statuses: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    error: str = ""
    late: float = 0.0  # seconds the client started after its scheduled moment

    @property
    def ok(self) -> bool:
        """Form 200, post 302 to the home page, home page 200 with a CSRF token."""
        return not self.error and self.statuses == [200, 302, 200] and bool(self.browser.token)


async def sign_in(port: int, email: str) -> SignIn:
    """A new browser: load the sign-in form, post it, load the home page it lands on."""
    result = SignIn(Browser(port))
    browser = result.browser
    try:
        form = await browser.request("GET", "/sign-in")
        found = CSRF_RE.search(form.body)
        token = found[1].decode() if found else ""
        posted = await browser.request(
            "POST", "/sign-in", [("csrf_token", token), ("email", email), ("password", PASSWORD)]
        )
        replies = [form, posted]
        if posted.status == 302 and posted.headers.get("location", "").endswith("/"):
            home = await browser.request("GET", "/")
            replies.append(home)
            found = CSRF_RE.search(home.body)
            browser.token = found[1].decode() if found else ""
        result.statuses = [r.status for r in replies]
        result.seconds = [r.seconds for r in replies]
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        result.error = f"{exc.__class__.__name__}: {exc}"
    finally:
        await browser.close()
    return result


async def healthz_flow(port: int, requests: int = 3) -> SignIn:
    """The baseline of a sign-in: a new connection sending /healthz as many times."""
    result = SignIn(Browser(port))
    try:
        for _ in range(requests):
            reply = await result.browser.request("GET", "/healthz")
            result.statuses.append(reply.status)
            result.seconds.append(reply.seconds)
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        result.error = f"{exc.__class__.__name__}: {exc}"
    finally:
        await result.browser.close()
    return result


async def open_loop(
    flow: Callable[[int], Awaitable[SignIn]], rate: float, count: int
) -> tuple[list[SignIn], float]:
    """Start flow(i) at i / rate seconds whatever the server's speed (arrivals do not wait
    for answers); returns the results and seconds from the first start to the last end."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def run(i: int) -> SignIn:
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        late = loop.time() - (start + i / rate)
        result = await flow(i)
        result.late = late
        return result

    results = await asyncio.gather(*(run(i) for i in range(count)))
    return list(results), loop.time() - start


# --- wrk -----------------------------------------------------------------------------------


@dataclass
class WrkResult:
    """What wrk and the Lua script counted."""

    requests: int
    seconds: float
    expected: int
    unexpected: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    first_unexpected: str
    server_cores: float
    client_cores: float
    ran_out: int  # connections ("once" mode) that sent their whole list before the end
    cookies_reissued: int  # responses that set a cookie (kept by replay.lua, as by a browser)

    @property
    def rate(self) -> float:
        """Requests a second."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Socket errors plus responses that were not what the request should get."""
        return self.unexpected + self.socket_errors


def write_lists(folder: Path, lists: Sequence[Sequence[str]]) -> Path:
    """One request list per wrk thread: <folder>/<n>.tsv."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n, lines in enumerate(lists):
        (folder / f"{n}.tsv").write_text("".join(line + "\n" for line in lines))
    return folder


def line(method: str, path: str, cookie: str, form: str, status: int, location: str = "") -> str:
    """One request for replay.lua."""
    return "\t".join([method, path, cookie, form, str(status), location])


def run_wrk(server: Server, folder: Path, seconds: float, mode: str) -> WrkResult:
    """wrk with one connection per thread, replaying the lists in `folder`."""
    connections = len(list(folder.glob("*.tsv")))
    before_server = server.cpu_seconds()
    before_client = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds:g}s",
         "--timeout", "10s", "-s", str(LUA), server.base, "--", str(folder), mode],
        capture_output=True, text=True, timeout=seconds + 120, check=True,
    )  # fmt: skip
    after_client = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = server.cpu_seconds() - before_server
    client_cpu = (after_client.ru_utime - before_client.ru_utime) + (
        after_client.ru_stime - before_client.ru_stime
    )
    found = re.search(r"^RESULT (.*)$", done.stdout, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    values = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', found[1]))
    n = {k: int(v) for k, v in values.items() if k != "first"}
    wall = n["duration_us"] / 1e6
    return WrkResult(
        requests=n["requests"],
        seconds=wall,
        expected=n["expected"],
        unexpected=n["unexpected"],
        socket_errors=n["connect"] + n["read"] + n["write"] + n["timeout"],
        p50_ms=n["p50_us"] / 1000,
        p95_ms=n["p95_us"] / 1000,
        p99_ms=n["p99_us"] / 1000,
        max_ms=n["max_us"] / 1000,
        first_unexpected=values["first"].strip('"'),
        server_cores=server_cpu / wall,
        client_cores=client_cpu / wall,
        ran_out=n["ran_out"],
        cookies_reissued=n["cookies"],
    )


def healthz_lists(connections: int) -> list[list[str]]:
    """Every connection sends GET /healthz, over and over."""
    return [[line("GET", "/healthz", "", "", 200)] for _ in range(connections)]


# --- scenarios -----------------------------------------------------------------------------


@dataclass
class Learner:
    """A signed-in member of staff: session cookie, CSRF token, attempt at the module."""

    browser: Browser
    attempt: int = 0


async def start_attempts(port: int, learners: Sequence[Learner], begin_quiz: bool) -> None:
    """Start each learner's attempt (or move it to the quiz): set-up, not timed."""

    async def one(learner: Learner) -> None:
        browser = Browser(port, learner.browser.cookies)
        try:
            if begin_quiz:
                path = f"/learn/{MODULE}/attempts/{learner.attempt}/quiz"
                reply = await browser.request("POST", path, [("csrf_token", learner.browser.token)])
                assert reply.status == 200, f"quiz did not begin ({reply.status})"
                return
            reply = await browser.request(
                "POST", f"/learn/{MODULE}/start", [("csrf_token", learner.browser.token)]
            )
            found = ATTEMPT_RE.search(reply.headers.get("location", ""))
            assert reply.status == 302 and found, f"start failed ({reply.status})"
            learner.attempt = int(found[1])
        finally:
            await browser.close()

    await bounded([lambda learner=learner: one(learner) for learner in learners], 16)


def measure_pair(
    server: Server, folder: Path, seconds: float, lists: list[list[str]], mode: str
) -> tuple[WrkResult, WrkResult]:
    """/healthz on the same connections for the same time, then the real requests."""
    base = run_wrk(
        server, write_lists(folder / "healthz", healthz_lists(len(lists))), seconds, "cycle"
    )
    real = run_wrk(server, write_lists(folder / "real", lists), seconds, mode)
    return base, real


def wrk_rows(
    scenario: str, label: str, base: WrkResult, real: WrkResult, share: float
) -> list[Row]:
    """Throughput (the target is a share of the baseline's), p95 and errors of one phase."""
    ratio = real.rate / base.rate if base.rate else 0.0
    return [
        Row(scenario, f"{label}: throughput", f"{real.rate:,.0f} req/s", f"{ratio:.2f}",
            f">= {share:.2f} x", ratio >= share),
        Row(scenario, f"{label}: p95 (p50 {real.p50_ms:.0f} ms)", f"{real.p95_ms:.0f} ms",
            f"{real.p95_ms / base.p95_ms:.1f}" if base.p95_ms else "",
            f"< {INSET_P95_MS:.0f} ms", real.p95_ms < INSET_P95_MS),
        Row(scenario, f"{label}: errors (of {real.requests:,})", f"{real.errors}",
            "", "0", real.errors == 0),
    ]  # fmt: skip


def reading_lists(learners: Sequence[Learner], pages: int) -> list[list[str]]:
    """wrk's lists for reading: each connection's learners, every page of the module."""
    shares = [learners[i::CONNECTIONS] for i in range(CONNECTIONS)]
    return [
        [
            line(
                "GET", f"/learn/{MODULE}/attempts/{p.attempt}/pages/{n}", p.browser.cookie, "", 200
            )
            for p in share
            for n in range(1, pages + 1)
        ]
        for share in shares
    ]


def answering_lists(learners: Sequence[Learner], steps: Sequence[Step]) -> list[list[str]]:
    """wrk's lists for answering: each connection's learners, every step of the quiz."""
    shares = [learners[i::CONNECTIONS] for i in range(CONNECTIONS)]
    return [
        [
            line(
                "POST",
                f"/learn/{MODULE}/attempts/{p.attempt}/answer",
                p.browser.cookie,
                urllib.parse.urlencode(step.form(p.browser.token)),
                302,
                f"/attempts/{p.attempt}/steps/{step.step}",
            )
            for p in share
            for step in steps
        ]
        for share in shares
    ]


def inset_morning(
    server: Server,
    learners: Sequence[Learner],
    steps: Sequence[Step],
    pages: int,
    seconds: float,
    folder: Path,
    app: Any,
) -> list[Row]:
    """Reading pages, then answering quiz steps, each on 100 connections against /healthz."""
    from training_app.extensions import db
    from training_app.learning.models import Answer, Attempt

    asyncio.run(start_attempts(server.port, learners, begin_quiz=False))
    reading = reading_lists(learners, pages)
    base_read, read = measure_pair(server, folder / "reading", seconds, reading, "cycle")

    asyncio.run(start_attempts(server.port, learners, begin_quiz=True))
    answering = answering_lists(learners, steps)
    base_answer, answer = measure_pair(server, folder / "answering", seconds, answering, "once")
    ids = [p.attempt for p in learners]
    with app.app_context():
        recorded = db.session.scalar(
            sa.select(sa.func.count()).select_from(Answer).where(Answer.attempt_id.in_(ids))
        )
        seen = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Attempt)
            .where(Attempt.id.in_(ids), Attempt.pages_seen == pages)
        )
        db.session.remove()
    name = "INSET morning"
    rows = [
        Row(name, f"baseline /healthz, {CONNECTIONS} connections", f"{base_read.rate:,.0f} req/s",
            "1.00", "", None),
        *wrk_rows(name, "module pages", base_read, read, PAGE_SHARE),
        Row(name, "  pages read to the end (attempts)", f"{seen}/{len(learners)}"),
        Row(name, f"baseline /healthz, {CONNECTIONS} connections", f"{base_answer.rate:,.0f} req/s",
            "1.00", "", None),
        *wrk_rows(name, "quiz answers", base_answer, answer, ANSWER_SHARE),
        Row(name, "  answers in the database / 2xx-3xx seen", f"{recorded}/{answer.expected}",
            "", "= (+ in flight)", answer.expected <= recorded <= answer.expected + CONNECTIONS),
        # Each answer can be sent once: a connection that has sent all of its learners'
        # answers stops, and the rate would then measure the list's length, not the server.
        Row(name, "  connections out of answers before the end", f"{answer.ran_out}", "", "0",
            answer.ran_out == 0),
        Row(name, "  session cookies re-issued reading / answering",
            f"{read.cookies_reissued:,}/{answer.cookies_reissued:,}"),
        Row(name, "  server CPU reading / answering", f"{read.server_cores:.2f}/"
            f"{answer.server_cores:.2f} cores"),
        Row(name, "  wrk CPU reading / answering", f"{read.client_cores:.2f}/"
            f"{answer.client_cores:.2f} cores"),
    ]  # fmt: skip
    for result, label in ((read, "pages"), (answer, "answers")):
        if result.first_unexpected:
            print(f"   first unexpected response ({label}): {result.first_unexpected}")
    return rows


def login_storm(
    server: Server, emails: Sequence[str], seconds: float
) -> tuple[list[Row], list[Browser]]:
    """20 new browsers a second sign in; the baseline is /healthz at the same arrivals."""
    count = int(STORM_RATE * seconds)
    base_count = int(STORM_RATE * min(seconds, 20))
    base, _ = asyncio.run(open_loop(lambda i: healthz_flow(server.port), STORM_RATE, base_count))
    cpu = server.cpu_seconds()
    storm, wall = asyncio.run(
        open_loop(lambda i: sign_in(server.port, emails[i]), STORM_RATE, count)
    )
    cores = (server.cpu_seconds() - cpu) / wall
    ok = [s for s in storm if s.ok]
    part = [[s.seconds[i] * 1000 for s in ok] for i in range(3)]
    # What a person waits for after pressing "Sign in": the POST and the page it leads to.
    waits = [(s.seconds[1] + s.seconds[2]) * 1000 for s in ok]
    base_ms = pct([x * 1000 for b in base for x in b.seconds], 95)
    errors = [s for s in storm if not s.ok]
    achieved = len(ok) / wall
    late = max((s.late for s in storm), default=0.0)
    for s in errors[:3]:
        print(f"   sign-in error: statuses {s.statuses} {s.error}")
    name = "login storm"
    p95 = pct(waits, 95)
    rows = [
        Row(name, f"baseline /healthz p95, {STORM_RATE:g} arrivals/s", f"{base_ms:.1f} ms",
            "1.0"),
        Row(name, f"sign-ins at {STORM_RATE:g}/s for {seconds:g} s", f"{len(ok)}/{count}",
            "", f"{count}/{count}", len(ok) == count),
        Row(name, "sustained rate (sign-ins / wall time)", f"{achieved:.1f} /s", "",
            f">= {0.95 * STORM_RATE:g} /s", achieved >= 0.95 * STORM_RATE),
        Row(name, f"sign-in + home page p95 (p50 {pct(waits, 50):.0f} ms)", f"{p95:.0f} ms",
            f"{p95 / base_ms:.0f}", f"< {STORM_P95_MS:.0f} ms", p95 < STORM_P95_MS),
        *[
            Row(name, f"  {label} p95 (p50 {pct(ms, 50):.0f} ms)", f"{pct(ms, 95):.0f} ms",
                f"{pct(ms, 95) / base_ms:.0f}")
            for label, ms in zip(
                ("GET /sign-in", "POST /sign-in", "GET / (home)"), part, strict=True
            )
        ],
        Row(name, "errors", str(len(errors)), "", "0", not errors),
        Row(name, "  server CPU / client start lag max",
            f"{cores:.2f} cores / {late * 1000:.0f} ms"),
    ]  # fmt: skip
    return rows, [s.browser for s in ok]


async def sign_in_many(port: int, emails: Sequence[str]) -> list[Browser]:
    """Sign people in for the later phases (set-up, not timed)."""
    results = await bounded([lambda e=e: sign_in(port, e) for e in emails], 8)
    bad = [r for r in results if not r.ok]
    assert not bad, f"set-up sign-in failed: {bad[0].statuses} {bad[0].error}"
    return [r.browser for r in results]


async def warm_up(port: int, learners: Sequence[Learner]) -> None:
    """Each person loads their home page and the module's overview, all at once."""

    async def one(learner: Learner) -> None:
        browser = Browser(port, learner.browser.cookies)
        try:
            for path in ("/", f"/learn/{MODULE}"):
                reply = await browser.request("GET", path)
                assert reply.status == 200, f"warm-up {path}: {reply.status}"
        finally:
            await browser.close()

    await asyncio.gather(*(one(p) for p in learners))


async def flood(
    port: int, learners: Sequence[Learner], steps: Sequence[Step]
) -> tuple[list[tuple[int, Reply | str]], float]:
    """Each learner's final answer, FLOOD_COPIES times at once.

    Each copy connects and sends in one go, as a proxy passes requests on. (Connecting them
    all first and sending later would be 5,000 idle connections, which the synchronous
    workers, built to sit behind a buffering proxy, would wait on one by one.)
    """
    final = steps[-1]
    browsers = [
        (p, Browser(port, p.browser.cookies)) for p in learners for _ in range(FLOOD_COPIES)
    ]
    go = asyncio.Event()

    async def send(p: Learner, b: Browser) -> tuple[int, Reply | str]:
        await go.wait()
        try:
            path = f"/learn/{MODULE}/attempts/{p.attempt}/answer"
            return p.attempt, await b.request("POST", path, final.form(p.browser.token))
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            return p.attempt, f"{exc.__class__.__name__}: {exc}"
        finally:
            await b.close()

    tasks = [asyncio.create_task(send(p, b)) for p, b in browsers]
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    go.set()
    results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    return list(results), time.perf_counter() - started


async def to_last_question(port: int, learners: Sequence[Learner], steps: Sequence[Step]) -> None:
    """Answer all but the final step for each learner (set-up, not timed)."""
    await start_attempts(port, learners, begin_quiz=False)
    await start_attempts(port, learners, begin_quiz=True)

    async def one(p: Learner) -> None:
        browser = Browser(port, p.browser.cookies)
        try:
            for step in steps[:-1]:
                path = f"/learn/{MODULE}/attempts/{p.attempt}/answer"
                reply = await browser.request("POST", path, step.form(p.browser.token))
                assert reply.status == 302, f"answer failed ({reply.status})"
        finally:
            await browser.close()

    await bounded([lambda p=p: one(p) for p in learners], 16)


async def current_state(
    port: int, learners: Sequence[Learner], steps: Sequence[Step]
) -> dict[str, int]:
    """After the flood: replays and back-button forms get the state as it now is."""
    final, previous = steps[-1], steps[-2]
    wrong: dict[str, int] = {"replay": 0, "back button": 0, "quiz page": 0, "result": 0}

    async def one(p: Learner) -> None:
        browser = Browser(port, p.browser.cookies)
        base = f"/learn/{MODULE}/attempts/{p.attempt}"
        try:
            # The final answer again, with another choice: still the first answer's feedback.
            other = Step(final.step, final.node, final.other)
            reply = await browser.request("POST", f"{base}/answer", other.form(p.browser.token))
            replay = [*final.form(p.browser.token)]
            again = await browser.request("POST", f"{base}/answer", replay)
            for r in (reply, again):
                if r.status != 302 or not r.headers.get("location", "").endswith(
                    f"{base}/steps/{final.step}"
                ):
                    wrong["replay"] += 1
            # Back button: the previous question's form, posted again.
            back = await browser.request("POST", f"{base}/answer", previous.form(p.browser.token))
            if back.status != 302 or not back.headers.get("location", "").endswith(
                f"{base}/steps/{previous.step}"
            ):
                wrong["back button"] += 1
            quiz = await browser.request("GET", f"{base}/quiz")
            if quiz.status != 302 or not quiz.headers.get("location", "").endswith(
                f"{base}/result"
            ):
                wrong["quiz page"] += 1
            result = await browser.request("GET", f"{base}/result")
            if result.status != 200 or b"You passed" not in result.body:
                wrong["result"] += 1
        finally:
            await browser.close()

    await bounded([lambda p=p: one(p) for p in learners], 16)
    return wrong


def integrity(
    server: Server, learners: Sequence[Learner], steps: Sequence[Step], app: Any
) -> list[Row]:
    """FLOOD_USERS people each send the final answer FLOOD_COPIES times at once."""
    from training_app.extensions import db
    from training_app.learning.models import PASSED, Answer, Attempt, Completion

    asyncio.run(to_last_question(server.port, learners, steps))
    total = len(learners) * FLOOD_COPIES

    async def baseline() -> tuple[list[float], float]:
        browsers = [Browser(server.port) for _ in range(total)]
        started = time.perf_counter()
        replies = await asyncio.gather(*(b.request("GET", "/healthz") for b in browsers))
        wall = time.perf_counter() - started
        await asyncio.gather(*(b.close() for b in browsers))
        return [r.seconds * 1000 for r in replies], wall

    base_ms, base_wall = asyncio.run(baseline())
    results, wall = asyncio.run(flood(server.port, learners, steps))
    replies = [r for _, r in results if isinstance(r, Reply)]
    failures = [r for _, r in results if isinstance(r, str)]
    server_errors = sum(1 for r in replies if r.status >= 500)
    feedback = {attempt: f"/attempts/{attempt}/steps/{steps[-1].step}" for attempt, _ in results}
    same_state = sum(
        1
        for attempt, r in results
        if isinstance(r, Reply)
        and r.status == 302
        and r.headers.get("location", "").endswith(feedback[attempt])
    )
    ms = [r.seconds * 1000 for r in replies]
    wrong = asyncio.run(current_state(server.port, learners, steps))
    ids = [p.attempt for p in learners]
    with app.app_context():
        per_user = dict(
            db.session.execute(
                sa.select(Completion.attempt_id, sa.func.count())
                .where(Completion.attempt_id.in_(ids))
                .group_by(Completion.attempt_id)
            ).all()
        )
        passed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Attempt)
            .where(Attempt.id.in_(ids), Attempt.status == PASSED)
        )
        answers = db.session.execute(
            sa.select(Answer.attempt_id, sa.func.count(), sa.func.count(sa.distinct(Answer.step)))
            .where(Answer.attempt_id.in_(ids))
            .group_by(Answer.attempt_id)
        ).all()
        db.session.remove()
    one_each = sum(1 for i in ids if per_user.get(i) == 1)
    extra = sum(n - 1 for n in per_user.values() if n > 1)
    steps_ok = sum(1 for _, n, distinct in answers if n == distinct == len(steps))
    name = "integrity"
    rows = [
        Row(name, f"baseline /healthz, {total:,} at once", f"{pct(base_ms, 95):.0f} ms",
            "1.0", f"(p95; {total / base_wall:,.0f} req/s)", None),
        Row(name, f"final answer {FLOOD_COPIES}x at once by {len(learners)}",
            f"{pct(ms, 95):.0f} ms", f"{pct(ms, 95) / pct(base_ms, 95):.1f}",
            f"(p95; {total / wall:,.0f} req/s)", None),
        Row(name, "  exactly one completion per person", f"{one_each}/{len(learners)}",
            "", f"{len(learners)}/{len(learners)}", one_each == len(learners)),
        Row(name, "  duplicate completions", str(extra), "", "0", extra == 0),
        Row(name, "  attempts passed", f"{passed}/{len(learners)}", "",
            f"{len(learners)}/{len(learners)}", passed == len(learners)),
        Row(name, "  answers: one per step", f"{steps_ok}/{len(learners)}", "",
            f"{len(learners)}/{len(learners)}", steps_ok == len(learners)),
        Row(name, "  5xx / connection errors", f"{server_errors}/{len(failures)}", "", "0/0",
            server_errors == 0 and not failures),
        Row(name, "  each copy sent to the step's feedback", f"{same_state}/{total}", "",
            f"{total}/{total}", same_state == total),
        Row(name, "  replay, back button, quiz, result", "/".join(str(v) for v in wrong.values())
            + " wrong", "", "0/0/0/0", not any(wrong.values())),
    ]  # fmt: skip
    statuses = sorted({r.status for r in replies})
    if statuses != [302] or failures:
        print(f"   flood statuses {statuses}; first failure: {failures[:1]}")
    return rows


def static_assets(server: Server) -> list[Row]:
    """The stylesheet, as a browser fetches it from a page: caching headers and validators."""

    async def check() -> tuple[Reply, Reply, str]:
        browser = Browser(server.port)
        try:
            page = await browser.request("GET", "/sign-in")
            found = re.search(rb'href="(/static/css/app\.css[^"]*)"', page.body)
            href = found[1].decode().replace("&amp;", "&") if found else "/static/css/app.css"
            browser.cookies = {}
            first = await browser.request("GET", href)
            # Revalidation, as a browser asks when its copy may be stale.
            validator = {"If-None-Match": first.headers.get("etag", "")}
            if not first.headers.get("etag"):
                validator = {"If-Modified-Since": first.headers.get("last-modified", "")}
            again = await browser.request("GET", href, headers=validator)
        finally:
            await browser.close()
        return first, again, href

    first, again, href = asyncio.run(check())
    control = first.headers.get("cache-control", "")
    max_age = int(m[1]) if (m := re.search(r"max-age=(\d+)", control)) else 0
    long_lived = "?" in href and max_age >= 86400
    validators = bool(first.headers.get("etag") or first.headers.get("last-modified"))
    revalidates = validators and ("no-cache" in control or max_age > 0)
    return [
        Row("static", "app.css Cache-Control", control or "(none)", "",
            "long or revalidate", long_lived or revalidates),
        Row("static", f"  URL in pages: {href[:30]}", "versioned" if "?" in href else "plain"),
        Row("static", "  ETag or Last-Modified / revalidation", f"{'yes' if validators else 'no'}"
            f" / {again.status}", "", "yes / 304", validators and again.status == 304),
        Row("static", "  compressed by the app", first.headers.get("content-encoding", "no")
            + f", {len(first.body):,} bytes"),
    ]  # fmt: skip


# --- main ----------------------------------------------------------------------------------


def machine() -> str:
    """Cores, load and versions, for the notes above the figures."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, load average {load}; Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def run_backend(label: str, url: str, args: argparse.Namespace, folder: Path) -> list[Row]:
    """Migrate, generate, serve and measure one database."""
    storm_seconds = 10.0 if args.quick else 60.0
    phase_seconds = 5.0 if args.quick else 15.0
    migrate(url)
    app = harness_app(url)
    emails, took = generate(app, args.staff)
    steps, pages = quiz_path(app), module_pages(app)
    print(f"\n== {label}: migrated, {len(emails):,} staff generated in {took:.1f} s")
    server = Server(url, args.workers, folder, args.worker_class, args.threads)
    print(f"gunicorn {server.label} on {server.base} (TRAINING_APP_ENV=production, {label})")
    rows: list[Row] = []
    try:
        storm_users = int(STORM_RATE * storm_seconds)
        flood_emails = emails[-FLOOD_USERS:]
        assert storm_users + FLOOD_USERS <= len(emails), "not enough staff for the storm"
        assert not set(flood_emails) & set(emails[: max(storm_users, args.inset_users)])
        rows += static_assets(server)
        # Warm-up, as a server is by 9 am: the integrity phase's people sign in and open their
        # home page and the module, so every worker has loaded the content library.
        flood_learners = [Learner(b) for b in asyncio.run(sign_in_many(server.port, flood_emails))]
        asyncio.run(warm_up(server.port, flood_learners))
        storm_rows, signed_in = login_storm(server, emails, storm_seconds)
        rows += storm_rows
        # The storm's people go on to their training; more sign in (untimed) if it was short.
        browsers = signed_in[: args.inset_users]
        if len(browsers) < args.inset_users:
            need = args.inset_users - len(browsers)
            more = emails[storm_users : storm_users + need]
            assert len(more) == need, "not enough staff for the INSET phase"
            browsers += asyncio.run(sign_in_many(server.port, more))
        learners = [Learner(b) for b in browsers]
        rows += inset_morning(server, learners, steps, pages, phase_seconds, folder, app)
        rows += integrity(server, flood_learners, steps, app)
    finally:
        server.stop()
        with app.app_context():
            from training_app.extensions import db

            db.engine.dispose()
    logged = server.errors_logged()
    rows.append(
        Row("server", "tracebacks / worker timeouts in its log", str(len(logged)), "", "0",
            not logged)
    )  # fmt: skip
    for text in logged[:5]:
        print(f"   log: {text}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run every scenario on each database; print the tables; 1 if any target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s storm, 5 s phases")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    # The production settings (training_app/ops/gunicorn_config.py): synchronous workers,
    # one per core. The other counts and worker classes are there to compare (bench/README.md).
    parser.add_argument(
        "--workers", type=int, default=gunicorn_config.workers, help="default: production's"
    )
    parser.add_argument(
        "--worker-class", default="", choices=["", "sync", "gthread"], help="default: production's"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--staff", type=int, default=2000, help="staff accounts generated")
    # Enough that no connection sends all of its learners' answers within the phase:
    # 1,600 x 11 answers last 15 s up to about 1,170 answers a second.
    parser.add_argument("--inset-users", type=int, default=1600, help="people in the INSET phase")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it: apt-get install -y wrk)")
        return 2
    sys.path.insert(0, str(ROOT))
    print(f"Training-day load benchmark ({'quick' if args.quick else 'full'})")
    print(f"machine: {machine()}; other jobs may be running")
    print("client: wrk (one connection per thread) and Python asyncio on the same 2 cores")
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    targets: list[tuple[str, str]] = []
    if args.only in (None, "sqlite"):
        targets.append(("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}"))
    if args.only in (None, "postgresql"):
        pg = fresh_database(PG_DATABASE)
        if pg:
            targets.append(("PostgreSQL", pg))
    ok = True
    tables = []
    for label, url in targets:
        folder = workdir / label.lower()
        folder.mkdir()
        rows = run_backend(label, url, args, folder)
        tables.append((label, rows))
        ok = ok and all(r.ok is not False for r in rows)
    for label, rows in tables:
        print_table(
            f"{label}: gunicorn {server_label(args.workers, args.worker_class, args.threads)}; "
            f"{machine()}",
            rows,
        )
    failed = [
        f"{label}: {r.scenario} {r.measure.strip()}"
        for label, rows in tables
        for r in rows
        if r.ok is False
    ]
    print("\nall targets met" if ok else "\nTARGETS MISSED:\n  " + "\n  ".join(failed))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
