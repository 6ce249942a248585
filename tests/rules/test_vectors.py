"""Rule test vectors (tests/rules/vectors/*.json), each run through the API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.rules.conftest import Result, run_cli_many
from training_app.rules import (
    DECISION_KEYS,
    decide,
    is_valid_citation,
    parse_facts,
    parse_protocol,
    quote_in_section,
    section,
)

VECTOR_DIR = Path(__file__).parent / "vectors"
VECTORS = sorted(VECTOR_DIR.glob("*.json"))
# The contract lets these lists come in any order.
UNORDERED = {"triggers", "agencies", "citations"}


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _check(decision: dict[str, Any], expect: dict[str, Any]) -> None:
    assert set(expect) <= set(DECISION_KEYS), set(expect) - set(DECISION_KEYS)
    for key, expected in expect.items():
        actual = decision[key]
        if key == "actions" and all(isinstance(item, str) for item in expected):
            actual = [step["id"] for step in actual]
        if key in UNORDERED:
            assert sorted(actual) == sorted(expected), key
        else:
            assert actual == expected, key


def test_there_are_at_least_40_vectors() -> None:
    assert len(VECTORS) >= 40


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_is_well_formed(path: Path) -> None:
    vector = _load(path)
    assert set(vector) - {"protocol"} == {"name", "guidance", "facts", "expect"}
    assert set(vector["guidance"]) == {"citation", "quote"}
    assert is_valid_citation(vector["guidance"]["citation"])
    assert vector["name"].strip() and vector["expect"]


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_quote_is_in_the_cited_section(path: Path, guidance: dict[str, str]) -> None:
    cited = _load(path)["guidance"]
    citation, quote = cited["citation"], cited["quote"]
    if section(citation).described:
        # A described source (e.g. UKCIS-2024) is cited, never quoted.
        assert quote == "", f"{citation} is not vendored: a vector may not quote it"
        return
    document = guidance[section(citation).source]
    assert quote_in_section(quote, citation, document), f"{quote!r} is not in {citation}"


@pytest.fixture(scope="module")
def cli_decisions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Run ``decide`` on every vector's facts (stdin) through the real command line, at once."""
    calls: list[tuple[list[str], str]] = []
    for path in VECTORS:
        vector = _load(path)
        args = ["decide"]
        if "protocol" in vector:
            protocol_file = tmp_path_factory.mktemp("protocol") / f"{path.stem}.json"
            protocol_file.write_text(json.dumps(vector["protocol"]), encoding="utf-8")
            args += ["--protocol", str(protocol_file)]
        calls.append((args, json.dumps(vector["facts"])))
    return dict(zip([p.stem for p in VECTORS], run_cli_many(calls), strict=True))


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_through_api_and_cli(path: Path, cli_decisions: dict[str, Result]) -> None:
    vector = _load(path)
    protocol = parse_protocol(vector.get("protocol", {}))
    decision = decide(parse_facts(vector["facts"]), protocol).to_dict()
    _check(decision, vector["expect"])

    result = cli_decisions[path.stem]
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == decision
