"""Scoring: every step's key agrees with `python -m training_app.rules`, and luck does not pay."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rules.conftest import run_cli_many
from training_app.rehearsal.choices import FACTOR_TEXTS, NONE, action_label
from training_app.rehearsal.generator import DIFFICULTIES, MAX_SEED, generate
from training_app.rehearsal.scoring import Case, answer_key, judge, notes, right_answer, total
from training_app.rehearsal.steps import (
    SCORED_KEYS,
    STEP_KEYS,
    STEPS,
    AnswerError,
    clean_answer,
    next_key,
    step,
)
from training_app.rules import (
    ACTION_IDS,
    DEFAULT_PROTOCOL,
    NEXT_STEP_IDS,
    Facts,
    LocalProtocol,
    Pupil,
    facts_to_dict,
)
from training_app.rules.protocol import protocol_to_dict

PROTOCOLS = (
    DEFAULT_PROTOCOL,
    LocalProtocol(device_power="power_off", viewing_rule="appx8", police_threshold="dorset"),
    LocalProtocol(police_threshold="aggravated"),
)
SAMPLE = [(seed, d) for d in DIFFICULTIES for seed in range(12)]


def _expected_from_cli(decision: dict, explained: str, actions: list[dict], protocol) -> dict:
    """The right answers, worked out only from the command line's output."""
    do = {a["id"] for a in actions if a["verdict"] == "do"}
    step_ids = {a["id"] for a in decision["actions"]}
    explained = " ".join(explained.split())
    factors = {f for f, text in FACTOR_TEXTS.items() if text in explained}
    manage = step("manage").field("next").choice_ids
    record = {
        "record_the_incident": "record_the_incident" in step_ids,
        "reasons_for_not_referring": decision["record_reasons_for_not_referring"],
        "copy_print_or_share_imagery": "copy_print_or_share_imagery" in do,
        "reasons_for_not_telling_parents": not decision["inform_parents"],
        "who_viewed": decision["view_imagery"],
    }
    return {
        "first_response": {"actions": do},
        "referral": {
            "refer": {"yes" if decision["refer_immediately"] else "no"},
            "criteria": set(decision["triggers"]) or {NONE},
        },
        "classification": {
            "classification": {decision["classification"]},
            "factors": factors or {NONE},
        },
        "agencies": {"agencies": set(decision["agencies"]) or {NONE}},
        "parents": {
            "parents": {"inform" if decision["inform_parents"] else "withhold"},
            "why": {"no_risk" if decision["inform_parents"] else "risk"},
        },
        "viewing": {
            "view": {"yes" if decision["view_imagery"] else "no"},
            "who": {protocol.viewing_rule},
        },
        "manage": {
            "devices": do & {"switch_device_to_flight_mode", "power_off_device"},
            "next": {c for c in manage if c in step_ids or c in do},
        },
        "record": {
            "record": {c for c, yes in record.items() if yes},
            "signoff": {"headteacher" if decision["headteacher_signoff_required"] else "informed"},
        },
    }


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("protocols")
    files = []
    for n, protocol in enumerate(PROTOCOLS):
        path = folder / f"protocol{n}.json"
        path.write_text(json.dumps(protocol_to_dict(protocol)), encoding="utf-8")
        files.append(str(path))
    cases = []
    calls = []
    for n, (seed, difficulty) in enumerate(SAMPLE):
        p = n % len(PROTOCOLS)
        facts = json.dumps(facts_to_dict(generate(seed, difficulty).facts))
        cases.append((seed, difficulty, p))
        calls.append((["decide", "--protocol", files[p]], facts))
        calls.append((["explain", "--protocol", files[p]], facts))
    calls += [(["actions", "--protocol", f], "") for f in files]
    results = run_cli_many(calls)
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results if r.returncode]
    actions = [json.loads(r.stdout) for r in results[-len(files) :]]
    return [
        (seed, difficulty, p, json.loads(results[2 * n].stdout), results[2 * n + 1].stdout)
        for n, (seed, difficulty, p) in enumerate(cases)
    ], actions


def test_every_step_key_agrees_with_the_command_line(cli_runs):
    runs, actions = cli_runs
    for seed, difficulty, p, decision, explained in runs:
        protocol = PROTOCOLS[p]
        case = Case.of(generate(seed, difficulty).facts, protocol)
        expected = _expected_from_cli(decision, explained, actions[p], protocol)
        assert set(expected) == set(SCORED_KEYS)
        for key in SCORED_KEYS:
            got = {name: set(ids) for name, ids in answer_key(key, case).items()}
            assert got == expected[key], (seed, difficulty, p, key)


def test_the_sample_covers_every_trigger_and_none(cli_runs):
    runs, _ = cli_runs
    seen = {t for *_, decision, _ in runs for t in decision["triggers"]}
    assert len(seen) == 7 and any(not d["triggers"] for *_, d, _ in runs)


incidents = st.builds(
    generate, st.integers(min_value=0, max_value=MAX_SEED), st.sampled_from(DIFFICULTIES)
)


@settings(max_examples=120)
@given(incidents, st.sampled_from(PROTOCOLS))
def test_the_right_answer_scores_and_any_change_to_it_does_not(incident, protocol):
    case = Case.of(incident.facts, protocol)
    verdicts = []
    for key in SCORED_KEYS:
        right = right_answer(key, case)
        assert clean_answer(key, right) == right
        verdict = judge(key, right, case)
        assert verdict.correct and verdict.explanations, key
        verdicts.append(verdict)
        for f in step(key).fields:
            for other in f.choice_ids:
                if f.many:
                    changed = sorted(set(right[f.name]) ^ {other}, key=f.choice_ids.index)
                    if NONE in changed and len(changed) > 1:
                        changed = [other]  # "none" goes on its own: swap instead of adding
                    if not changed or changed == right[f.name]:
                        continue
                elif [other] == right[f.name]:
                    continue
                else:
                    changed = [other]
                wrong = {**right, f.name: changed}
                assert not judge(key, wrong, case).correct, (key, wrong)
    assert total(verdicts).percent == 100


def test_saying_yes_to_referral_with_the_wrong_criteria_is_wrong():
    facts = Facts(pupils=(Pupil(age=14), Pupil(age=15, pictured=False)), adult_involved=True)
    case = Case.of(facts, DEFAULT_PROTOCOL)
    lucky = {"refer": ["yes"], "criteria": ["coercion_or_blackmail"]}
    verdict = judge("referral", lucky, case)
    assert not verdict.correct
    assert verdict.fields[0].correct and not verdict.fields[1].correct
    headings = [e.heading for e in verdict.explanations]
    assert "An adult is involved" in headings
    assert any(h.startswith("Not met here") for h in headings)
    assert all(e.citations for e in verdict.explanations)
    assert verdict.explanations[0].quote.startswith("An immediate referral to police")


def test_the_protocol_changes_the_key():
    facts = Facts(pupils=(Pupil(age=15), Pupil(age=15, pictured=False)), content="nude")
    flight = Case.of(facts, DEFAULT_PROTOCOL)
    strict = Case.of(facts, PROTOCOLS[1])
    assert answer_key("manage", flight)["devices"] == {"switch_device_to_flight_mode"}
    assert answer_key("manage", strict)["devices"] == {"power_off_device"}
    assert answer_key("viewing", strict)["who"] == {"appx8"}
    assert answer_key("agencies", flight)["agencies"] == {NONE}
    assert answer_key("agencies", strict)["agencies"] == {"police"}  # dorset: illegal image
    assert answer_key("record", flight)["signoff"] == {"headteacher"}
    assert answer_key("record", strict)["signoff"] == {"informed"}


def test_hard_case_notes():
    thirteen = Facts(pupils=(Pupil(age=13), Pupil(age=12, pictured=False)), content="sexual_acts")
    text = " ".join(notes("referral", thirteen))
    assert "Pupil A is 13" in text and "Pupil B is under 13 but is not in the imagery" in text
    hidden = Facts(pupils=(Pupil(age=15), Pupil(age=15, pictured=False, vulnerable=True)))
    assert "still applies" in notes("referral", hidden)[0]
    strangers = Facts(pupils=(Pupil(age=15),), shared_online=True, contacted_by_strangers=True)
    assert "CEOP" in notes("agencies", strangers)[0]


@pytest.mark.parametrize(
    ("key", "answer", "field", "message"),
    [
        ("referral", {"refer": "yes"}, "criteria", "Tick the criteria"),
        ("referral", {"refer": ["yes", "no"], "criteria": ["none"]}, "refer", "Choose one"),
        ("referral", {"refer": "maybe", "criteria": ["none"]}, "refer", "Choose from"),
        ("referral", {"refer": "no", "criteria": ["none", "adult_involved"]}, "criteria", "can't"),
        ("agencies", {"agencies": []}, "agencies", "Tick who you will involve"),
        ("agencies", {"agencies": ["police", "police"]}, "agencies", "Tick who"),
        ("parents", {"parents": "inform", "why": [7]}, "why", "Choose from"),
    ],
)
def test_a_bad_answer_names_the_field(key, answer, field, message):
    with pytest.raises(AnswerError) as error:
        clean_answer(key, answer)
    assert error.value.field == field and message in error.value.message


def test_steps_follow_the_guidance_order_and_offer_every_action():
    assert STEP_KEYS == (
        "first_response",
        "review",
        "referral",
        "classification",
        "agencies",
        "parents",
        "viewing",
        "manage",
        "record",
    )
    assert "review" not in SCORED_KEYS
    offered = step("first_response").field("actions").choice_ids
    assert sorted(offered) == sorted(ACTION_IDS)
    # Every action has a neutral label: none gives the answer away with "Don't".
    assert all(
        not action_label(a).startswith("Don") and "_" not in action_label(a) for a in ACTION_IDS
    )
    for choice in step("manage").field("next").choices:
        assert choice.id in NEXT_STEP_IDS or choice.id in ACTION_IDS
    labels = [c.label for s in STEPS for f in s.fields for c in f.choices]
    assert all(label and label[0].isupper() for label in labels)
    assert next_key(set()) == "first_response"
    assert next_key(set(STEP_KEYS)) is None
    assert next_key({"first_response"}) == "review"


def test_every_choice_id_is_unique_within_its_field():
    for s in STEPS:
        for f in s.fields:
            assert len(set(f.choice_ids)) == len(f.choice_ids)
    assert list(itertools.chain.from_iterable(s.fields for s in STEPS))
    assert all(
        re.fullmatch(r"[a-z_0-9]+", c) for s in STEPS for f in s.fields for c in f.choice_ids
    )
