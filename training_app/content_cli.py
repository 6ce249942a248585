"""`flask content check` and `flask content list`: the content checker for authors and CI."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from training_app.config import PROJECT_ROOT
from training_app.content.check import COVERAGE_PROTOCOLS, check
from training_app.content.coverage import coverage, format_table
from training_app.content.guidance import quote_found
from training_app.content.loader import load_library
from training_app.content.model import Library, Problem
from training_app.editions.changes import CHANGES_FILE, load_changes

content = AppGroup("content", help="Check, list and measure the coverage of the training content.")


def _library() -> Library:
    config = current_app.config
    scenarios = Path(config.get("SCENARIOS_DIR") or PROJECT_ROOT / "scenarios")
    quizzes = Path(config.get("QUIZZES_DIR") or PROJECT_ROOT / "quizzes")
    return load_library(scenarios, quizzes)


def _what_changed_problems() -> list[Problem]:
    # The "what changed since 2016" comparison is content too: its citations and quotes are
    # checked with everything else (training_app/editions/changes.py).
    path = Path(current_app.config.get("WHAT_CHANGED_FILE") or CHANGES_FILE)
    display = (
        str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else path.name
    )
    return load_changes(path, quote_found, display)[1]


@content.command("check")
def check_command() -> None:
    """Print every content problem as file:node:field: message (hint); exit 1 if any."""
    library = _library()
    problems = check(library) + _what_changed_problems()
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


@content.command("coverage")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A readable table, or JSON for tools.",
)
def coverage_command(output: str) -> None:
    """Show which modules teach, and which quiz nodes test, each trigger, action, field and
    UKCCIS-2016 section; exit 1 if a trigger or action is untaught or untested."""
    library = _library()
    report = coverage(library, COVERAGE_PROTOCOLS)
    if output == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_table(report), nl=False)
    if library.problems or report.skipped:
        skipped = ", ".join(f"{m}:{n}" for m, n in report.skipped) or "none"
        click.echo(
            f"note: the content has problems (nodes left out: {skipped}); "
            "run `flask content check`",
            err=True,
        )
    if report.failures:
        click.echo(f"{len(report.failures)} trigger(s) or action(s) not covered", err=True)
        raise SystemExit(1)
