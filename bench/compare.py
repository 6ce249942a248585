"""Two versions of the app measured in turn: is a change faster, beyond this machine's noise?

Whole runs of `bench.load` vary by ±20 % between hours on a shared machine, more than most
changes gain. This runs the code at a git revision ("before") and the working tree
("after") side by side: each gets its own gunicorn and its own database of the same data,
and they are measured in alternating 10 s turns (who goes first alternates too), so both
see the same machine. It prints each turn against its own /healthz baseline, then the mean.

    .venv/bin/python -m bench.compare --before HEAD~1                 # PostgreSQL, reading
    .venv/bin/python -m bench.compare --before HEAD~1 --phase answer  # quiz answers (one turn)
    .venv/bin/python -m bench.compare --before main --only sqlite --rounds 6
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import load
from bench.pg import fresh_database
from training_app.ops import gunicorn_config

# Enough learners that a 10 s turn of answers cannot use them all up (13,200 answers).
LEARNERS = 1200
STAFF = 1500


def checkout(revision: str, folder: Path) -> Path:
    """A detached worktree of `revision` (removed by `remove_checkout`)."""
    tree = folder / "code-before"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), revision],
        cwd=load.ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return tree


def remove_checkout(tree: Path) -> None:
    """Remove the worktree made by `checkout`."""
    subprocess.run(
        ["git", "worktree", "remove", "--force", str(tree)], cwd=load.ROOT, capture_output=True
    )


class Contender:
    """One version: its code, database, server and signed-in learners."""

    def __init__(self, name: str, tree: Path, url: str, phase: str, folder: Path) -> None:
        self.name = name
        load.ROOT = tree  # migrations and gunicorn run from this tree
        load.migrate(url)
        self.app = load.harness_app(url)
        emails, _ = load.generate(self.app, STAFF)
        (folder / name).mkdir()
        self.server = load.Server(url, gunicorn_config.workers, folder / name)
        port = self.server.port
        self.learners = [
            load.Learner(b) for b in asyncio.run(load.sign_in_many(port, emails[:LEARNERS]))
        ]
        asyncio.run(load.start_attempts(port, self.learners, begin_quiz=False))
        if phase == "answer":
            asyncio.run(load.start_attempts(port, self.learners, begin_quiz=True))

    def lists(self, phase: str) -> tuple[list[list[str]], str]:
        """wrk's request lists for the phase, one per connection, and wrk's mode."""
        if phase == "read":
            return load.reading_lists(self.learners, load.module_pages(self.app)), "cycle"
        return load.answering_lists(self.learners, load.quiz_path(self.app)), "once"


def main(argv: list[str] | None = None) -> int:
    """Measure `--before` against the working tree; print each turn and the means."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision to compare against")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--phase", choices=["read", "answer"], default="read")
    parser.add_argument("--rounds", type=int, default=4, help="turns each (answers: 1)")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    rounds = 1 if args.phase == "answer" else args.rounds  # answers are used up in a turn
    here = load.ROOT
    folder = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    tree = checkout(args.before, folder)
    contenders: list[Contender] = []
    ratios: dict[str, list[float]] = {"before": [], "after": []}
    try:
        for name, code in (("before", tree), ("after", here)):
            if args.only == "postgresql":
                url = fresh_database(f"bench_compare_{name}")
                if url is None:
                    return 1
            else:
                url = f"sqlite:///{folder / name}.sqlite3"
            contenders.append(Contender(name, code, url, args.phase, folder))
        load.ROOT = here
        print(f"{args.only}, {args.phase}: {args.before} (before) against the working tree")
        for turn in range(rounds):
            for contender in contenders if turn % 2 == 0 else contenders[::-1]:
                lists, mode = contender.lists(args.phase)
                base, real = load.measure_pair(
                    contender.server, folder / f"{contender.name}{turn}", args.seconds, lists, mode
                )
                ratio = real.rate / base.rate if base.rate else 0.0
                ratios[contender.name].append(ratio)
                print(
                    f"turn {turn + 1} {contender.name:6s} {real.rate:7,.0f} req/s "
                    f"({ratio:.3f} x of {base.rate:,.0f})  p95 {real.p95_ms:4.0f} ms  "
                    f"CPU per request {1000 * real.server_cores / max(real.rate, 1):.2f} ms  "
                    f"errors {real.errors}"
                    + (f"  RAN OUT on {real.ran_out} connections" if real.ran_out else ""),
                    flush=True,
                )
    finally:
        for contender in contenders:
            contender.server.stop()
        load.ROOT = here
        remove_checkout(tree)
    for name, values in ratios.items():
        print(f"mean {name:6s} {sum(values) / len(values):.3f} x  ({len(values)} turns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
