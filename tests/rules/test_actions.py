"""First-responder action rules and how a school's protocol resolves the local-policy ones."""

from __future__ import annotations

import pytest

from tests.rules.conftest import CONTRACT_ACTION_IDS
from training_app.rules import (
    ACTION_IDS,
    DEFAULT_PROTOCOL,
    VERDICTS,
    LocalProtocol,
    action_rule,
    action_rules,
)

DEVICE_ACTIONS = ("switch_device_to_flight_mode", "power_off_device")
# What the guidance says for every other contract action (see each rule's citations).
EXPECTED = {
    "report_to_dsl_immediately": "do",
    "view_imagery": "dont",
    "copy_print_or_share_imagery": "dont",
    "forward_imagery_to_dsl": "dont",
    "confiscate_device": "do",
    "search_device_yourself": "dont",
    "delete_imagery_yourself": "dont",
    "ask_why_they_did_it": "dont",
    "reassure_the_child": "do",
    "investigate_yourself": "dont",
    "record_what_you_were_told": "do",
    "promise_to_keep_it_secret": "dont",
    "stop_others_viewing_or_sharing": "do",
}


def test_ids_cover_the_contract_and_are_unique() -> None:
    assert set(CONTRACT_ACTION_IDS) <= set(ACTION_IDS)
    assert len(ACTION_IDS) == len(set(ACTION_IDS))
    assert ACTION_IDS[: len(CONTRACT_ACTION_IDS)] == CONTRACT_ACTION_IDS


def test_unresolved_verdicts() -> None:
    verdicts = {rule.id: rule.verdict for rule in action_rules()}
    assert {a: verdicts[a] for a in DEVICE_ACTIONS} == dict.fromkeys(DEVICE_ACTIONS, "local_policy")
    assert {a: v for a, v in verdicts.items() if a not in DEVICE_ACTIONS} == EXPECTED
    assert set(verdicts.values()) <= set(VERDICTS)


@pytest.mark.parametrize(
    ("device_power", "flight", "power"),
    [("flight_mode", "do", "dont"), ("power_off", "dont", "do")],
)
def test_protocol_resolves_device_actions_to_opposite_verdicts(
    device_power: str, flight: str, power: str
) -> None:
    protocol = LocalProtocol(device_power=device_power)
    rules = {rule.id: rule for rule in action_rules(protocol)}
    assert rules["switch_device_to_flight_mode"].verdict == flight
    assert rules["power_off_device"].verdict == power
    for action in DEVICE_ACTIONS:
        assert "school's protocol" in rules[action].why
        assert action_rule(action, protocol) == rules[action]
    assert all(rule.verdict in ("do", "dont") for rule in rules.values())
    assert {a: rules[a].verdict for a in EXPECTED} == EXPECTED


def test_default_protocol_is_flight_mode() -> None:
    assert action_rule("switch_device_to_flight_mode", DEFAULT_PROTOCOL).verdict == "do"
    assert action_rule("power_off_device", DEFAULT_PROTOCOL).verdict == "dont"


def test_search_rule_names_who_may_search_under_the_protocol() -> None:
    ukccis = action_rule("search_device_yourself", LocalProtocol(viewing_rule="ukccis"))
    appx8 = action_rule("search_device_yourself", LocalProtocol(viewing_rule="appx8"))
    assert "only one member of staff" in ukccis.why
    assert "safeguarding team present" in appx8.why
    assert ukccis.verdict == appx8.verdict == "dont"


def test_unknown_action_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        action_rule("shout_at_the_child")


def test_every_rule_is_complete() -> None:
    for protocol in (None, LocalProtocol(device_power="power_off")):
        for rule in action_rules(protocol):
            assert rule.text and rule.why and rule.quote and rule.citations
            assert rule.to_dict() == {
                "id": rule.id,
                "verdict": rule.verdict,
                "text": rule.text,
                "why": rule.why,
                "citations": list(rule.citations),
            }
