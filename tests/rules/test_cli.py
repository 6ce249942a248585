"""The command line: explain's sections, the actions list, --protocol and FILE arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.rules.conftest import CONTRACT_ACTION_IDS, REPO, Result, run_cli_many
from training_app.rules import VERDICTS, decide, explain_text, parse_facts

REFER = {"pupils": [{"age": 12}], "adult_involved": True, "content": "sexual_acts"}
MANAGE = {"pupils": [{"age": 15}, {"age": 15}], "content": "nude", "parents_pose_risk": True}


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Run the command lines this module checks, side by side."""
    folder = tmp_path_factory.mktemp("cli")
    facts_file = folder / "facts.json"
    facts_file.write_text(json.dumps(REFER), encoding="utf-8")
    power_off = folder / "power_off.json"
    power_off.write_text('{"device_power": "power_off"}', encoding="utf-8")
    flight = folder / "flight.json"
    flight.write_text('{"device_power": "flight_mode", "viewing_rule": "appx8"}', encoding="utf-8")
    calls = {
        "explain_refer": (["explain"], json.dumps(REFER)),
        "explain_manage": (["explain", "-"], json.dumps(MANAGE)),
        "explain_protocol": (["explain", str(facts_file), "--protocol", str(power_off)], ""),
        "decide_file": (["decide", str(facts_file)], ""),
        "actions": (["actions"], ""),
        "actions_power_off": (["actions", "--protocol", str(power_off)], ""),
        "actions_flight": (["actions", "--protocol", str(flight)], ""),
        "no_command": ([], ""),
    }
    results = run_cli_many(list(calls.values()))
    return dict(zip(calls, results, strict=True))


def _ok(result: Result) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def _flat(text: str) -> str:
    # Explain wraps at 100 columns; phrases are checked regardless of where lines break.
    return " ".join(text.split())


def test_explain_refer_has_every_section(cli: dict[str, Result]) -> None:
    text = _flat(_ok(cli["explain_refer"]))
    for expected in (
        "DSL decision: REFER IMMEDIATELY",
        "Incident type: aggravated",
        "The facts",
        "Pupil 1: aged 12, pictured",
        "Immediate-referral triggers",
        "An immediate referral to police or social care should be made if at this",
        "[adult_involved]",
        "“The incident involves an adult”",
        "[under_13_sexual_acts]",
        "“The imagery involves sexual acts and any pupil in the imagery is under 13”",
        "UKCCIS-2016 §3.3",
        "Who to involve",
        "- The police",
        "- Children's social care",
        "- CEOP",
        "Next steps, in order",
        "1. Hold an initial review meeting",
        "What to record",
        "Who signs off",
        "No headteacher sign-off is needed",
        "Parents: tell them",
        "Viewing the imagery: do not view it",
        "All sources cited",
    ):
        assert expected in text, expected
    assert text.index("Immediate-referral triggers") < text.index("Next steps, in order")


def test_explain_manage_in_school(cli: dict[str, Result]) -> None:
    text = _flat(_ok(cli["explain_manage"]))
    for expected in (
        "DSL decision: MANAGE IN SCHOOL",
        "Incident type: experimental",
        "If none of the above apply you may decide to respond to the incident as a school",
        "Record why you are not referring the incident to the police or children's",
        "Have the headteacher sign off the decision not to refer.",
        "Parents: do not tell them for now",
        "must clearly record the reasons for not doing so.",
        "Ask the pupils to delete the imagery",
    ):
        assert expected in text, expected


def test_explain_text_matches_cli(cli: dict[str, Result]) -> None:
    facts = parse_facts(REFER)
    assert _ok(cli["explain_refer"]) == explain_text(decide(facts), facts)


def test_explain_shows_the_protocol(cli: dict[str, Result]) -> None:
    text = _flat(_ok(cli["explain_protocol"]))
    assert "This school's protocol" in text
    assert "device_power: power_off" in text
    assert "switched off and under lock and key" in text


def test_decide_reads_a_file(cli: dict[str, Result]) -> None:
    assert json.loads(_ok(cli["decide_file"])) == decide(parse_facts(REFER)).to_dict()


def test_actions_lists_the_contract_ids(cli: dict[str, Result]) -> None:
    rules = json.loads(_ok(cli["actions"]))
    ids = [rule["id"] for rule in rules]
    assert set(CONTRACT_ACTION_IDS) <= set(ids)
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert set(rule) == {"id", "verdict", "text", "why", "citations"}
        assert rule["verdict"] in VERDICTS
        assert rule["text"] and rule["why"] and rule["citations"]
    verdicts = {rule["id"]: rule["verdict"] for rule in rules}
    assert verdicts["switch_device_to_flight_mode"] == "local_policy"
    assert verdicts["power_off_device"] == "local_policy"


@pytest.mark.parametrize(
    ("run", "flight", "power"),
    [("actions_power_off", "dont", "do"), ("actions_flight", "do", "dont")],
)
def test_actions_protocol_resolves_device_verdicts(
    cli: dict[str, Result], run: str, flight: str, power: str
) -> None:
    verdicts = {rule["id"]: rule["verdict"] for rule in json.loads(_ok(cli[run]))}
    assert verdicts["switch_device_to_flight_mode"] == flight
    assert verdicts["power_off_device"] == power
    assert "local_policy" not in verdicts.values()


def test_no_command_is_a_usage_error(cli: dict[str, Result]) -> None:
    assert cli["no_command"].returncode == 2
    assert cli["no_command"].stdout == ""


def test_output_is_utf8_whatever_the_locale() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "training_app.rules", "explain"],
        input=json.dumps(REFER).encode(),
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "§3.3" in result.stdout.decode("utf-8")
