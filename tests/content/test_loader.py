"""Loading: folders and files become immutable typed objects, with a version per module."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.content.conftest import INDEX, Build, front_matter, quiz
from training_app.content import Choice, Library, Node, content_version, load_library
from training_app.rules import Facts


def test_a_module_with_pages_and_a_quiz(build: Build) -> None:
    pages = {
        "index.md": front_matter(INDEX, "Welcome\n"),
        "02-second.md": front_matter({"title": "Second", "citations": ["APPX8 Step 3"]}),
        "01-first.md": front_matter({"title": "First", "citations": []}),
    }
    library = build(quiz(), pages=pages)
    module = library.module("m")
    assert (module.id, module.title, module.audiences, module.version) == (
        "m",
        "A module",
        ("staff",),
        "1.0",
    )
    assert (module.estimated_minutes, module.outcomes, module.citations) == (
        10,
        ("Report to the DSL",),
        ("UKCCIS-2016 §3.1",),
    )
    assert [(p.slug, p.title) for p in module.pages] == [
        ("index", "A module"),
        ("first", "First"),
        ("second", "Second"),
    ]
    assert module.pages[0].body == "Welcome\n"
    assert module.pages[2].file == "scenarios/m/02-second.md"
    assert module.quiz is library.quizzes["m"]


def test_order_in_front_matter_moves_a_page(build: Build) -> None:
    pages = {
        "index.md": front_matter(INDEX),
        "01-a.md": front_matter({"title": "A", "citations": [], "order": 5}),
        "02-b.md": front_matter({"title": "B", "citations": []}),
    }
    assert [p.slug for p in build(pages=pages).module("m").pages] == ["index", "b", "a"]


def test_quiz_nodes_become_typed_objects(build: Build) -> None:
    quiz_ = build(quiz()).quizzes["m"]
    assert (quiz_.title, quiz_.pass_mark, quiz_.start) == ("A quiz", 80, "tell")
    assert list(quiz_.nodes) == ["aside", "law", "refer", "tell"]  # YAML dumps keys sorted
    tell = quiz_.nodes["tell"]
    assert tell.kind == "action" and tell.next == "refer" and tell.weight == 1
    assert tell.choice("forward") == Choice(
        id="forward",
        label="Forward it to the DSL",
        feedback="Sharing it is illegal [[UKCCIS-2016 §5.1]].",
        next="aside",
        action="forward_imagery_to_dsl",
    )
    refer = quiz_.nodes["refer"]
    assert isinstance(refer.facts, Facts) and refer.facts.adult_involved
    assert [c.value for c in refer.choices] == [True, False]
    assert [n.id for n in quiz_.questions] == ["law", "refer", "tell"]


def test_set_valued_choices_are_frozensets(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"].update(
        ask="agencies",
        choices=[
            {"id": "a", "label": "Police and CEOP", "value": ["police", "ceop"]},
            {"id": "b", "label": "Nobody", "value": []},
        ],
    )
    refer = build(data).quizzes["m"].nodes["refer"]
    assert [c.value for c in refer.choices] == [frozenset({"police", "ceop"}), frozenset()]


def test_the_library_is_immutable(build: Build) -> None:
    library = build(quiz())
    module = library.module("m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        module.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        library.modules["x"] = module  # type: ignore[index]
    with pytest.raises(TypeError):
        module.quiz.nodes["x"] = module.quiz.nodes["tell"]  # type: ignore[index, union-attr]
    assert isinstance(module.pages, tuple) and isinstance(module.quiz.nodes["tell"].choices, tuple)  # type: ignore[union-attr]


def test_hidden_files_are_ignored_and_stray_files_reported(tmp_path: Path, build: Build) -> None:
    library = build(quiz())
    (tmp_path / "scenarios" / "m" / ".DS_Store").write_bytes(b"\0")
    (tmp_path / "scenarios" / "m" / "notes.txt").write_text("todo")
    (tmp_path / "quizzes" / "README.md").write_text("hi")
    library = load_library(tmp_path / "scenarios", tmp_path / "quizzes")
    assert {(p.file, p.message) for p in library.problems} == {
        ("scenarios/m/notes.txt", "not a Markdown page"),
        ("quizzes/README.md", "not a quiz file"),
    }


def test_missing_content_folders_are_problems_not_crashes(tmp_path: Path) -> None:
    library = load_library(tmp_path / "nope", tmp_path / "nada")
    assert library.modules == {} and len(library.problems) == 2


def test_content_version_is_a_short_stable_hash(build: Build) -> None:
    first = build(quiz()).module("m").content_version
    again = build(quiz()).module("m").content_version
    assert first == again and len(first) == 12 and int(first, 16) >= 0


def test_content_version_changes_when_a_page_changes(build: Build) -> None:
    before = build(quiz()).module("m").content_version
    pages = {"index.md": front_matter(INDEX, "Changed text.\n")}
    assert build(quiz(), pages=pages).module("m").content_version != before


def test_content_version_changes_when_the_quiz_changes(build: Build) -> None:
    before = build(quiz()).module("m").content_version
    assert build(quiz(pass_mark=70)).module("m").content_version != before


def test_content_version_changes_when_a_page_is_added(build: Build) -> None:
    before = build(quiz()).module("m").content_version
    pages = {
        "index.md": front_matter(INDEX),
        "01-more.md": front_matter({"title": "More", "citations": []}),
    }
    assert build(quiz(), pages=pages).module("m").content_version != before


def test_content_version_frames_file_names_and_contents() -> None:
    # Moving bytes between files, or renaming one, must change the version.
    assert content_version({"a": b"xy", "b": b""}) != content_version({"a": b"x", "b": b"y"})
    assert content_version({"a": b"x"}) != content_version({"b": b"x"})


def test_empty_library_defaults() -> None:
    library = Library()
    assert library.modules == {} and library.quizzes == {} and library.problems == ()
    assert Node("n", "info").is_question is False
