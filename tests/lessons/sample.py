"""A small pupil lesson written to a temporary content folder (until the real ones exist).

Used by the pure tests here, the web tests, the browser test's fallback and the benchmark.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MODULE = "pshe-sample"

INDEX: dict[str, Any] = {
    "module": MODULE,
    "title": "Pressure, consent and getting help",
    "audiences": ["pupil"],
    "estimated_minutes": 50,
    "version": "1.0",
    "outcomes": ["Know where to get help"],
    "citations": ["UKCCIS-2016 §1.6"],
    "age_band": "11-14",
}

PAGES = {
    "01-most-people.md": (
        {"title": "Most young people don't share nudes", "citations": ["UKCCIS-2016 §1.6"]},
        "Most young people do not share nude pictures [[UKCCIS-2016 §1.6]].\n",
    ),
    "02-the-law.md": (
        {"title": "The law is there to protect you", "citations": ["UKCCIS-2016 §2.0"]},
        "The law protects everyone under 18 [[UKCCIS-2016 §2.0]].\n",
    ),
}

QUIZ: dict[str, Any] = {
    "module": MODULE,
    "title": "What could they do?",
    "pass_mark": 0,
    "start": "most",
    "nodes": {
        "most": {
            "kind": "knowledge",
            "situation": "Sam hears that 'everyone' in Year 8 sends nudes.",
            "prompt": "Is that true?",
            "citations": ["UKCCIS-2016 §1.6"],
            "quote": "Most young people aren’t sharing sexual imagery of themselves",
            "choices": [
                {
                    "id": "no",
                    "label": "No, most young people don't",
                    "correct": True,
                    "feedback": "Most young people do not share nude pictures.",
                },
                {"id": "yes", "label": "Yes, everyone does"},
                {"id": "some", "label": "About half do"},
            ],
            "next": "story",
        },
        "story": {"kind": "info", "situation": "Later, Sam is asked for a picture.", "next": "law"},
        "law": {
            "kind": "knowledge",
            "prompt": "Who does the law protect?",
            "citations": ["UKCCIS-2016 §2.0"],
            "quote": "defines a child, for the purposes of indecent images, as anyone under "
            "the age of 18.",
            "select": "many",
            "choices": [
                {"id": "u18", "label": "Everyone under 18", "correct": True},
                {"id": "u16", "label": "Only people under 16"},
            ],
            "next": "end",
        },
    },
}


def _front(meta: dict[str, Any], body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body


def write_sample_library(root: Path) -> tuple[Path, Path]:
    """Write the sample pupil module into root/scenarios and root/quizzes; return both."""
    scenarios, quizzes = root / "scenarios", root / "quizzes"
    folder = scenarios / MODULE
    folder.mkdir(parents=True, exist_ok=True)
    quizzes.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_text(
        _front(INDEX, "A lesson about pressure and consent [[UKCCIS-2016 §1.6]].\n"),
        encoding="utf-8",
    )
    for name, (meta, body) in PAGES.items():
        (folder / name).write_text(_front(meta, body), encoding="utf-8")
    (quizzes / f"{MODULE}.yaml").write_text(
        yaml.safe_dump(QUIZ, allow_unicode=True), encoding="utf-8"
    )
    return scenarios, quizzes
