"""The learner's answer with the xAPI outbox on and off, measured in the same run.

Two databases of the same data and two gunicorns of the same code (the working tree); in
one every trust sends to an LRS, so each answer also writes its statement to the outbox
(the LRS is never asked during a request: its address here is a closed port). Measured as
`bench.compare` measures two versions: one turn of quiz answers each.

    .venv/bin/python -m bench.xapi                   # SQLite
    .venv/bin/python -m bench.xapi --postgresql      # PostgreSQL at BENCH_DATABASE_URL
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bench import compare, load
from bench.pg import fresh_database
from training_app.ops import gunicorn_config


class Side(compare.Contender):
    """`compare.Contender` for the working tree, with the outbox on or off."""

    def __init__(self, name: str, url: str, folder: Path, *, outbox: bool) -> None:
        self.name = name
        load.migrate(url)
        self.app = load.harness_app(url)
        emails, _ = load.generate(self.app, compare.STAFF)
        if outbox:
            send_everything(self.app)
        (folder / name).mkdir()
        self.server = load.Server(url, gunicorn_config.workers, folder / name)
        port = self.server.port
        self.learners = [
            load.Learner(b)
            for b in asyncio.run(load.sign_in_many(port, emails[: compare.LEARNERS]))
        ]
        asyncio.run(load.start_attempts(port, self.learners, begin_quiz=False))
        asyncio.run(load.start_attempts(port, self.learners, begin_quiz=True))


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


def main(argv: list[str] | None = None) -> int:
    """Answers with the outbox off, then on (and the other way round); print p95 of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--on-first", action="store_true", help="measure the outbox on first")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-xapi-"))
    sides: list[Side] = []
    try:
        for name, outbox in (("off", False), ("on", True)):
            if args.postgresql:
                url = fresh_database(f"bench_xapi_{name}")
                if url is None:
                    return 1
            else:
                url = f"sqlite:///{folder / name}.sqlite3"
            sides.append(Side(name, url, folder, outbox=outbox))
        print(f"{'postgresql' if args.postgresql else 'sqlite'}, answers: outbox off and on")
        for side in sides[::-1] if args.on_first else sides:
            lists, mode = side.lists("answer")
            base, real = load.measure_pair(
                side.server, folder / side.name, args.seconds, lists, mode
            )
            print(
                f"outbox {side.name:3s} {real.rate:7,.0f} req/s  p95 {real.p95_ms:5.1f} ms  "
                f"(p50 {real.p50_ms:.1f} ms; /healthz p95 {base.p95_ms:.1f} ms)  "
                f"errors {real.errors}",
                flush=True,
            )
        with sides[1].app.app_context():
            from sqlalchemy import func, select

            from training_app.extensions import db
            from training_app.xapi.models import OutboxStatement

            written = db.session.scalar(select(func.count()).select_from(OutboxStatement))
        print(f"statements written to the outbox by the 'on' side: {written}")
    finally:
        for side in sides:
            side.server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
