"""`flask content check` and `flask content list`: the content checker for authors and CI."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from training_app.config import PROJECT_ROOT
from training_app.content.check import check
from training_app.content.loader import load_library
from training_app.content.model import Library

content = AppGroup("content", help="Check and list the training content (scenarios, quizzes).")


def _library() -> Library:
    config = current_app.config
    scenarios = Path(config.get("SCENARIOS_DIR") or PROJECT_ROOT / "scenarios")
    quizzes = Path(config.get("QUIZZES_DIR") or PROJECT_ROOT / "quizzes")
    return load_library(scenarios, quizzes)


@content.command("check")
def check_command() -> None:
    """Print every content problem as file:node:field: message (hint); exit 1 if any."""
    library = _library()
    problems = check(library)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        raise SystemExit(1)
    nodes = sum(len(quiz.nodes) for quiz in library.quizzes.values())
    click.echo(f"content OK: {len(library.modules)} modules, {nodes} quiz nodes")


@content.command("list")
def list_command() -> None:
    """Print the modules as a JSON array (id, title, audiences, versions, nodes, citations)."""
    library = _library()
    modules = [
        {
            "id": module.id,
            "title": module.title,
            "audiences": list(module.audiences),
            "version": module.version,
            "content_version": module.content_version,
            "nodes": len(module.quiz.nodes) if module.quiz else 0,
            "citations": list(module.citations),
        }
        for module in library.modules.values()
    ]
    click.echo(json.dumps(modules, indent=2, ensure_ascii=False))
