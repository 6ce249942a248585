"""The incident generator: coverage of every trigger, reproducibility, and no hidden randomness."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

import pytest

from training_app.rehearsal.generator import (
    DIFFICULTIES,
    MAX_SEED,
    SeedError,
    generate,
)
from training_app.rules import TRIGGERS, facts_to_dict, find_triggers

SEEDS = range(200)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def incidents():
    return {d: [generate(seed, d) for seed in SEEDS] for d in DIFFICULTIES}


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_every_trigger_and_the_no_trigger_case_appear(incidents, difficulty):
    seen = {t for i in incidents[difficulty] for t in i.triggers}
    assert seen == set(TRIGGERS)
    assert any(not i.triggers for i in incidents[difficulty])


def test_foundation_has_at_most_one_trigger_and_no_twists(incidents):
    assert all(len(i.triggers) <= 1 and not i.twists for i in incidents["foundation"])


@pytest.mark.parametrize("difficulty", ["intermediate", "advanced"])
def test_harder_levels_have_complications(incidents, difficulty):
    assert all(i.twists for i in incidents[difficulty])


def test_advanced_covers_the_hard_cases(incidents):
    cases = incidents["advanced"]
    assert any(len(i.triggers) >= 2 for i in cases), "several triggers"
    assert any(not i.triggers and i.twists for i in cases), "none at all, with red herrings"
    assert any(
        p.pictured and p.age == 13 and i.facts.content == "sexual_acts"
        for i in cases
        for p in i.facts.pupils
    ), "a pupil in the image aged exactly 13"
    assert any(
        not p.pictured and (p.vulnerable or p.previously_abused or p.social_care_involved)
        for i in cases
        for p in i.facts.pupils
    ), "a vulnerable pupil who is not pictured"
    assert any(i.facts.parents_pose_risk for i in cases), "parents who may pose a risk"
    assert any(i.facts.contacted_by_strangers and not i.triggers for i in cases)
    assert any(i.facts.shared_without_consent and not i.facts.malicious_intent for i in cases), (
        "sharing without consent but without malice"
    )


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_the_engine_agrees_with_the_plan(incidents, difficulty):
    for incident in incidents[difficulty]:
        assert incident.triggers == find_triggers(incident.facts)
        assert all(11 <= p.age <= 17 for p in incident.facts.pupils)
        assert incident.facts.pupils[0].pictured


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_same_seed_gives_the_same_incident(difficulty):
    for seed in (0, 1, 42, 123_456, MAX_SEED):
        first, second = generate(seed, difficulty), generate(seed, difficulty)
        assert first == second
        assert first.account == second.account and dict(first.answers) == dict(second.answers)


def test_one_seed_at_two_difficulties_gives_different_cases():
    differ = sum(
        generate(seed, "intermediate").facts != generate(seed, "advanced").facts
        for seed in range(20)
    )
    assert differ >= 15


def _fingerprint_in_subprocess(hash_seed: str) -> str:
    code = (
        "import json; from training_app.rehearsal.generator import generate;"
        "from training_app.rules import facts_to_dict;"
        "print(json.dumps([[facts_to_dict(i.facts), list(i.account), dict(i.answers)]"
        " for i in (generate(s, d) for s in (3, 77) for d in ('foundation', 'advanced'))]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, check=True
    )
    return out.stdout


def test_same_incident_in_another_process_whatever_the_hash_seed():
    here = [
        [facts_to_dict(i.facts), list(i.account), dict(i.answers)]
        for i in (generate(s, d) for s in (3, 77) for d in ("foundation", "advanced"))
    ]
    assert json.loads(_fingerprint_in_subprocess("1")) == here
    assert _fingerprint_in_subprocess("1") == _fingerprint_in_subprocess("12345")


def test_no_global_random_and_no_clock(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the generator must use only random.Random(seed)")

    for name in ("random", "choice", "randint", "randrange", "sample", "shuffle", "seed"):
        monkeypatch.setattr(random, name, boom)
    monkeypatch.setattr(time, "time", boom)
    monkeypatch.setattr(time, "monotonic", boom)
    assert generate(5, "advanced").facts


@pytest.mark.parametrize(
    ("seed", "difficulty"),
    [
        (-1, "foundation"),
        (MAX_SEED + 1, "foundation"),
        ("7", "foundation"),
        (True, "advanced"),
        (1.0, "advanced"),
        (3, "expert"),
        (3, ""),
    ],
)
def test_bad_seed_or_difficulty_is_refused_with_a_message(seed, difficulty):
    with pytest.raises(SeedError) as error:
        generate(seed, difficulty)
    assert "must" in str(error.value)


def test_labels_give_role_and_age_never_a_name():
    incident = generate(11, "intermediate")
    assert incident.labels[0] == f"Pupil A ({incident.facts.pupils[0].age})"
    assert all(label.startswith("Pupil ") for label in incident.labels)
