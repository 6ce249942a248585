"""Fixtures for the rules engine tests: guidance texts and a CLI runner (never a Flask app)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from training_app.rules import SOURCES

REPO = Path(__file__).resolve().parents[2]
GUIDANCE_DIR = REPO / "training_app" / "guidance"
Result = subprocess.CompletedProcess[str]

# The action ids the decision contract promises, in its order.
CONTRACT_ACTION_IDS = (
    "report_to_dsl_immediately",
    "view_imagery",
    "copy_print_or_share_imagery",
    "forward_imagery_to_dsl",
    "confiscate_device",
    "search_device_yourself",
    "delete_imagery_yourself",
    "ask_why_they_did_it",
    "reassure_the_child",
    "investigate_yourself",
    "record_what_you_were_told",
    "promise_to_keep_it_secret",
    "switch_device_to_flight_mode",
    "power_off_device",
)


def run_cli(*args: str, stdin: str = "") -> Result:
    """Run ``python -m training_app.rules *args`` in a fresh interpreter, feeding ``stdin``."""
    return subprocess.run(
        [sys.executable, "-m", "training_app.rules", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=60,
        check=False,
    )


def run_cli_many(calls: Sequence[tuple[Sequence[str], str]]) -> list[Result]:
    """Run many CLI calls ``(args, stdin)`` concurrently; results in the same order."""
    # Each call is a whole interpreter start-up, so running them side by side keeps the suite fast.
    workers = max(2, 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: run_cli(*call[0], stdin=call[1]), calls))


@pytest.fixture(scope="session")
def guidance() -> dict[str, str]:
    """Return {source id: text} of every vendored guidance document (described ones have none)."""
    return {
        source.id: (GUIDANCE_DIR / source.file).read_text(encoding="utf-8")
        for source in SOURCES.values()
        if source.vendored
    }
