"""Evaluation and scoring: the engine keys action and decision questions, authors key the rest."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from tests.content.conftest import Build, quiz
from training_app.content import (
    END,
    AnswerError,
    Quiz,
    evaluate,
    follow_path,
    next_node_id,
    rule_ids,
    score,
)
from training_app.rules import DEFAULT_PROTOCOL, LocalProtocol, action_rule

POWER_OFF = LocalProtocol(device_power="power_off")
# The module, not the function `training_app.content.evaluate` that shadows its name.
evaluate_module = importlib.import_module("training_app.content.evaluate")


@pytest.fixture
def quiz_(build: Build) -> Quiz:
    data = quiz()
    data["nodes"]["device"] = {
        "kind": "action",
        "prompt": "What do you do with the phone?",
        "choices": [
            {"id": "flight", "label": "Flight mode", "action": "switch_device_to_flight_mode"},
            {"id": "off", "label": "Switch it off", "action": "power_off_device"},
            {
                "id": "delete",
                "label": "Delete it",
                "action": "delete_imagery_yourself",
                "feedback": "Don't delete it.",
            },
        ],
        "next": "triggers",
    }
    data["nodes"]["triggers"] = {
        "kind": "decision",
        "select": "many",
        "weight": 2,
        "facts": {"pupils": [{"age": 12}], "adult_involved": True, "coercion_or_blackmail": True},
        "ask": "triggers",
        "prompt": "Which criteria apply?",
        "choices": [
            {"id": "adult", "label": "An adult", "value": "adult_involved"},
            {"id": "coerced", "label": "Coercion", "value": "coercion_or_blackmail"},
            {"id": "malice", "label": "Malice", "value": "malicious_sharing"},
        ],
        "next": "agencies",
    }
    data["nodes"]["agencies"] = {
        "kind": "decision",
        "facts": {"pupils": [{"age": 14}], "malicious_intent": True},
        "ask": "agencies",
        "prompt": "Who is involved?",
        "choices": [
            {"id": "police", "label": "The police", "value": ["police"]},
            {"id": "nobody", "label": "Nobody", "value": []},
        ],
        "next": "end",
    }
    data["nodes"]["law"]["next"] = "device"
    return build(data).quizzes["m"]


def test_action_question_right_answer(quiz_: Quiz) -> None:
    result = evaluate(quiz_.nodes["tell"], ["report"])
    assert result.correct and result.correct_choice_ids == ("report",)
    assert result.missed_rule_ids == () and result.feedback == ()
    assert result.rule_ids == ("action:report_to_dsl_immediately", "action:forward_imagery_to_dsl")
    rule = action_rule("report_to_dsl_immediately")
    assert result.explanation is not None
    assert (result.explanation.heading, result.explanation.text) == (rule.text, rule.why)
    assert result.explanation.citations == rule.citations and result.explanation.quote == rule.quote
    assert result.explanation.verdict == "do"


def test_action_question_wrong_answer_explains_the_pick_then_the_right_one(quiz_: Quiz) -> None:
    result = evaluate(quiz_.nodes["tell"], ["forward"])
    assert not result.correct
    assert [e.rule_id for e in result.explanations] == [
        "action:forward_imagery_to_dsl",
        "action:report_to_dsl_immediately",
    ]
    assert result.explanations[0].verdict == "dont"
    assert result.feedback == ("Sharing it is illegal [[UKCCIS-2016 §5.1]].",)
    assert result.missed_rule_ids == result.rule_ids


def test_device_question_depends_on_the_school_protocol(quiz_: Quiz) -> None:
    device = quiz_.nodes["device"]
    assert evaluate(device, ["flight"]).correct
    assert not evaluate(device, ["off"]).correct
    in_power_off_school = evaluate(device, ["flight"], POWER_OFF)
    assert not in_power_off_school.correct
    assert in_power_off_school.correct_choice_ids == ("off",)
    assert in_power_off_school.missed_rule_ids == (
        "action:switch_device_to_flight_mode",
        "action:power_off_device",
    )


def test_decision_question_keyed_by_the_engine(quiz_: Quiz) -> None:
    refer = quiz_.nodes["refer"]
    right, wrong = evaluate(refer, ["yes"]), evaluate(refer, ["no"])
    assert right.correct and not wrong.correct and wrong.correct_choice_ids == ("yes",)
    assert right.rule_ids == ("decision:refer_immediately", "trigger:adult_involved")
    assert [e.rule_id for e in right.explanations] == [
        "decision:refer_immediately",
        "trigger:adult_involved",
    ]
    assert wrong.missed_rule_ids == right.rule_ids


def test_set_valued_decision_single_select(quiz_: Quiz) -> None:
    agencies = quiz_.nodes["agencies"]
    assert evaluate(agencies, ["police"]).correct
    wrong = evaluate(agencies, ["nobody"])
    assert not wrong.correct
    assert wrong.missed_rule_ids == ("decision:agencies", "agency:police")


def test_select_many_must_match_the_engine_set_exactly(quiz_: Quiz) -> None:
    triggers = quiz_.nodes["triggers"]
    assert evaluate(triggers, ["coerced", "adult"]).correct
    partial = evaluate(triggers, ["adult", "malice"])
    assert not partial.correct and partial.correct_choice_ids == ("adult", "coerced")
    assert partial.missed_rule_ids == (
        "decision:triggers",
        "trigger:coercion_or_blackmail",
        "trigger:malicious_sharing",
    )
    assert [e.rule_id for e in partial.explanations] == [
        "decision:triggers",
        "trigger:adult_involved",
        "trigger:coercion_or_blackmail",
    ]
    assert partial.explanations[0].text.startswith("Refer immediately")


def test_knowledge_question_keyed_by_the_author_with_its_quote(quiz_: Quiz) -> None:
    law = quiz_.nodes["law"]
    right, wrong = evaluate(law, ["u18"]), evaluate(law, ["u16"])
    assert right.correct and not wrong.correct
    assert right.rule_ids == ("guidance:UKCCIS-2016 §2.0",) == wrong.missed_rule_ids
    assert right.explanation is not None
    assert right.explanation.citations == ("UKCCIS-2016 §2.0",)
    assert "anyone under the age of 18" in right.explanation.quote


@pytest.mark.parametrize(
    ("node_id", "selected", "message"),
    [
        ("aside", ["x"], "is not a question"),
        ("tell", ["nope"], "has no choice 'nope'"),
        ("tell", ["report", "forward"], "takes exactly one choice"),
        ("tell", [], "takes exactly one choice"),
        ("triggers", ["adult", "adult"], "selected twice"),
    ],
)
def test_answers_that_do_not_fit_the_node(
    quiz_: Quiz, node_id: str, selected: list[str], message: str
) -> None:
    with pytest.raises(AnswerError, match=message):
        evaluate(quiz_.nodes[node_id], selected)


def test_rule_ids_without_answering(quiz_: Quiz) -> None:
    assert rule_ids(quiz_.nodes["agencies"]) == ("decision:agencies", "agency:police")


def test_next_node_follows_the_choice_then_the_node(quiz_: Quiz) -> None:
    tell = quiz_.nodes["tell"]
    assert next_node_id(tell, ("forward",)) == "aside"
    assert next_node_id(tell, ("report",)) == "refer"
    assert next_node_id(quiz_.nodes["agencies"], ("police",)) == END


def test_score_is_correct_weight_over_answered_weight(quiz_: Quiz) -> None:
    answers = {
        "tell": ["report"],
        "refer": ["yes"],
        "law": ["u18"],
        "device": ["flight"],
        "triggers": ["adult"],  # weight 2, wrong
        "agencies": ["police"],
    }
    result = score(quiz_, answers)
    assert result.percent == 71  # 5 of 7, floored from 71.4
    assert not result.passed
    assert result.missed_rule_ids == ("decision:triggers", "trigger:coercion_or_blackmail")


def test_score_depends_on_the_school_protocol(quiz_: Quiz) -> None:
    answers = [("device", ["off"]), ("tell", ["report"])]
    assert score(quiz_, answers).percent == 50
    assert score(quiz_, answers, POWER_OFF).percent == 100


def test_pass_mark_is_inclusive_and_never_rounded_up(build: Build) -> None:
    quiz_ = build(quiz(pass_mark=50)).quizzes["m"]
    assert score(quiz_, [("tell", ["report"]), ("law", ["u16"])]).passed  # exactly 50%
    nearly = build(quiz(pass_mark=67)).quizzes["m"]
    two_thirds = [("tell", ["report"]), ("law", ["u18"]), ("refer", ["no"])]
    assert score(nearly, two_thirds).percent == 66 and not score(nearly, two_thirds).passed


def test_score_with_no_answers(quiz_: Quiz) -> None:
    result = score(quiz_, [])
    assert (result.percent, result.passed, result.missed_rule_ids) == (0, False, ())


def test_score_rejects_unknown_nodes(quiz_: Quiz) -> None:
    with pytest.raises(AnswerError, match="no node 'nope'"):
        score(quiz_, {"nope": ["x"]})


def test_follow_path_skips_info_nodes(quiz_: Quiz) -> None:
    answers, stop = follow_path(quiz_, ["forward", "yes"])
    assert answers == [("tell", ("forward",)), ("refer", ("yes",))]
    assert stop == "law"
    answers, stop = follow_path(
        quiz_, ["report", "yes", "u18", "flight", ["adult", "coerced"], "police"]
    )
    assert stop == END and len(answers) == 6


def test_follow_path_rejects_answers_after_the_end(quiz_: Quiz) -> None:
    path = ["report", "yes", "u18", "flight", ["adult"], "police", "extra"]
    with pytest.raises(AnswerError, match="1 answer"):
        follow_path(quiz_, path)


def test_a_judged_answer_is_remembered_for_that_node_only(quiz_: Quiz) -> None:
    # The engine is pure, so each (node, answer, protocol) is judged once per process; a
    # node object from a reloaded library must never be given another node's verdict.
    node = quiz_.nodes["device"]
    first = evaluate(node, ["flight"])
    assert evaluate(node, ["flight"]) is first
    assert evaluate(node, ["flight"], POWER_OFF).correct is False
    twin = dataclasses.replace(node)
    stale = dataclasses.replace(first, correct=False)
    evaluate_module._JUDGED[(id(twin), ("flight",), DEFAULT_PROTOCOL)] = (node, stale)
    assert evaluate(twin, ["flight"]).correct is True
    with pytest.raises(AnswerError):
        evaluate(node, ["no-such-choice"])
    with pytest.raises(AnswerError):
        evaluate(node, ["no-such-choice"])  # refusals are not remembered


def test_next_steps_are_keyed_by_the_engine_and_explained_by_each_step(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"].update(
        facts={"pupils": [{"age": 15}], "immediate_risk_of_harm": True},
        ask="next_steps",
        select="many",
        choices=[
            {"id": "call", "label": "Call 999", "value": "call_emergency_services"},
            {"id": "other", "label": "Another school", "value": "contact_other_school"},
        ],
    )
    node = build(data).quizzes["m"].nodes["refer"]
    right = evaluate(node, ["call"])
    assert right.correct and right.correct_choice_ids == ("call",)
    assert right.rule_ids == ("decision:next_steps", "step:call_emergency_services")
    step = right.explanations[1]
    assert step.rule_id == "step:call_emergency_services" and "999" in step.text
    assert "UKCIS-2024 §2.6" in step.citations
    wrong = evaluate(node, ["call", "other"])
    # Only the offered step the learner got wrong is missed, not the engine's other steps.
    assert not wrong.correct
    assert wrong.missed_rule_ids == ("decision:next_steps", "step:contact_other_school")
