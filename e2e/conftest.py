"""Browser tests: Debian's Chromium driven by Playwright against a live gunicorn server.

Every page a test visits must pass axe-core's WCAG 2.2 A/AA rules (`audit`), and no
request may leave the app's own origin: schools filter the network and the CSP forbids it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from e2e.codes import totp_code
from tests.conftest import (
    POSTGRES_AVAILABLE,
    SKIP_POSTGRES_REASON,
    empty_postgres_database,
    pytest_unconfigure,  # noqa: F401 - stops the private PostgreSQL
    worker_database,
)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DEMO_PASSWORD = "demo-training-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


def _seeded(workdir: Path, database_url: str) -> dict[str, str]:
    """Environment for an instance on `database_url`, migrated and demo-seeded."""
    env = {
        **os.environ,
        "TRAINING_APP_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "e2e-secret-key-for-tests-only",
        "FLASK_APP": "training_app",
        "MAIL_BACKEND": "console",
    }
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run(flask + command, env=env, cwd=ROOT, check=True, capture_output=True)
    env["E2E_WORKDIR"] = str(workdir)
    return env


@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for a fresh, migrated, demo-seeded SQLite instance."""
    workdir = tmp_path_factory.mktemp("e2e")
    return _seeded(workdir, f"sqlite:///{workdir / 'e2e.sqlite3'}")


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn on a free loopback port: one worker, eight threads.

    Threaded, not production's synchronous workers: here Chromium talks to gunicorn directly,
    with no buffering proxy, and opens spare connections that a synchronous worker would
    sit waiting on.
    """
    port = _free_port()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "1",
                "--threads",
                "8",
                "--bind",
                f"127.0.0.1:{port}",
                "training_app:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def own_server(
    tmp_path_factory: pytest.TempPathFactory, name: str, **settings: str
) -> Iterator[str]:
    """A server on a demo-seeded SQLite database of its own, for journeys that change data."""
    workdir = tmp_path_factory.mktemp(f"e2e-{name}")
    env = {**_seeded(workdir, f"sqlite:///{workdir / name}.sqlite3"), **settings}
    with serve(env, workdir / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def base_url(server_env: dict[str, str]) -> Iterator[str]:
    """The shared server for the browser tests, on the migrated, demo-seeded database."""
    with serve(server_env, Path(server_env["E2E_WORKDIR"]) / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def postgresql_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server, on PostgreSQL, for journeys whose code differs there.

    Skipped, saying why, where TEST_DATABASE_URL is unset and no PostgreSQL can be started.
    """
    if not POSTGRES_AVAILABLE:
        pytest.skip(SKIP_POSTGRES_REASON)
    url = worker_database("e2e")
    empty_postgres_database(url)
    workdir = tmp_path_factory.mktemp("e2e-postgresql")
    with serve(_seeded(workdir, url), workdir / "server.log") as served:
        yield served


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Auditor:
    """Runs axe on pages and remembers which URLs were checked."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.audited: set[str] = set()

    def __call__(self, page: Page) -> None:
        """Fail on any WCAG 2.2 A/AA violation on the page as it is now."""
        # A click that navigates returns once the navigation starts: audit the new page.
        page.wait_for_load_state("load")
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in violations
        ]
        assert not violations, f"axe violations on {page.url}:\n" + "\n".join(details)
        self.audited.add(page.url.split("#")[0])


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A fresh browser profile that records every request leaving the app's origin."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    origin = urlsplit(base_url).netloc
    foreign: list[str] = []
    ctx.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlsplit(r.url).scheme in {"http", "https"} and urlsplit(r.url).netloc != origin
            else None
        ),
    )
    yield ctx
    ctx.close()
    assert foreign == [], f"requests left the app's origin: {foreign}"


@pytest.fixture
def audit() -> Auditor:
    """The accessibility checker for this test."""
    return Auditor()


@pytest.fixture
def page(context: BrowserContext, audit: Auditor) -> Iterator[Page]:
    """A page that fails the test on CSP violations, script errors or unaudited pages."""
    page = context.new_page()
    problems: list[str] = []
    visited: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "framenavigated",
        lambda f: visited.append(f.url.split("#")[0]) if f == page.main_frame else None,
    )
    yield page
    assert problems == [], f"browser errors: {problems}"
    unaudited = [u for u in visited if u not in audit.audited and u != "about:blank"]
    assert unaudited == [], f"pages visited without an accessibility check: {unaudited}"


@pytest.fixture
def sign_in(page: Page, audit: Auditor) -> Callable[[str], None]:
    """Sign in through the real form as a demo user, with a code when the account asks."""

    def do(email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/sign-in")
        audit(page)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        audit(page)
        if urlsplit(page.url).path == "/sign-in/code":
            page.get_by_label("Code from your authenticator app").fill(totp_code(email))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
            audit(page)

    return do
