"""A real Learning Record Store for the tests: Ralph on loopback with its file-system backend.

Ralph is installed into its own virtualenv (`.venv-lrs/`, made on first use) so its
dependencies never meet the app's. Each test gets a fresh LRS: an empty directory, one
Basic-auth account, and uvicorn on a free port, stopped after the test.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-lrs"
RALPH = "ralph-malph[lrs]==5.1.0"
# Ralph 5.1's API imports requests (for OpenID Connect) without declaring it for the LRS.
EXTRA = "requests>=2"
KEY, SECRET = "training-app", "lrs-secret-for-tests"
# Ralph 5.1's file-system LRS writes its one file with CREATE, so a second POST fails with
# a 500 (the file exists); appending is what an LRS needs, so the server starts with that.
_SERVE = """
import sys, uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
_HASH = "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt()).decode())"


def ensure_venv() -> Path:
    """The LRS's virtualenv, created and filled from PyPI the first time."""
    python = VENV / "bin" / "python"
    # `make test` runs two pytest workers: the first to take the lock installs, the other waits.
    with open(ROOT / ".venv-lrs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (VENV / ".installed").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            pip = [str(python), "-m", "pip", "install", "--quiet", RALPH, EXTRA]
            subprocess.run(pip, check=True)
            (VENV / ".installed").touch()
    return python


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Lrs:
    """One Ralph server: start, stop (and start again on the same port and data), query."""

    def __init__(self, python: Path, directory: Path) -> None:
        self.python, self.directory = python, directory
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen[bytes] | None = None
        hashed = subprocess.run(
            [
                str(python),
                "-c",
                _HASH,
                SECRET,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        account = {
            "username": KEY,
            "hash": hashed,
            "scopes": ["all"],
            "agent": {"mbox": "mailto:lrs@example.org"},
        }
        (directory / "auth.json").write_text(json.dumps([account]))

    def start(self) -> None:
        """Run the server and wait until it answers."""
        env = {
            **os.environ,
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.directory),
            "RALPH_AUTH_FILE": str(self.directory / "auth.json"),
            # Ralph records every write in a history file, by default one per user
            # (~/.config/ralph/history.json). Two pytest workers' servers rewriting that
            # one file at once corrupt it, and the next write or read answers 500.
            "RALPH_HISTORY_FILE": str(self.directory / "history.json"),
        }
        self.process = subprocess.Popen(
            [str(self.python), "-c", _SERVE, str(self.port)],
            env=env,
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the LRS did not start")

    def stop(self) -> None:
        """Stop the server (its statements stay on disk for a restart)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        request = urllib.request.Request(
            self.endpoint + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Authorization": f"Basic {token}",
                "Content-Type": "application/json",
                "X-Experience-API-Version": "1.0.3",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as refused:
            text = refused.read()
            try:
                return refused.code, json.loads(text or b"null")
            except ValueError:
                return refused.code, text.decode(errors="replace")

    def statements(self, verb: str | None = None) -> list[dict[str, Any]]:
        """Every statement the LRS holds (GET /xAPI/statements, all pages), or one verb's.

        Ralph 5.1's file-system backend compares the `verb` query parameter (parsed as an
        IRI object) with the stored string and so never matches: the verb is filtered here.
        """
        found: list[dict[str, Any]] = []
        path = "statements?limit=500"
        while path:
            status, page = self._request("GET", path)
            assert status == 200, page
            found.extend(page["statements"])
            more = page.get("more")
            path = more.split("/xAPI/", 1)[1] if more else ""
        return [s for s in found if verb is None or s["verb"]["id"].rsplit("/", 1)[1] == verb]

    def post(self, statements: list[dict[str, Any]]) -> tuple[int, Any]:
        """POST statements straight to the LRS (as another system would)."""
        return self._request("POST", "statements", statements)
