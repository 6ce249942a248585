"""Property-based tests: the contract's invariants hold for any facts under any protocol."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from training_app.rules import (
    AGENCIES,
    CLASSIFICATIONS,
    CONTENT_VALUES,
    DECISION_KEYS,
    DEFAULT_PROTOCOL,
    NEXT_STEP_IDS,
    REASON_KEYS,
    TRIGGERS,
    Decision,
    Facts,
    LocalProtocol,
    Pupil,
    aggravating_factors,
    decide,
    explain_text,
    facts_to_dict,
    find_triggers,
    is_valid_citation,
    load_facts_json,
    parse_facts,
    sort_citations,
)
from training_app.rules.protocol import (
    DEVICE_POWER_CHOICES,
    POLICE_THRESHOLD_CHOICES,
    VIEWING_RULE_CHOICES,
)

PROPERTIES = settings(max_examples=150)

pupils = st.builds(
    Pupil,
    age=st.integers(min_value=0, max_value=17),
    pictured=st.booleans(),
    vulnerable=st.booleans(),
    previously_abused=st.booleans(),
    social_care_involved=st.booleans(),
)
facts_strategy = st.builds(
    Facts,
    pupils=st.lists(pupils, min_size=1, max_size=4).map(tuple),
    adult_involved=st.booleans(),
    coercion_or_blackmail=st.booleans(),
    content=st.sampled_from(CONTENT_VALUES),
    immediate_risk_of_harm=st.booleans(),
    shared_without_consent=st.booleans(),
    malicious_intent=st.booleans(),
    shared_online=st.booleans(),
    contacted_by_strangers=st.booleans(),
    parents_pose_risk=st.booleans(),
)
contacts = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd")), max_size=30)
protocols = st.builds(
    LocalProtocol,
    device_power=st.sampled_from(DEVICE_POWER_CHOICES),
    viewing_rule=st.sampled_from(VIEWING_RULE_CHOICES),
    police_threshold=st.sampled_from(POLICE_THRESHOLD_CHOICES),
    police_contact=contacts,
    social_care_contact=contacts,
)


def _referred(decision: Decision) -> bool:
    return "police" in decision.agencies or "childrens_social_care" in decision.agencies


@PROPERTIES
@given(facts_strategy, protocols)
def test_referral_invariants(facts: Facts, protocol: LocalProtocol) -> None:
    decision = decide(facts, protocol)
    assert decision.refer_immediately == bool(decision.triggers)
    assert decision.triggers == find_triggers(facts)
    assert list(decision.triggers) == [t for t in TRIGGERS if t in decision.triggers]
    if decision.triggers:
        # §3.3: "an immediate referral to police or social care".
        assert _referred(decision)
    # §7.0: reasons and sign-off exactly when not referred to police or social care.
    assert decision.record_reasons_for_not_referring == (not _referred(decision))
    assert decision.headteacher_signoff_required == (not _referred(decision))
    if not decision.refer_immediately and protocol.police_threshold == "ukccis":
        assert decision.record_reasons_for_not_referring
        assert decision.headteacher_signoff_required
    assert decision.view_imagery is False


@PROPERTIES
@given(facts_strategy, protocols)
def test_fact_invariants(facts: Facts, protocol: LocalProtocol) -> None:
    decision = decide(facts, protocol)
    if facts.adult_involved:
        assert decision.refer_immediately
        assert "adult_involved" in decision.triggers
        assert "police" in decision.agencies
        assert decision.classification == "aggravated"
    assert decision.inform_parents == (not facts.parents_pose_risk)
    assert decision.classification in CLASSIFICATIONS
    assert (decision.classification == "aggravated") == bool(aggravating_factors(facts))
    if facts.malicious_intent:
        assert "malicious_sharing" in decision.triggers
    if all(p.age >= 13 or not p.pictured for p in facts.pupils):
        assert "under_13_sexual_acts" not in decision.triggers
    if any(p.vulnerable or p.previously_abused or p.social_care_involved for p in facts.pupils):
        assert "vulnerable_pupil" in decision.triggers
    if facts.contacted_by_strangers:
        assert "ceop" in decision.agencies
    assert list(decision.agencies) == [a for a in AGENCIES if a in decision.agencies]


@PROPERTIES
@given(facts_strategy, protocols)
def test_protocol_only_adds_agencies(facts: Facts, protocol: LocalProtocol) -> None:
    default = decide(facts, DEFAULT_PROTOCOL)
    local = decide(facts, protocol)
    assert local.triggers == default.triggers
    assert local.refer_immediately == default.refer_immediately
    assert local.classification == default.classification
    assert local.inform_parents == default.inform_parents
    assert set(default.agencies) <= set(local.agencies)
    assert set(local.agencies) - set(default.agencies) <= {"police"}


@PROPERTIES
@given(facts_strategy, protocols)
def test_deterministic_and_round_trips(facts: Facts, protocol: LocalProtocol) -> None:
    first = decide(facts, protocol)
    assert decide(facts, protocol) == first
    assert hash(decide(facts, protocol)) == hash(first)
    as_json = json.dumps(first.to_dict(), sort_keys=True)
    assert json.dumps(decide(facts, protocol).to_dict(), sort_keys=True) == as_json
    assert parse_facts(facts_to_dict(facts)) == facts
    assert load_facts_json(json.dumps(facts_to_dict(facts))) == facts


@PROPERTIES
@given(facts_strategy, protocols)
def test_everything_is_cited(facts: Facts, protocol: LocalProtocol) -> None:
    decision = decide(facts, protocol)
    cited: list[str] = []
    for step in decision.actions:
        assert step.text and step.citations
        assert all(is_valid_citation(c) for c in step.citations)
        cited += step.citations
    for key, reason in decision.reasons.items():
        assert reason.text and reason.quote and reason.citations, key
        assert all(is_valid_citation(c) for c in reason.citations), key
        cited += reason.citations
    assert decision.citations
    assert all(is_valid_citation(c) for c in decision.citations)
    assert decision.citations == sort_citations(cited)


@PROPERTIES
@given(facts_strategy, protocols)
def test_output_shape(facts: Facts, protocol: LocalProtocol) -> None:
    decision = decide(facts, protocol)
    data = decision.to_dict()
    assert tuple(data) == DECISION_KEYS
    assert json.loads(json.dumps(data)) == data
    assert all(set(step) == {"id", "text", "citations"} for step in data["actions"])
    ids = [step["id"] for step in data["actions"]]
    assert ids == [i for i in NEXT_STEP_IDS if i in ids]
    # Immediate danger comes first (999), then the initial review meeting.
    first = (
        "call_emergency_services" if facts.immediate_risk_of_harm else "hold_initial_review_meeting"
    )
    assert ids[0] == first and ids[-1] == "review_the_response"
    assert "hold_initial_review_meeting" in ids[:2]
    expected_reasons = {
        *REASON_KEYS,
        *(f"trigger:{t}" for t in decision.triggers),
        *(f"agency:{a}" for a in decision.agencies),
    }
    assert set(decision.reasons) == expected_reasons
    assert ("arrange_deletion" in ids) == (
        "police" not in decision.agencies and "ceop" not in decision.agencies
    )
    assert ("get_imagery_removed_online" in ids) == facts.shared_online
    assert ("record_reasons_and_get_signoff" in ids) == decision.record_reasons_for_not_referring


@settings(max_examples=40)
@given(facts_strategy, protocols)
def test_explain_covers_the_decision(facts: Facts, protocol: LocalProtocol) -> None:
    decision = decide(facts, protocol)
    text = explain_text(decision, facts, protocol)
    for trigger in decision.triggers:
        assert f"[{trigger}]" in text
    assert text.count("\n  ") > 5
    for heading in (
        "Next steps, in order",
        "What to record",
        "Who signs off",
        "Viewing the imagery",
    ):
        assert heading in text
    for number in range(1, len(decision.actions) + 1):
        assert f" {number}. " in text
