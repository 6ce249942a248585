"""Class lessons under load: a class answering at once, 50 classes at once, idle classes.

    python -m bench.lessons [--workers N --sessions 50 --pupils 35]
    python -m bench.lessons --postgresql     # a fresh `bench_lessons` next to $BENCH_DATABASE_URL

Starts gunicorn with the production settings (training_app/ops/gunicorn_config.py) on
127.0.0.1 against a fresh demo-seeded SQLite database (or PostgreSQL, or
--database-url), sets up the sessions and joins the pupils, then measures in one run:
  1. baseline: GET /healthz, at the same concurrency or arrival rate as each phase;
  2. one session: its 35 pupils answer at the same moment (--single-runs sessions in turn);
     each answer is a POST (timed) then the page it redirects to (load, not timed);
  3. 50 concurrent sessions: every pupil answers once within --answer-window seconds while
     every screen polls as lessons.js does (every 4 s +-20 %, with If-None-Match);
  4. stress: all 1750 answers to the next question back to back on --client-threads
     connections (throughput, and latency under that queue);
  5. idle: every screen polls for --idle-seconds: the server's request rate, the share of
     304s, latency, and the server's CPU (cores) from /proc.
Answer latency target: p95 under 200 ms (exit status 1 if missed). Bounded in count (at
most 5000 pupils) and time (--max-seconds for the set-up); not run by the test suite.
"""

from __future__ import annotations

import argparse
import heapq
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.pg import fresh_database
from training_app.ops import gunicorn_config

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 200.0
Result = tuple[str, int, float]  # (kind, status, seconds)

WSGI = """
from training_app import create_app
from training_app.config import PROJECT_ROOT, settings_from_environment

settings = settings_from_environment(str(PROJECT_ROOT / "instance"))
settings.update({overrides!r})
app = create_app(settings)
"""

# The schema from the models (the lesson tables may not have a migration yet).
CREATE_SCHEMA = """
from training_app import create_app
from training_app.extensions import db

app = create_app()
with app.app_context():
    db.create_all()
"""


class Client:
    """One keep-alive HTTP connection with a cookie jar (enough for this app)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies = dict(cookies or {})

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, etag: str = ""
    ) -> tuple[int, dict[str, str], bytes, float]:
        """Send one request; returns status, headers, body and seconds taken."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
        if etag:
            headers["If-None-Match"] = f'W/"{etag}"'
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                took = time.perf_counter() - started
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, dict(response.headers), payload, took
        raise RuntimeError("unreachable")


CSRF_RE = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
CODE_RE = re.compile(rb'class="join-code">.*?</span>([A-Z0-9-]{9})<', re.S)
FORM_RE = re.compile(
    rb'name="node" value="([^"]+)">\s*<input type="hidden" name="token" value="(\w+)"'
)
CHOICE_RE = re.compile(rb'name="choice" id="[^"]+" value="([^"]+)"')


@dataclass
class Pupil:
    """A simulated pupil: one connection for answering, one for the screen's polls."""

    client: Client
    code: str
    poller: Client | None = None
    form: dict[str, str] = field(default_factory=dict)
    etag: str = ""


def start_server(args: argparse.Namespace, folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Schema, demo data, then gunicorn with the per-address join limits lifted."""
    overrides: dict[str, str] = {
        # Every simulated pupil comes from 127.0.0.1.
        "LESSON_JOIN_LIMIT": "1000000 per minute",
        "LESSON_JOIN_FAILURE_LIMIT": "1000000 per minute",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
    }
    sys.path.insert(0, str(ROOT))
    from training_app.content.loader import load_library

    real = load_library(ROOT / "scenarios", ROOT / "quizzes")
    if not any("pupil" in m.audiences for m in real.modules.values()):
        from tests.lessons.sample import write_sample_library

        scenarios, quizzes = write_sample_library(folder / "content")
        overrides.update(SCENARIOS_DIR=str(scenarios), QUIZZES_DIR=str(quizzes))
    env = {
        **os.environ,
        "TRAINING_APP_ENV": "development",
        "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "FLASK_APP": "training_app",
    }
    for command in (["-c", CREATE_SCHEMA], ["-m", "flask", "demo", "seed"]):
        subprocess.run(
            [sys.executable, *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    (folder / "lessons_wsgi.py").write_text(WSGI.format(overrides=overrides))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:training_app.ops.gunicorn_config",
         "--workers", str(args.workers), "--pythonpath", str(folder),
         "--bind", f"127.0.0.1:{port}", "lessons_wsgi:app"],
        env=env, cwd=ROOT, stdout=(folder / "server.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(150):
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"server did not start; see {folder / 'server.log'}")


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of gunicorn and its workers so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    except OSError:
        return float("nan")
    total = 0.0
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --- set-up --------------------------------------------------------------------------------


def teacher_client(port: int) -> tuple[Client, str]:
    """A signed-in member of staff, and the first pupil lesson on offer."""
    teacher = Client(port)
    token = CSRF_RE.search(teacher.request("GET", "/sign-in")[2])[1].decode()  # type: ignore[index]
    form = {"csrf_token": token, "email": "staff@northfield.demo", "password": "demo-training-2026"}
    assert teacher.request("POST", "/sign-in", form)[0] == 302, "sign-in failed"
    page = teacher.request("GET", "/lessons")[2]
    lesson = re.search(rb'name="lesson" id="lesson-0" value="([^"]+)"', page)
    assert lesson, "no pupil lesson in the library"
    return teacher, lesson[1].decode()


def start_session(teacher: Client, lesson: str, label: str) -> tuple[int, str]:
    token = CSRF_RE.search(teacher.request("GET", "/lessons")[2])[1].decode()  # type: ignore[index]
    form = {"csrf_token": token, "lesson": lesson, "class_label": label}
    status, headers, _, _ = teacher.request("POST", "/lessons", form)
    assert status == 303, f"start failed ({status})"
    session_id = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
    code = CODE_RE.search(teacher.request("GET", f"/lessons/{session_id}")[2])[1]  # type: ignore[index]
    return session_id, code.decode().replace("-", "")


def next_question(teacher: Client, session_id: int) -> None:
    """Show the answer if a question is open, then move on to the next question."""
    for _ in range(60):
        page = teacher.request("GET", f"/lessons/{session_id}")[2]
        position = re.search(rb'name="position" value="(\d+)"', page)[1].decode()  # type: ignore[index]
        token = CSRF_RE.search(page)[1].decode()  # type: ignore[index]
        action = "reveal" if b"Show the answer" in page else "next"
        form = {"csrf_token": token, "position": position, "action": action}
        teacher.request("POST", f"/lessons/{session_id}/control", form)
        if b"Show the answer" in teacher.request("GET", f"/lessons/{session_id}")[2]:
            return
    raise RuntimeError("no further question in the lesson")


def join(port: int, code: str) -> Pupil:
    pupil = Pupil(Client(port), code)
    assert pupil.client.request("POST", f"/j/{code}/join")[0] == 303, "join failed"
    pupil.poller = Client(port, pupil.client.cookies)
    return pupil


def read_question(pupil: Pupil) -> None:
    """Load the question as the pupil's screen does; pick an answer; keep the ETag."""
    _, headers, page, _ = pupil.client.request("GET", f"/j/{pupil.code}")
    found = FORM_RE.search(page)
    assert found, "the pupil sees no question"
    choice = random.choice(CHOICE_RE.findall(page)).decode()
    pupil.form = {"node": found[1].decode(), "token": found[2].decode(), "choice": choice}
    pupil.etag = headers.get("ETag", "").removeprefix("W/").strip('"')


# --- load ----------------------------------------------------------------------------------


def answer(pupil: Pupil) -> Result:
    """Send the answer, then load the page it leads to, as the browser does (not timed)."""
    status, _, _, took = pupil.client.request("POST", f"/j/{pupil.code}/answer", pupil.form)
    _, headers, _, _ = pupil.client.request("GET", f"/j/{pupil.code}")
    pupil.etag = headers.get("ETag", "").removeprefix("W/").strip('"') or pupil.etag
    return "answer", status, took


def poll(pupil: Pupil) -> Result:
    """One poll, as lessons.js sends it; a changed page brings a new ETag."""
    assert pupil.poller is not None
    status, headers, _, took = pupil.poller.request("GET", f"/j/{pupil.code}", etag=pupil.etag)
    pupil.etag = headers.get("ETag", "").removeprefix("W/").strip('"') or pupil.etag
    return "poll", status, took


_local = threading.local()


def healthz(port: int) -> Result:
    """GET /healthz on this thread's own connection (the baseline)."""
    if getattr(_local, "client", None) is None:
        _local.client = Client(port)
    status, _, _, took = _local.client.request("GET", "/healthz")
    return "healthz", status, took


def at_once(calls: list[Callable[[], Result]]) -> list[Result]:
    """Run each call on its own thread, all released together."""
    barrier = threading.Barrier(len(calls))
    results: list[Result] = []
    lock = threading.Lock()

    def run(call: Callable[[], Result]) -> None:
        barrier.wait()
        result = call()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def pooled(calls: list[Callable[[], Result]], workers: int) -> tuple[list[Result], float]:
    """Run calls back to back on a bounded pool; returns results and wall seconds."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda call: call(), calls))
    return results, time.perf_counter() - started


def scheduled(
    polls: list[Callable[[], Result]],
    once: list[tuple[float, Callable[[], Result]]],
    seconds: float,
    every: float,
    workers: int,
) -> tuple[list[Result], float]:
    """Polls repeating every `every` s (+-20 %) and one-off calls at given offsets, for
    `seconds`, on a bounded pool; returns results and wall seconds."""
    start = time.monotonic()
    due: list[tuple[float, int, int]] = [
        (start + random.uniform(0, every), 0, i) for i in range(len(polls))
    ]
    due += [(start + offset, 1, i) for i, (offset, _) in enumerate(once)]
    heapq.heapify(due)
    lock = threading.Lock()
    results: list[Result] = []

    def worker() -> None:
        while True:
            with lock:
                if not due or due[0][0] >= start + seconds:
                    return
                when, kind, i = heapq.heappop(due)
            time.sleep(max(0.0, when - time.monotonic()))
            result = polls[i]() if kind == 0 else once[i][1]()
            with lock:
                results.append(result)
                if kind == 0:
                    heapq.heappush(due, (when + every * random.uniform(0.8, 1.2), 0, i))

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - start


# --- report --------------------------------------------------------------------------------


def stats(results: list[Result], kind: str) -> dict[str, float]:
    ms = sorted(took * 1000 for k, _, took in results if k == kind)
    p95 = ms[min(len(ms) - 1, max(0, -(-95 * len(ms) // 100) - 1))]
    return {"n": len(ms), "p50": statistics.median(ms), "p95": p95, "max": ms[-1]}


def line(label: str, value: str) -> str:
    return f"   {label + ':':<24}{value}"


def fmt(s: dict[str, float]) -> str:
    return f"n={s['n']:.0f} p50={s['p50']:.1f} ms p95={s['p95']:.1f} ms max={s['max']:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--workers", type=int, default=gunicorn_config.workers, help="default: production's")
    add("--sessions", type=int, default=50)
    add("--pupils", type=int, default=35)
    add("--single-runs", type=int, default=5, help="one-session bursts to time")
    add("--client-threads", type=int, default=64)
    add("--answer-window", type=float, default=10, help="phase 3: seconds to answer in")
    add("--idle-seconds", type=float, default=20)
    add("--poll-seconds", type=float, default=4)
    add("--max-seconds", type=float, default=600, help="limit on the set-up")
    add("--database-url", default="", help="default: a fresh SQLite file")
    add(
        "--postgresql",
        action="store_true",
        help="a fresh `bench_lessons` database next to $BENCH_DATABASE_URL",
    )
    args = parser.parse_args()
    if args.postgresql:
        args.database_url = fresh_database("bench_lessons") or ""
        if not args.database_url:
            return
    if args.sessions * args.pupils > 5000:
        parser.error("at most 5000 simulated pupils")
    folder = Path(tempfile.mkdtemp(prefix="bench-lessons-"))
    process, port = start_server(args, folder)
    try:
        run(args, port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def compared(results: list[Result], kind: str, base: list[Result]) -> list[str]:
    """Latency of `kind` next to the /healthz baseline measured the same way."""
    got, ref = stats(results, kind), stats(base, "healthz")
    return [
        line(f"{kind} {'POST' if kind == 'answer' else 'GET'}", fmt(got)),
        line("statuses", str(sorted({s for k, s, _ in results if k == kind}))),
        line("baseline /healthz", fmt(ref)),
        line("p95 vs baseline", f"{got['p95'] / ref['p95']:.1f}x"),
    ]


def run(args: argparse.Namespace, port: int, pid: int) -> None:
    """Set up, measure, print."""
    deadline = time.monotonic() + args.max_seconds
    teacher, lesson = teacher_client(port)
    database = args.database_url.split(":", 1)[0] if args.database_url else "sqlite"
    print(f"gunicorn sync x {args.workers} workers (production settings), 127.0.0.1, {database}")
    print(f"lesson {lesson}: {args.sessions} sessions x {args.pupils} pupils\n")
    total = args.single_runs + args.sessions
    sessions = [start_session(teacher, lesson, f"B{i}") for i in range(total)]
    threads, every, window = args.client_threads, args.poll_seconds, args.answer_window
    with ThreadPoolExecutor(max_workers=threads) as pool:
        classes = [
            list(pool.map(lambda _, c=c: join(port, c), range(args.pupils))) for _, c in sessions
        ]
        list(pool.map(lambda s: next_question(Client(port, teacher.cookies), s[0]), sessions))
        list(pool.map(read_question, [p for c in classes for p in c]))
    assert time.monotonic() < deadline, "set-up took longer than --max-seconds"
    singles, many = classes[: args.single_runs], [p for c in classes[args.single_runs :] for p in c]
    check = [lambda: healthz(port)] * len(many)
    out = [f"1-2. one session: {args.pupils} answers at once ({len(singles)} sessions in turn)"]
    base = [r for _ in singles for r in at_once([lambda: healthz(port)] * args.pupils)]
    one = [r for c in singles for r in at_once([lambda p=p: answer(p) for p in c])]
    out += compared(one, "answer", base)

    # Every session at once: answers spread over the window, every screen polling.
    polls = [lambda p=p: poll(p) for p in many]
    answers = [(random.uniform(0, window), lambda p=p: answer(p)) for p in many]
    cpu = server_cpu_seconds(pid)
    mixed, wall = scheduled(polls, answers, window + 1, every, threads)
    cpu = server_cpu_seconds(pid) - cpu
    same = [(offset, lambda: healthz(port)) for offset, _ in answers]
    base_mixed, _ = scheduled(check, same, window + 1, every, threads)
    out += [f"3. {args.sessions} sessions at once: {len(many)} answers within {window:g} s"]
    out += compared(mixed, "answer", base_mixed)
    out += [line("poll GET meanwhile", fmt(stats(mixed, "poll")))]
    out += [line("request rate", f"{len(mixed) / wall:.0f} req/s")]
    out += [line("server CPU", f"{cpu / wall:.2f} cores")]

    # Stress: the next question's answers all back to back.
    with ThreadPoolExecutor(max_workers=threads) as pool:
        move = [s for s, _ in sessions[args.single_runs :]]
        list(pool.map(lambda s: next_question(Client(port, teacher.cookies), s), move))
        list(pool.map(read_question, many))
    flood, flood_wall = pooled([lambda p=p: answer(p) for p in many], threads)
    out += [f"4. stress: {len(many)} answers back to back on {threads} connections"]
    out += compared(flood, "answer", pooled(check, threads)[0])
    out += [line("throughput", f"{len(many) / flood_wall:.0f} answers/s")]

    # Idle: every screen waits, showing the page it got after answering.
    pooled(polls, threads)
    cpu = server_cpu_seconds(pid)
    idle, idle_wall = scheduled(polls, [], args.idle_seconds, every, threads)
    cpu = server_cpu_seconds(pid) - cpu
    share = 100 * sum(1 for _, s, _ in idle if s == 304) / len(idle)
    out += [f"5. idle: {len(many)} screens polling every {every:g} s for {idle_wall:.0f} s"]
    out += compared(idle, "poll", scheduled(check, [], args.idle_seconds, every, threads)[0])
    out += [
        line("request rate", f"{len(idle) / idle_wall:.0f} req/s (expect {len(many) / every:.0f})"),
        line("304 Not Modified", f"{share:.1f} %"),
        line("server CPU", f"{cpu / idle_wall:.2f} cores ({cpu:.1f} s in {idle_wall:.0f} s)"),
    ]
    met = all(stats(r, "answer")["p95"] < TARGET_P95_MS for r in (one, mixed))
    out += ["", f"answer p95 < {TARGET_P95_MS:.0f} ms (phases 1-3): {'met' if met else 'NOT met'}"]
    print("\n".join(out))
    if not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
