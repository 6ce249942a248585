"""Fixtures for the content tests: build small content folders in tmp_path from Python data."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from training_app.content import Library, Problem, check, load_library

REPO = Path(__file__).resolve().parents[2]

INDEX: dict[str, Any] = {
    "module": "m",
    "title": "A module",
    "audiences": ["staff"],
    "estimated_minutes": 10,
    "version": "1.0",
    "outcomes": ["Report to the DSL"],
    "citations": ["UKCCIS-2016 §3.1"],
}

# A small quiz that passes the checker: one node of each kind, and a branch.
QUIZ: dict[str, Any] = {
    "module": "m",
    "title": "A quiz",
    "pass_mark": 80,
    "start": "tell",
    "nodes": {
        "tell": {
            "kind": "action",
            "situation": "A pupil tells you about an image [[UKCCIS-2016 §3.2]].",
            "prompt": "What do you do?",
            "choices": [
                {"id": "report", "label": "Tell the DSL", "action": "report_to_dsl_immediately"},
                {
                    "id": "forward",
                    "label": "Forward it to the DSL",
                    "action": "forward_imagery_to_dsl",
                    "feedback": "Sharing it is illegal [[UKCCIS-2016 §5.1]].",
                    "next": "aside",
                },
            ],
            "next": "refer",
        },
        "aside": {"kind": "info", "situation": "Let's think again.", "next": "refer"},
        "refer": {
            "kind": "decision",
            "facts": {"pupils": [{"age": 15}], "adult_involved": True},
            "ask": "refer_immediately",
            "prompt": "Refer now?",
            "choices": [
                {"id": "yes", "label": "Yes", "value": True},
                {"id": "no", "label": "No", "value": False},
            ],
            "next": "law",
        },
        "law": {
            "kind": "knowledge",
            "prompt": "Who is a child for indecent images?",
            "citations": ["UKCCIS-2016 §2.0"],
            "quote": "defines a child, for the purposes of indecent images, as anyone under "
            "the age of 18.",
            "choices": [
                {"id": "u18", "label": "Under 18", "correct": True},
                {"id": "u16", "label": "Under 16"},
            ],
            "next": "end",
        },
    },
}


def front_matter(meta: dict[str, Any], body: str = "Some text [[UKCCIS-2016 §3.1]].\n") -> str:
    """A Markdown page with YAML front matter."""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body


def quiz(**changes: Any) -> dict[str, Any]:
    """A deep copy of the valid quiz, with top-level keys replaced."""
    data = copy.deepcopy(QUIZ)
    data.update(changes)
    return data


def node(name: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A deep copy of one node of the valid quiz (to edit and put back)."""
    return copy.deepcopy(data or QUIZ)["nodes"][name]


Build = Callable[..., Library]


@pytest.fixture
def build(tmp_path: Path) -> Build:
    """Write a module folder and a quiz file into tmp_path and load them."""

    def build(
        quiz_data: dict[str, Any] | str | None = None,
        pages: dict[str, str] | None = None,
        module: str = "m",
        with_module: bool = True,
    ) -> Library:
        scenarios, quizzes = tmp_path / "scenarios", tmp_path / "quizzes"
        scenarios.mkdir(exist_ok=True)
        quizzes.mkdir(exist_ok=True)
        if with_module:
            folder = scenarios / module
            folder.mkdir(exist_ok=True)
            files = {"index.md": front_matter(INDEX)} if pages is None else pages
            for name, text in files.items():
                (folder / name).write_text(text, encoding="utf-8")
        if quiz_data is not None:
            text = quiz_data if isinstance(quiz_data, str) else yaml.safe_dump(quiz_data)
            (quizzes / f"{module}.yaml").write_text(text, encoding="utf-8")
        return load_library(scenarios, quizzes)

    return build


def problems_of(library: Library) -> list[Problem]:
    """Every problem the checker finds."""
    return check(library)


def only(library: Library) -> Problem:
    """The one problem the checker finds (fails if there are none or several)."""
    found = check(library)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]
