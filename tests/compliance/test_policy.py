"""The training policy: defaults, parsing every bad value, and a round trip."""

from __future__ import annotations

import pytest

from training_app.compliance.policy import (
    DEFAULT_POLICY,
    PolicyError,
    Requirement,
    TrainingPolicy,
    known_module_ids,
    module_title,
    parse_policy,
    policy_to_dict,
    renewal_days,
)


def test_defaults_follow_the_product_rules():
    staff = {r.module_id for r in DEFAULT_POLICY.for_person("staff", "teaching")}
    dsl = {r.module_id for r in DEFAULT_POLICY.for_person("dsl", "pastoral")}
    assert staff == {"first-responder", "law-and-outcome-21", "sextortion-and-ai-imagery"}
    assert dsl == staff | {"dsl-walkthrough", "parent-conversations"}
    assert DEFAULT_POLICY.requirement("first-responder").renewal_days == 365
    assert DEFAULT_POLICY.requirement("dsl-walkthrough").renewal_days == 730
    assert (DEFAULT_POLICY.due_soon_days, DEFAULT_POLICY.induction_days) == (30, 28)


def test_renewal_days_are_whole_days():
    assert [renewal_days(m) for m in (6, 12, 24, 36)] == [182, 365, 730, 1095]
    assert DEFAULT_POLICY.renewal_days_for("not-in-policy") == 365


def test_round_trip():
    assert parse_policy(policy_to_dict(DEFAULT_POLICY)) == DEFAULT_POLICY


def test_a_group_requirement_applies_whatever_the_role():
    rule = Requirement("parent-conversations", frozenset({"dsl"}), frozenset({"pastoral"}), 24)
    assert rule.applies_to("staff", "pastoral") and rule.applies_to("dsl", "teaching")
    assert not rule.applies_to("staff", "teaching")


def test_a_requirement_with_nobody_is_dropped():
    policy = parse_policy({"requirements": [{"module": "x", "roles": [], "groups": []}]})
    assert policy.requirements == ()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "policy"),
        ({"requirements": "all"}, "requirements"),
        ({"requirements": [1]}, "requirements[0]"),
        ({"requirements": [{"module": ""}]}, "requirements[0].module"),
        (
            {"requirements": [{"module": "m", "renewal_months": 7}]},
            "requirements[0].renewal_months",
        ),
        (
            {"requirements": [{"module": "m", "renewal_months": True}]},
            "requirements[0].renewal_months",
        ),
        ({"requirements": [{"module": "m", "roles": ["owner"]}]}, "requirements[0].roles"),
        ({"requirements": [{"module": "m", "groups": "teaching"}]}, "requirements[0].groups"),
        ({"requirements": [{"module": "m", "roles": ["staff"]}] * 2}, "requirements[1].module"),
        ({"due_soon_days": 0}, "due_soon_days"),
        ({"due_soon_days": "30"}, "due_soon_days"),
        ({"induction_days": 181}, "induction_days"),
    ],
)
def test_bad_values_name_their_field(data, field):
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.field == field


def test_titles_and_known_modules():
    assert module_title("law-and-outcome-21", {}) == "The law and Outcome 21"
    assert module_title("first-responder", {"first-responder": "Published"}) == "Published"
    assert module_title("new-thing", {}) == "new-thing"
    ids = known_module_ids(TrainingPolicy((Requirement("extra", frozenset({"staff"})),)), ["zz"])
    assert ids[0] == "extra" and ids[-1] == "zz" and "dsl-walkthrough" in ids


def test_role_and_group_keys_match_the_accounts_model():
    from training_app.auth.models import ROLES, STAFF_GROUPS
    from training_app.compliance.policy import GROUP_KEYS, ROLE_KEYS

    assert tuple(ROLES) == ROLE_KEYS and tuple(STAFF_GROUPS) == GROUP_KEYS
