"""`flask content check` and `flask content list`, on a tiny Flask app built here."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.content.conftest import INDEX, REPO, front_matter, quiz
from training_app.content_cli import content


def runner(scenarios: Path, quizzes: Path) -> FlaskCliRunner:
    app = Flask(__name__)
    app.config.update(SCENARIOS_DIR=str(scenarios), QUIZZES_DIR=str(quizzes))
    app.cli.add_command(content)
    return app.test_cli_runner()


def write(tmp_path: Path, quiz_data: dict[str, object]) -> tuple[Path, Path]:
    scenarios, quizzes = tmp_path / "scenarios", tmp_path / "quizzes"
    (scenarios / "m").mkdir(parents=True)
    quizzes.mkdir()
    (scenarios / "m" / "index.md").write_text(front_matter(INDEX), encoding="utf-8")
    (quizzes / "m.yaml").write_text(yaml.safe_dump(quiz_data), encoding="utf-8")
    return scenarios, quizzes


def test_check_on_clean_content(tmp_path: Path) -> None:
    result = runner(*write(tmp_path, quiz())).invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert result.output == "content OK: 1 modules, 4 quiz nodes\n"


def test_check_prints_every_problem_and_fails(tmp_path: Path) -> None:
    data = quiz(pass_mark=101)
    data["nodes"]["tell"]["choices"][0]["action"] = "nope"
    result = runner(*write(tmp_path, data)).invoke(args=["content", "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "quizzes/m.yaml::pass_mark: 101 is out of range 0-100"
    assert lines[1].startswith("quizzes/m.yaml:tell:choices[report].action: unknown action id")
    assert "(known: report_to_dsl_immediately, " in lines[1]
    assert "2 problem(s) found" in result.stderr


def test_list_prints_modules_as_json(tmp_path: Path) -> None:
    result = runner(*write(tmp_path, quiz())).invoke(args=["content", "list"])
    assert result.exit_code == 0
    [module] = json.loads(result.output)
    assert module.pop("content_version")
    assert module == {
        "id": "m",
        "title": "A module",
        "audiences": ["staff"],
        "version": "1.0",
        "nodes": 4,
        "citations": ["UKCCIS-2016 §3.1"],
    }


def test_check_on_the_repository_content() -> None:
    result = runner(REPO / "scenarios", REPO / "quizzes").invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("content OK: ")


def test_directories_default_to_the_repository(tmp_path: Path) -> None:
    app = Flask(__name__)
    app.cli.add_command(content)
    result = app.test_cli_runner().invoke(args=["content", "list"])
    assert result.exit_code == 0
    assert "first-responder" in [m["id"] for m in json.loads(result.output)]
