"""The content shipped in scenarios/ and quizzes/ passes the checker and meets its brief."""

from __future__ import annotations

import pytest

from tests.content.conftest import REPO
from training_app.content import Library, check, evaluate, follow_path, load_library, references
from training_app.content.check import PROTOCOLS

FIRST_RESPONDER_ACTIONS = (
    "report_to_dsl_immediately",
    "view_imagery",
    "copy_print_or_share_imagery",
    "forward_imagery_to_dsl",
    "confiscate_device",
    "search_device_yourself",
    "delete_imagery_yourself",
    "ask_why_they_did_it",
    "reassure_the_child",
    "investigate_yourself",
    "record_what_you_were_told",
    "promise_to_keep_it_secret",
    "switch_device_to_flight_mode",
    "power_off_device",
)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(REPO / "scenarios", REPO / "quizzes")


def test_the_real_content_passes_the_checker(library: Library) -> None:
    problems = check(library)
    assert problems == [], "\n".join(map(str, problems))


def test_first_responder_quiz_tests_every_action(library: Library) -> None:
    quiz = library.module("first-responder").quiz
    assert quiz is not None
    tested = {c.action for n in quiz.nodes.values() if n.kind == "action" for c in n.choices}
    assert set(FIRST_RESPONDER_ACTIONS) <= tested


def test_first_responder_quiz_shape(library: Library) -> None:
    module = library.module("first-responder")
    quiz = module.quiz
    assert quiz is not None and quiz.pass_mark == 80
    assert len(quiz.questions) >= 8
    branching = [n for n in quiz.questions if len({c.next or n.next for c in n.choices}) > 1]
    assert len(branching) >= 2
    assert 5 <= len(module.pages) <= 7  # index + 4-6 pages
    assert quiz.cases


ALL_MODULES = (
    "first-responder",
    "law-and-outcome-21",
    "dsl-walkthrough",
    "parent-conversations",
    "sextortion-and-ai-imagery",
    "pshe-11-14",
    "pshe-14-18",
)
STAFF_MODULES = (
    "first-responder",
    "law-and-outcome-21",
    "dsl-walkthrough",
    "parent-conversations",
    "sextortion-and-ai-imagery",
)


@pytest.mark.parametrize("module_id", STAFF_MODULES)
def test_every_staff_module_teaches_todays_words_sextortion_and_report_remove(
    library: Library, module_id: str
) -> None:
    module = library.module(module_id)
    assert "staff" in module.audiences or "dsl" in module.audiences
    words = " ".join("\n".join(page.body for page in module.pages).lower().split())
    for needed in ("nudes and semi-nudes", "sextortion", "report remove"):
        assert needed in words, f"{module_id}: no {needed!r}"
    # The group policy is never called the national guidance.
    assert "national guidance" not in words and "national criteria" not in words


@pytest.mark.parametrize("module_id", ALL_MODULES)
def test_every_quiz_has_eight_questions_on_two_branching_paths(
    library: Library, module_id: str
) -> None:
    quiz = library.module(module_id).quiz
    assert quiz is not None
    assert len(quiz.questions) >= 8
    # A branch: a question whose choices lead to different places.
    branching = [n for n in quiz.questions if len({c.next or n.next for c in n.choices}) > 1]
    assert branching, f"{module_id}: every question leads to the same next step"


def test_first_responder_pages_cite_and_use_the_protocol(library: Library) -> None:
    module = library.module("first-responder")
    text = "\n".join(page.body for page in module.pages)
    words = " ".join(text.lower().split())
    # Today's term throughout; the seed policy's older term only once, named as the policy's.
    assert "nudes and semi-nudes" in words
    assert words.count("youth produced sexual imagery") == 1
    for page in module.pages:
        assert references(page.body).citations, page.file
        assert {"do", "dont"} & set(references(page.body).containers) or page.slug in (
            "what-happens-next",
        ), page.file
    tokens = {t for page in module.pages for t in references(page.body).tokens}
    assert {"protocol.device_action", "protocol.device_reason"} <= tokens
    assert "RUTLAND-2017" in text and "UKCCIS-2016 §3.8" in text


def test_every_path_of_right_answers_scores_full_marks_in_every_school(library: Library) -> None:
    quiz = library.module("first-responder").quiz
    assert quiz is not None
    for protocol in PROTOCOLS:
        path: list[list[str]] = []
        answers, stop = follow_path(quiz, path)
        while stop != "end":
            node = quiz.nodes[stop]
            right = evaluate(node, [node.choice_ids()[0]], protocol).correct_choice_ids
            path.append(list(right) if node.select == "many" else [right[0]])
            answers, stop = follow_path(quiz, path)
        assert all(evaluate(quiz.nodes[n], s, protocol).correct for n, s in answers)
