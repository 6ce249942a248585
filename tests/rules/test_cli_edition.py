"""``decide|explain --edition``: default the protocol's edition; bad values exit 2 cleanly."""

from __future__ import annotations

import json

import pytest

from tests.rules.conftest import Result, run_cli_many
from training_app.rules import LocalProtocol, decide, parse_facts

# A vulnerable pupil: a criterion of the group policy, not of the 2024 advice.
VULNERABLE = {"pupils": [{"age": 15, "vulnerable": True}], "content": "nude"}
NEW_FACTS = {
    "pupils": [{"age": 15}],
    "financially_motivated_extortion": True,
    "perpetrator_unknown_online": True,
    "imagery_ai_generated_or_altered": True,
    "capacity_to_consent_concern": False,
    "other_school_pupils_involved": True,
}
BAD_EDITIONS = ["ukcis-2020", "", "UKCIS-2024", "group-policy"]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Run every command line this module checks, side by side."""
    folder = tmp_path_factory.mktemp("edition")
    protocol_2024 = folder / "p2024.json"
    protocol_2024.write_text('{"edition": "ukcis-2024"}', encoding="utf-8")
    bad_protocol = folder / "bad.json"
    bad_protocol.write_text('{"edition": "ukcis-2020"}', encoding="utf-8")
    facts = json.dumps(VULNERABLE)
    calls = {
        "default": (["decide"], facts),
        "group": (["decide", "--edition", "group-policy-2016"], facts),
        "national": (["decide", "--edition", "ukcis-2024"], facts),
        "protocol_2024": (["decide", "--protocol", str(protocol_2024)], facts),
        "override": (
            ["decide", "--protocol", str(protocol_2024), "--edition", "group-policy-2016"],
            facts,
        ),
        "explain_2024": (["explain", "--edition", "ukcis-2024"], facts),
        "new_facts": (["decide", "--edition", "ukcis-2024"], json.dumps(NEW_FACTS)),
        "bad_protocol_edition": (["decide", "--protocol", str(bad_protocol)], facts),
        "bad_new_fact": (
            ["decide"],
            json.dumps({"pupils": [{"age": 15}], "financially_motivated_extortion": "yes"}),
        ),
        **{f"bad_{e}": (["decide", "--edition", e], facts) for e in BAD_EDITIONS},
        **{f"bad_explain_{e}": (["explain", "--edition", e], facts) for e in BAD_EDITIONS},
    }
    return dict(zip(calls, run_cli_many(list(calls.values())), strict=True))


def _decision(result: Result) -> dict[str, object]:
    assert result.returncode == 0 and result.stderr == "", result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_default_is_the_protocols_edition(cli: dict[str, Result]) -> None:
    assert _decision(cli["default"])["triggers"] == ["vulnerable_pupil"]
    assert _decision(cli["group"]) == _decision(cli["default"])
    assert _decision(cli["protocol_2024"]) == _decision(cli["national"])


def test_edition_flag_chooses_the_criteria(cli: dict[str, Result]) -> None:
    national = _decision(cli["national"])
    assert national["triggers"] == [] and national["refer_immediately"] is False
    assert national["agencies"] == ["childrens_social_care"]
    expected = decide(parse_facts(VULNERABLE), LocalProtocol(), "ukcis-2024").to_dict()
    assert national == expected


def test_edition_flag_overrides_the_protocol(cli: dict[str, Result]) -> None:
    assert _decision(cli["override"]) == _decision(cli["group"])


def test_explain_names_the_edition(cli: dict[str, Result]) -> None:
    result = cli["explain_2024"]
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Guidance followed: UKCIS 'Sharing nudes and semi-nudes" in text
    assert "UKCCIS-2016" not in text.split("Viewing the imagery")[0].split("Classification")[1]


def test_new_facts_are_accepted(cli: dict[str, Result]) -> None:
    decision = _decision(cli["new_facts"])
    ids = [step["id"] for step in decision["actions"]]  # type: ignore[attr-defined]
    assert {"contact_other_school", "report_remove"} <= set(ids)
    assert decision["agencies"] == ["police", "ceop"]


@pytest.mark.parametrize("edition", BAD_EDITIONS)
@pytest.mark.parametrize("command", ["decide", "explain"])
def test_bad_edition_exits_2_with_one_line(
    cli: dict[str, Result], edition: str, command: str
) -> None:
    result = cli[f"bad_{edition}" if command == "decide" else f"bad_explain_{edition}"]
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith('error: edition: must be one of "group-policy-2016", ')


def test_bad_edition_in_the_protocol_and_bad_new_fact(cli: dict[str, Result]) -> None:
    for name, field in (
        ("bad_protocol_edition", "protocol.edition"),
        ("bad_new_fact", "financially_motivated_extortion"),
    ):
        result = cli[name]
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith(f"error: {field}: must be"), result.stderr
