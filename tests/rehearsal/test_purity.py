"""The generator, narrative, steps and scoring are pure: no Flask, no database."""

from __future__ import annotations

import subprocess
import sys

from tests.rules.conftest import REPO

PURE = (
    "training_app.rehearsal.generator",
    "training_app.rehearsal.narrative",
    "training_app.rehearsal.questions",
    "training_app.rehearsal.choices",
    "training_app.rehearsal.steps",
    "training_app.rehearsal.scoring",
)


def test_pure_modules_import_without_flask_or_sqlalchemy():
    code = (
        "import sys, importlib\n"
        f"for name in {PURE!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'flask_sqlalchemy', 'wtforms', 'fpdf', 'yaml'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == ""
