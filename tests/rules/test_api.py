"""The public API other engineers code against: names, defaults and shapes."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import training_app.rules as rules
from training_app.rules import (
    AGENCIES,
    DECISION_KEYS,
    DEFAULT_PROTOCOL,
    FACT_FIELDS,
    PUPIL_FIELDS,
    TRIGGERS,
    Facts,
    FactsError,
    LocalProtocol,
    NextStep,
    Pupil,
    Reason,
    decide,
    trigger_rule,
)

PUBLIC = [
    "Pupil",
    "Facts",
    "FactsError",
    "parse_facts",
    "facts_to_dict",
    "FACT_FIELDS",
    "PUPIL_FIELDS",
    "CONTENT_VALUES",
    "LocalProtocol",
    "DEFAULT_PROTOCOL",
    "Reason",
    "NextStep",
    "Decision",
    "decide",
    "TRIGGERS",
    "TriggerRule",
    "trigger_rule",
    "TRIGGER_RULES",
    "AGENCIES",
    "ActionRule",
    "ACTION_IDS",
    "action_rules",
    "action_rule",
    "SOURCES",
    "is_valid_citation",
    "known_sections",
    "explain_text",
]


def test_public_names_are_exported() -> None:
    for name in PUBLIC:
        assert hasattr(rules, name), name
        assert name in rules.__all__, name


def test_vocabularies() -> None:
    assert TRIGGERS == (
        "adult_involved",
        "coercion_or_blackmail",
        "extreme_or_violent_content",
        "vulnerable_pupil",
        "under_13_sexual_acts",
        "immediate_risk_of_harm",
        "malicious_sharing",
    )
    assert AGENCIES == ("police", "childrens_social_care", "ceop")
    assert rules.CONTENT_VALUES == (
        "unknown",
        "semi_nude",
        "nude",
        "sexual_acts",
        "extreme_or_violent",
    )
    assert FACT_FIELDS[0] == "pupils" and len(FACT_FIELDS) == 15
    assert PUPIL_FIELDS == (
        "age",
        "pictured",
        "vulnerable",
        "previously_abused",
        "social_care_involved",
    )
    assert DECISION_KEYS == (
        "refer_immediately",
        "triggers",
        "classification",
        "agencies",
        "inform_parents",
        "record_reasons_for_not_referring",
        "headteacher_signoff_required",
        "view_imagery",
        "actions",
        "citations",
    )


def test_defaults() -> None:
    pupil = Pupil(14)
    assert (pupil.pictured, pupil.vulnerable, pupil.previously_abused) == (True, False, False)
    facts = Facts(pupils=(pupil,))
    assert facts.content == "unknown"
    assert not any(getattr(facts, f) for f in FACT_FIELDS if f not in ("pupils", "content"))
    assert Reason("text", ("UKCCIS-2016 §3.3",)).quote == ""
    assert LocalProtocol() == DEFAULT_PROTOCOL
    assert list(inspect.signature(decide).parameters) == ["facts", "protocol", "edition"]
    assert inspect.signature(decide).parameters["protocol"].default is DEFAULT_PROTOCOL


def test_everything_is_frozen() -> None:
    decision = decide(Facts(pupils=(Pupil(14),)))
    values: tuple[object, ...] = (Pupil(14), Facts(pupils=(Pupil(14),)), DEFAULT_PROTOCOL, decision)
    for value in values:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, "age", 1)  # noqa: B010 - the attribute name is the point of the test
    with pytest.raises(TypeError):
        decision.reasons["inform_parents"] = decision.reasons["view_imagery"]  # type: ignore[index]
    assert isinstance(decision.actions[0], NextStep)


def test_facts_error_shape() -> None:
    error = FactsError("pupils[0].age", "must be an integer from 0 to 17 (got 18)")
    assert (error.field, error.message) == (
        "pupils[0].age",
        "must be an integer from 0 to 17 (got 18)",
    )
    assert str(error) == "pupils[0].age: must be an integer from 0 to 17 (got 18)"
    assert isinstance(error, Exception)


def test_trigger_rule_lookup() -> None:
    rule = trigger_rule("under_13_sexual_acts")
    assert rule.id == "under_13_sexual_acts" and rule.label and rule.text and rule.quote
    with pytest.raises(KeyError):
        trigger_rule("sexting")


def test_decide_rejects_the_wrong_types() -> None:
    with pytest.raises(TypeError):
        decide({"pupils": [{"age": 12}]})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        decide(Facts(pupils=(Pupil(12),)), protocol="strict")  # type: ignore[arg-type]
