"""Debian's HAProxy with ops/haproxy.cfg in front of bench/load.py's gunicorn servers, and
the failure it must notice: a server killed, timed until HAProxy has it DOWN."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import HOST, ROOT, Server

CONFIG = ROOT / "ops" / "haproxy.cfg"
POLL_S = 0.05


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Balancer:
    """Debian's HAProxy running ops/haproxy.cfg in front of two servers, on loopback."""

    def __init__(self, servers: Sequence[Server], folder: Path, maxconn: int) -> None:
        self.port = free_port()
        self.socket = folder / "haproxy.sock"
        self.log = folder / "haproxy.log"
        env = {
            **os.environ,
            "LB_BIND": f"{HOST}:{self.port}",
            "LB_STATS_SOCKET": str(self.socket),
            "APP_MAXCONN": str(maxconn),
            "APP1_ADDR": f"{HOST}:{servers[0].port}",
            "APP2_ADDR": f"{HOST}:{servers[1].port}",
            "LB_LOG": "stdout",  # into haproxy.log
            "LB_TRACE_SERVER": "1",  # the X-Served-By header: who answered each request
        }
        subprocess.run(["haproxy", "-c", "-q", "-f", str(CONFIG)], env=env, check=True)
        with self.log.open("wb") as out:  # HAProxy keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                ["haproxy", "-db", "-f", str(CONFIG)],
                env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if all(s == "UP" for s in self.statuses().values()):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"HAProxy did not see both servers UP; see {self.log}")

    def stats(self) -> dict[str, dict[str, str]]:
        """`show stat` on the stats socket: the backend's servers, by name, column by column."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(self.socket))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {
            r["svname"]: r
            for r in rows
            if r.get("pxname") == "app" and r["svname"] not in ("BACKEND", "FRONTEND")
        }

    def statuses(self) -> dict[str, str]:
        """Each server's state as HAProxy sees it: UP, "UP 1/2" (failing), DOWN..."""
        return {name: row["status"] for name, row in self.stats().items()}

    def stop(self) -> None:
        """Stop HAProxy."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def running(pid: int) -> bool:
    """Whether a process still runs (a killed one not yet reaped is a zombie: state Z)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def signal_server(server: Server, number: int) -> list[int]:
    """Send a signal to a gunicorn master, then to its workers; the workers' pids."""
    master = server.process.pid
    workers = [
        int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ]
    for pid in (master, *workers):
        os.kill(pid, number)
    return workers


def kill(server: Server) -> list[int]:
    """SIGKILL a gunicorn master, then its workers, as when a machine dies; any left running."""
    workers = signal_server(server, signal.SIGKILL)
    deadline = time.monotonic() + 2  # a killed process can take a moment to exit
    while (left := [pid for pid in workers if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.01)
    return left


def until(
    balancer: Balancer, name: str, wanted: Callable[[str], bool], since: float, limit: float = 15
) -> float | None:
    """Seconds from `since` until the server's status is `wanted` (read every 50 ms), or None."""
    while time.monotonic() - since < limit:
        if wanted(balancer.statuses()[name]):
            return time.monotonic() - since
        time.sleep(POLL_S)
    return None


@dataclass
class Failure:
    """Kills app1 once `at` answers are in, then times HAProxy's view of it."""

    server: Server
    balancer: Balancer
    at: int
    answers: int = 0
    killed_at: float = 0.0  # time.monotonic()
    first_failed_check: float | None = None  # seconds after the kill
    down_after: float | None = None  # seconds after the kill
    survivors: list[int] = field(default_factory=list)
    watcher: threading.Thread | None = None

    def answered(self) -> None:
        """Count one accepted answer; the at-th kills app1."""
        self.answers += 1
        if self.answers == self.at:
            self.kill()

    def kill(self) -> None:
        """Kill app1 now; a thread (away from the clients' loop) times HAProxy taking it out."""
        self.killed_at = time.monotonic()
        self.watcher = threading.Thread(target=self.watch, daemon=True)
        self.watcher.start()
        self.survivors = kill(self.server)

    def watch(self) -> None:
        """Seconds until HAProxy's first failure for app1, then until app1 is DOWN."""
        since = self.killed_at
        self.first_failed_check = until(self.balancer, "app1", lambda s: s != "UP", since)
        self.down_after = until(self.balancer, "app1", lambda s: s.startswith("DOWN"), since)

    def seconds(self, moment: float) -> float:
        """A moment as seconds after the kill."""
        return moment - self.killed_at
