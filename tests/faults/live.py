"""A real gunicorn server and a minimal cookie-keeping HTTP client, for fault tests."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused."""
    return free_port()


@contextmanager
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word: a hung server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for the app on a given database."""
    return {
        **os.environ,
        "TRAINING_APP_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "fault-tests-secret-key-0123456789abcdef",
        "FLASK_APP": "training_app",
        "MAIL_BACKEND": "console",
        **extra,
    }


def prepare_database(env: dict[str, str]) -> None:
    """Migrate from empty and seed the demo school, as `make run` does."""
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )


@dataclass
class Server:
    """gunicorn in production form, on a free loopback port."""

    env: dict[str, str]
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(default_factory=lambda: Path(tempfile.mkdtemp()) / "server.log")

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        """Start and wait until /healthz answers (server output goes to server.log)."""
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:training_app.ops.gunicorn_config",
                "--workers",
                str(self.workers),
                "--graceful-timeout",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "training_app:create_app()",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_healthy()
        return self

    def wait_healthy(self, seconds: float = 30) -> None:
        """Block until the server answers /healthz."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not come up")

    def worker_pids(self) -> list[int]:
        """PIDs of the master's worker processes."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)
        self.log.close()


class Client:
    """A browser-like client: keeps cookies, follows redirects, sends CSRF tokens."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.last_html = ""

    def get(self, path: str) -> tuple[int, str, str]:
        """GET a page: (status, final URL, body)."""
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, object], timeout: float = 30) -> tuple[int, str, str]:
        """POST a form (lists become repeated fields) with the last page's CSRF token."""
        fields = {"csrf_token": self.token(), **data}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(self.base + path, data=body), timeout)

    def token(self) -> str:
        """The CSRF token on the last page fetched."""
        match = CSRF_RE.search(self.last_html)
        assert match, "no CSRF token on the last page"
        return match.group(1)

    def _open(self, request: urllib.request.Request, timeout: float = 30) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                html = response.read().decode()
                self.last_html = html
                return response.status, response.geturl(), html
        except urllib.error.HTTPError as error:
            html = error.read().decode()
            self.last_html = html
            return error.code, error.geturl(), html

    def sign_in(self, email: str, password: str = "demo-training-2026") -> None:
        """Sign in through the form."""
        self.get("/sign-in")
        status, url, _ = self.post("/sign-in", {"email": email, "password": password})
        assert status == 200 and not url.endswith("/sign-in"), "sign-in failed"
