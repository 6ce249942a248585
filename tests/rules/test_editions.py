"""Issue 18 item 2: the engine follows an edition and a local protocol, and the newer harms."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rules.conftest import GUIDANCE_DIR
from training_app.rules import (
    CONTENT_VALUES,
    EDITION_IDS,
    NEXT_STEP_IDS,
    Facts,
    LocalProtocol,
    Pupil,
    action_rules,
    decide,
    explain_text,
    is_valid_citation,
    parse_facts,
    quote_in_section,
    section,
)
from training_app.rules.protocol import (
    DEVICE_POWER_CHOICES,
    POLICE_THRESHOLD_CHOICES,
    UNDER_13_REFERRAL_CHOICES,
    VIEWING_RULE_CHOICES,
)
from training_app.rules.triggers import EDITION_TRIGGERS, PROTOCOL_TRIGGERS

G, U = "group-policy-2016", "ukcis-2024"
NEW_FACTS = (
    "perpetrator_unknown_online",
    "financially_motivated_extortion",
    "imagery_ai_generated_or_altered",
    "capacity_to_consent_concern",
    "other_school_pupils_involved",
)
BLAMING = re.compile(
    r"should(?: not|n't) have|(?<!not )(?:your|their) (?:own )?fault|why did (?:you|they)|"
    r"careless|naive|foolish|stupid|brought it on|asked for it|disciplin|sanction|punish",
    re.IGNORECASE,
)
PROPERTIES = settings(max_examples=120)

pupils = st.builds(
    Pupil,
    age=st.integers(min_value=0, max_value=17),
    pictured=st.booleans(),
    vulnerable=st.booleans(),
    previously_abused=st.booleans(),
    social_care_involved=st.booleans(),
)
all_facts = st.builds(
    Facts,
    pupils=st.lists(pupils, min_size=1, max_size=3).map(tuple),
    content=st.sampled_from(CONTENT_VALUES),
    **{
        name: st.booleans()
        for name in (
            "adult_involved",
            "coercion_or_blackmail",
            "immediate_risk_of_harm",
            "shared_without_consent",
            "malicious_intent",
            "shared_online",
            "contacted_by_strangers",
            "parents_pose_risk",
            *NEW_FACTS,
        )
    },
)
all_protocols = st.builds(
    LocalProtocol,
    device_power=st.sampled_from(DEVICE_POWER_CHOICES),
    viewing_rule=st.sampled_from(VIEWING_RULE_CHOICES),
    police_threshold=st.sampled_from(POLICE_THRESHOLD_CHOICES),
    edition=st.sampled_from(EDITION_IDS),
    under_13_referral=st.sampled_from(UNDER_13_REFERRAL_CHOICES),
)


def _facts(**values: object) -> Facts:
    data: dict[str, object] = {"pupils": [{"age": 15}], "content": "nude"}
    data.update(values)
    return parse_facts(data)


def _texts(facts: Facts, edition: str) -> list[str]:
    decision = decide(facts, LocalProtocol(edition=edition))
    return [r.text for r in decision.reasons.values()] + [s.text for s in decision.actions]


def _step(facts: Facts, step_id: str, edition: str = G, **protocol: str) -> str:
    decision = decide(facts, LocalProtocol(edition=edition, **protocol))
    return next(s.text for s in decision.actions if s.id == step_id)


# --- Invariants under both editions, every protocol, every fact ---------------------------


@PROPERTIES
@given(all_facts, all_protocols)
def test_edition_invariants(facts: Facts, protocol: LocalProtocol) -> None:
    decision = decide(facts, protocol)
    assert decision.edition == protocol.edition
    allowed = (*EDITION_TRIGGERS[protocol.edition], *PROTOCOL_TRIGGERS)
    assert set(decision.triggers) <= set(allowed)
    assert decision.refer_immediately == bool(decision.triggers)
    referred = "police" in decision.agencies or "childrens_social_care" in decision.agencies
    if decision.triggers:
        assert referred
    assert decision.record_reasons_for_not_referring == (not referred)
    ids = [s.id for s in decision.actions]
    assert ids == [i for i in NEXT_STEP_IDS if i in ids]
    assert ids[0] == (
        "call_emergency_services" if facts.immediate_risk_of_harm else "hold_initial_review_meeting"
    )
    assert ("contact_other_school" in ids) == facts.other_school_pupils_involved
    for reason in decision.reasons.values():
        assert reason.text and reason.citations and all(map(is_valid_citation, reason.citations))
        # A quote is only ever of a vendored source, and then of its first citation.
        assert not reason.quote or not section(reason.citations[0]).described
    if protocol.edition == U:
        # A school following the 2024 advice is pointed at it, not at the group policy.
        assert not any(c.startswith("UKCCIS-2016") for c in decision.citations)
        assert "vulnerable_pupil" not in decision.triggers
        assert "malicious_sharing" not in decision.triggers


@PROPERTIES
@given(all_facts, all_protocols)
def test_ai_imagery_is_handled_as_imagery_of_the_pupil(
    facts: Facts, protocol: LocalProtocol
) -> None:
    real = decide(dataclasses.replace(facts, imagery_ai_generated_or_altered=False), protocol)
    ai = decide(dataclasses.replace(facts, imagery_ai_generated_or_altered=True), protocol)
    for key in ("triggers", "agencies", "classification", "inform_parents", "view_imagery"):
        assert getattr(ai, key) == getattr(real, key), key
    talk = next(s for s in ai.actions if s.id == "talk_to_the_pupils")
    assert "handle it exactly as imagery of the pupil it shows" in talk.text
    assert "UKCIS-2024 §1.7" in talk.citations


@PROPERTIES
@given(all_facts, all_protocols)
def test_under_13_option_only_widens(facts: Facts, protocol: LocalProtocol) -> None:
    always = decide(facts, dataclasses.replace(protocol, under_13_referral="always"))
    national = decide(facts, dataclasses.replace(protocol, under_13_referral="sexual_acts"))
    under_13 = any(p.age < 13 for p in facts.pupils)
    assert ("under_13_involved" in always.triggers) == under_13
    assert "under_13_involved" not in national.triggers
    assert set(national.triggers) <= set(always.triggers)
    if under_13:
        assert always.refer_immediately and "childrens_social_care" in always.agencies


# --- Sextortion and coercion by someone known only online ----------------------------------


@pytest.mark.parametrize("edition", [G, U])
@pytest.mark.parametrize(
    "values",
    [
        {"financially_motivated_extortion": True},
        {"financially_motivated_extortion": True, "perpetrator_unknown_online": True},
        {"coercion_or_blackmail": True, "perpetrator_unknown_online": True},
    ],
)
def test_sextortion_refers_to_police_and_ceop_with_report_remove(
    edition: str, values: dict[str, bool]
) -> None:
    facts = _facts(**values)
    decision = decide(facts, LocalProtocol(edition=edition))
    assert decision.refer_immediately and "coercion_or_blackmail" in decision.triggers
    assert {"police", "ceop"} <= set(decision.agencies)
    assert "report_remove" in [s.id for s in decision.actions]
    assert "keep_imagery_as_evidence" in [s.id for s in decision.actions]
    for text in _texts(facts, edition):
        assert not BLAMING.search(text), text
    remove = _step(facts, "report_remove", edition)
    assert "not their fault" in remove and "not to pay" in remove and "keep the messages" in remove
    assert "no member of staff views" in remove
    ceop = decision.reasons["agency:ceop"]
    assert ceop.citations[0] == (
        "UKCCIS-2016 §9.3 (Annex C)" if edition == G else "UKCIS-2024 §2.10"
    )


def test_extortion_police_reason_cites_the_nca_alert() -> None:
    decision = decide(_facts(financially_motivated_extortion=True))
    police = decision.reasons["agency:police"]
    assert 'NCA-SEXTORTION-2024 "What it is"' in police.citations
    assert "never to blame" in police.text and "organised criminals" in police.text


# --- Triggers per edition -------------------------------------------------------------------


def test_each_edition_has_its_own_criteria() -> None:
    assert EDITION_TRIGGERS[G] == (
        "adult_involved",
        "coercion_or_blackmail",
        "extreme_or_violent_content",
        "vulnerable_pupil",
        "under_13_sexual_acts",
        "immediate_risk_of_harm",
        "malicious_sharing",
    )
    assert EDITION_TRIGGERS[U] == (
        "adult_involved",
        "coercion_or_blackmail",
        "extreme_or_violent_content",
        "under_13_sexual_acts",
        "immediate_risk_of_harm",
    )


def test_2024_coercion_criterion_includes_grooming_and_capacity_to_consent() -> None:
    reason = decide(_facts(capacity_to_consent_concern=True), LocalProtocol(edition=U)).reasons[
        "trigger:coercion_or_blackmail"
    ]
    assert "groomed" in reason.text and "capacity to consent" in reason.text
    assert reason.citations == ("UKCIS-2024 §2.2",) and reason.quote == ""


def test_edition_argument_overrides_the_protocol() -> None:
    facts = _facts(pupils=[{"age": 15, "vulnerable": True}])
    assert decide(facts, LocalProtocol(edition=U)).triggers == ()
    assert decide(facts, LocalProtocol(edition=U), G).triggers == ("vulnerable_pupil",)
    assert decide(facts, LocalProtocol(), U).triggers == ()
    with pytest.raises(ValueError, match="unknown edition: 'ukcis-2020'"):
        decide(facts, LocalProtocol(), "ukcis-2020")


# --- Other schools, 999, age gap ------------------------------------------------------------


@pytest.mark.parametrize("edition", [G, U])
def test_other_school_step(edition: str) -> None:
    text = _step(_facts(other_school_pupils_involved=True), "contact_other_school", edition)
    assert "designated safeguarding lead" in text and "never the imagery" in text


@pytest.mark.parametrize("edition", [G, U])
def test_emergency_services_first_on_immediate_risk(edition: str) -> None:
    decision = decide(_facts(immediate_risk_of_harm=True), LocalProtocol(edition=edition))
    assert decision.actions[0].id == "call_emergency_services"
    assert "call 999" in decision.actions[0].text
    assert decision.actions[1].id == "hold_initial_review_meeting"


@pytest.mark.parametrize("edition", [G, U])
def test_a_significant_age_gap_is_flagged_in_the_explanation(edition: str) -> None:
    gap = _facts(pupils=[{"age": 13}, {"age": 17, "pictured": False}])
    protocol = LocalProtocol(edition=edition)
    text = " ".join(explain_text(decide(gap, protocol), gap, protocol).split())
    assert "Flags for the risk assessment" in text
    assert "There is a 4-year age gap between the pupils (aged 13 to 17)" in text
    assert "Is there a significant age difference between the sender/recipient?" in text
    assert "4-year age gap" in _step(gap, "assess_risks", edition)
    close = _facts(pupils=[{"age": 15}, {"age": 16}])
    assert "Flags for the risk assessment" not in explain_text(decide(close, protocol), close)


# --- Settled questions ----------------------------------------------------------------------


@pytest.mark.parametrize("edition", [G, U])
def test_no_deletion_advice_while_a_police_referral_is_weighed(edition: str) -> None:
    facts = _facts(shared_without_consent=True)
    ids = [s.id for s in decide(facts, LocalProtocol(edition=edition)).actions]
    assert "consider_police_referral" in ids
    text = _step(facts, "arrange_deletion", edition)
    assert text.startswith("Decide on the police referral first")
    assert "don't delete the imagery or ask anyone to" in text
    # Without aggravation the ordinary deletion advice stands.
    assert _step(_facts(), "arrange_deletion", edition).startswith("Ask the pupils to delete")


def test_parents_pose_risk_alone_is_not_a_referral_but_social_care_is_considered() -> None:
    decision = decide(_facts(parents_pose_risk=True))
    assert not decision.refer_immediately and decision.agencies == ()
    ids = [s.id for s in decision.actions]
    assert "do_not_inform_parents" in ids and "consider_social_care_referral" in ids


def test_extreme_content_goes_to_the_police_and_not_by_itself_to_social_care() -> None:
    assert decide(_facts(content="extreme_or_violent")).agencies == ("police",)


def test_ceop_beyond_adult_and_stranger_cases() -> None:
    # Someone known only online: CEOP; pupils who know each other: no CEOP.
    assert decide(_facts(perpetrator_unknown_online=True)).agencies == ("ceop",)
    assert "ceop" not in decide(_facts(coercion_or_blackmail=True)).agencies


def test_dorset_threshold_leaves_semi_nudes_to_the_dsl() -> None:
    dorset = LocalProtocol(police_threshold="dorset")
    assert decide(_facts(content="semi_nude"), dorset).agencies == ()
    assert decide(_facts(content="nude"), dorset).agencies == ("police",)


# --- Corrections ----------------------------------------------------------------------------


def test_flight_mode_cites_the_local_protocol_not_section_3_8() -> None:
    flight = LocalProtocol(device_power="flight_mode")
    step = next(s for s in decide(_facts(), flight).actions if s.id == "secure_devices")
    assert "UKCCIS-2016 §3.8" not in step.citations
    assert 'RUTLAND-2017 "For any setting where there are concerns"' in step.citations
    for rule in action_rules(flight):
        if rule.id in ("switch_device_to_flight_mode", "power_off_device"):
            assert rule.citations == ('RUTLAND-2017 "For any setting where there are concerns"',)
    power_off = LocalProtocol(device_power="power_off")
    step = next(s for s in decide(_facts(), power_off).actions if s.id == "secure_devices")
    assert "UKCCIS-2016 §3.8" in step.citations


def test_adult_receiver_reason_does_not_assume_the_adult_shared() -> None:
    # A 17-year-old sends a nude to an adult: the adult received it.
    facts = _facts(pupils=[{"age": 17}], adult_involved=True)
    reason = decide(facts).reasons["agency:childrens_social_care"]
    assert "receiving" in reason.text and "adult sharing sexual imagery" not in reason.text
    assert reason.citations[0] == "UKCCIS-2016 §2.1"
    document = (GUIDANCE_DIR / section("UKCCIS-2016 §2.1").file).read_text(encoding="utf-8")
    assert quote_in_section(reason.quote, "UKCCIS-2016 §2.1", document)


@PROPERTIES
@given(all_facts, all_protocols)
def test_engine_words_say_nudes_and_semi_nudes(facts: Facts, protocol: LocalProtocol) -> None:
    decision = decide(facts, protocol)
    texts = [r.text for r in decision.reasons.values()] + [s.text for s in decision.actions]
    texts += [r.text + r.why for r in action_rules(protocol)]
    for text in texts:
        # The old terms may appear only inside quotes of the seed policy, never in our words.
        assert not re.search(r"youth.produced|sexting|sexual imagery", text, re.IGNORECASE), text
