"""The lesson plan: steps from a pupil module, question numbers, answer totals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.lessons.sample import MODULE, write_sample_library
from training_app.content import check, load_library
from training_app.lessons.plan import (
    age_band_label,
    is_lesson,
    lesson_steps,
    question_number,
    tally,
    valid_answer,
)


@pytest.fixture(scope="module")
def module(tmp_path_factory):
    scenarios, quizzes = write_sample_library(tmp_path_factory.mktemp("lib"))
    library = load_library(scenarios, quizzes)
    assert library.problems == () and check(library) == []
    return library.module(MODULE)


def test_steps_are_welcome_pages_quiz_main_line_then_close(module):
    steps = lesson_steps(module)
    assert [s.kind for s in steps] == [
        "welcome",
        "page",
        "page",
        "question",
        "story",
        "question",
        "close",
    ]
    assert steps[0].page is not None and steps[0].page.slug == "index"
    assert [s.key for s in steps][3:6] == ["node:most", "node:story", "node:law"]
    assert len({s.key for s in steps}) == len(steps)
    assert is_lesson(module)


def test_question_numbers(module):
    steps = lesson_steps(module)
    assert question_number(steps, 3) == (1, 2)
    assert question_number(steps, 5) == (2, 2)
    assert question_number(steps, 0) == (0, 2)


def test_branch_only_questions_are_still_asked(module):
    from dataclasses import replace
    from types import MappingProxyType

    quiz = module.quiz
    nodes = dict(quiz.nodes)
    # "law" is reachable only through a choice's own next: it still gets a step, after the line.
    nodes["most"] = replace(nodes["most"], next="end")
    branched = replace(module, quiz=replace(quiz, nodes=MappingProxyType(nodes)))
    keys = [s.key for s in lesson_steps(branched)]
    assert keys.index("node:law") > keys.index("node:most")
    assert "node:story" not in keys  # an aside off the main line is not a class step


def test_age_band_label():
    assert age_band_label("11-14") == "Ages 11 to 14"
    assert age_band_label("14-18") == "Ages 14 to 18"
    assert age_band_label(None) == "All ages"


def test_tally_counts_each_choice_and_respondent(module):
    node = module.quiz.nodes["law"]
    result = tally(node, [["u18"], ["u18", "u16"], ["u16", "u16"], ["bogus"]])
    assert result.respondents == 4
    assert result.counts == (("u18", 2), ("u16", 2))
    assert result.count("missing") == 0


@given(st.lists(st.sampled_from(["no", "yes", "some"]), max_size=60))
def test_tally_of_single_choices_adds_up(module, picks):
    result = tally(module.quiz.nodes["most"], [[p] for p in picks])
    assert result.respondents == len(picks)
    assert sum(n for _, n in result.counts) == len(picks)
    for choice in ("no", "yes", "some"):
        assert result.count(choice) == picks.count(choice)


def test_valid_answer(module):
    one, many = module.quiz.nodes["most"], module.quiz.nodes["law"]
    assert valid_answer(one, ["no"])
    assert not valid_answer(one, ["no", "yes"])
    assert not valid_answer(one, [])
    assert not valid_answer(one, ["nope"])
    assert valid_answer(many, ["u18", "u16"])
    assert not valid_answer(many, ["u18", "u18"])
