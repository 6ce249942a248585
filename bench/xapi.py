"""The learner's answer with the xAPI outbox on and off, measured in alternating turns.

Two databases of the same data and two gunicorns of the same code (the working tree); in
one every trust sends to an LRS, so each answer also writes its outbox row (the LRS is
never asked during a request: its address here is a closed port). Answers are used up in
a turn, so each turn has learners of its own. The sides take turns (off then on, then on
then off, ...) so that both see the same machine, which other work keeps busy; each turn
pair gives one on/off p95 ratio, and the target is on the median of those.

    .venv/bin/python -m bench.xapi                   # SQLite
    .venv/bin/python -m bench.xapi --postgresql      # PostgreSQL beside BENCH_DATABASE_URL
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

from bench import load
from bench.pg import fresh_database
from training_app.ops import gunicorn_config

# The target: the outbox leaves the answer's p95 unchanged, within this machine's noise.
TARGET_P95_RATIO = 1.10
# Learners per turn: enough that a 6 s turn seldom uses them all up (7,700 answers).
LEARNERS_PER_TURN = 700


class Side:
    """One gunicorn and database, with the outbox on or off, and each turn's learners."""

    def __init__(self, name: str, url: str, folder: Path, *, outbox: bool, turns: int) -> None:
        self.name = name
        load.migrate(url)
        self.app = load.harness_app(url)
        emails, _ = load.generate(self.app, turns * LEARNERS_PER_TURN)
        if outbox:
            send_everything(self.app)
        (folder / name).mkdir()
        self.server = load.Server(url, gunicorn_config.workers, folder / name)
        port = self.server.port
        learners = [load.Learner(b) for b in asyncio.run(load.sign_in_many(port, emails))]
        asyncio.run(load.start_attempts(port, learners, begin_quiz=False))
        asyncio.run(load.start_attempts(port, learners, begin_quiz=True))
        self.turns = [
            learners[t * LEARNERS_PER_TURN : (t + 1) * LEARNERS_PER_TURN] for t in range(turns)
        ]
        self.steps = load.quiz_path(self.app)

    def measure(self, turn: int, folder: Path, seconds: float) -> load.WrkResult:
        """One turn of answers by this turn's learners; print it and return it."""
        lists = load.answering_lists(self.turns[turn], self.steps)
        base, real = load.measure_pair(
            self.server, folder / f"{self.name}{turn}", seconds, lists, "once"
        )
        print(
            f"turn {turn + 1} outbox {self.name:3s} {real.rate:6,.0f} answers/s  "
            f"p95 {real.p95_ms:6.1f} ms  p50 {real.p50_ms:6.1f} ms  "
            f"/healthz p95 {base.p95_ms:5.1f} ms  errors {real.errors}"
            + (f"  RAN OUT on {real.ran_out} connections" if real.ran_out else ""),
            flush=True,
        )
        return real


def send_everything(app: object) -> None:
    """Turn sending on for every trust (before the server starts, so no memo is stale)."""
    from training_app.admin.models import Trust
    from training_app.extensions import db
    from training_app.mfa.sealing import seal
    from training_app.xapi.models import LrsSettings

    with app.app_context():  # type: ignore[attr-defined]
        for trust in db.session.query(Trust):
            db.session.add(
                LrsSettings(
                    trust_id=trust.id,
                    enabled=True,
                    endpoint="http://127.0.0.1:9/xAPI/",
                    key="bench",
                    secret_sealed=seal("bench", app.config["SECRET_KEY"]),  # type: ignore[attr-defined]
                )
            )
        db.session.commit()


def outbox_rows(app: object) -> int:
    """How many rows the outbox holds."""
    from sqlalchemy import func, select

    from training_app.extensions import db
    from training_app.xapi.models import OutboxStatement

    with app.app_context():  # type: ignore[attr-defined]
        return int(db.session.scalar(select(func.count()).select_from(OutboxStatement)) or 0)


def main(argv: list[str] | None = None) -> int:
    """Alternating turns of answers, outbox off and on; each turn's p95 ratio and the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--turns", type=int, default=4, help="turns per side")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of one turn")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-xapi-"))
    sides: dict[str, Side] = {}
    ratios: list[float] = []
    try:
        for name, outbox in (("off", False), ("on", True)):
            if args.postgresql:
                url = fresh_database(f"bench_xapi_{name}")
                if url is None:
                    return 1
            else:
                url = f"sqlite:///{folder / name}.sqlite3"
            sides[name] = Side(name, url, folder, outbox=outbox, turns=args.turns)
        backend = "postgresql" if args.postgresql else "sqlite"
        print(f"{backend}: answers, outbox off and on, {args.turns} alternating turns each")
        for turn in range(args.turns):
            order = ("off", "on") if turn % 2 == 0 else ("on", "off")
            p95 = {name: sides[name].measure(turn, folder, args.seconds).p95_ms for name in order}
            ratios.append(p95["on"] / p95["off"] if p95["off"] else float("inf"))
            print(f"turn {turn + 1} on/off p95 ratio {ratios[-1]:.3f}", flush=True)
        written = outbox_rows(sides["on"].app)
        print(f"outbox rows written by the 'on' side: {written}; by the 'off' side: "
              f"{outbox_rows(sides['off'].app)}")  # fmt: skip
    finally:
        for side in sides.values():
            side.server.stop()
    median = statistics.median(ratios)
    verdict = "met" if median <= TARGET_P95_RATIO else "NOT met"
    print(
        f"median on/off p95 ratio {median:.3f} over {len(ratios)} turns "
        f"(target <= {TARGET_P95_RATIO:.2f}: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
