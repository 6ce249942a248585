"""Bad facts: one error line naming the field, exit status 2, nothing on stdout."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.rules.conftest import Result, run_cli, run_cli_many
from training_app.rules import (
    Facts,
    FactsError,
    LocalProtocol,
    ProtocolError,
    Pupil,
    load_facts_json,
    parse_facts,
    parse_protocol,
)
from training_app.rules.cli import main

OK_PUPIL = '{"age": 12}'

# (id, facts text, field named in the error); every kind runs through the real command line.
CLI_CASES = [
    ("not_json", "this is not json", "facts"),
    ("empty_input", "", "facts"),
    ("not_an_object", '[{"age": 12}]', "facts"),
    ("unknown_field", f'{{"pupils": [{OK_PUPIL}], "colour": "red"}}', "colour"),
    ("unknown_pupil_field", '{"pupils": [{"age": 12, "height": 150}]}', "pupils[0].height"),
    ("bool_as_number", f'{{"pupils": [{OK_PUPIL}], "adult_involved": 1}}', "adult_involved"),
    (
        "bool_as_string",
        f'{{"pupils": [{OK_PUPIL}], "malicious_intent": "true"}}',
        "malicious_intent",
    ),
    ("age_minus_one", '{"pupils": [{"age": -1}]}', "pupils[0].age"),
    ("age_18", '{"pupils": [{"age": 12}, {"age": 18}]}', "pupils[1].age"),
    ("age_is_bool", '{"pupils": [{"age": true}]}', "pupils[0].age"),
    ("no_pupils", '{"adult_involved": true}', "pupils"),
    ("empty_pupils", '{"pupils": []}', "pupils"),
    ("bad_content", f'{{"pupils": [{OK_PUPIL}], "content": "explicit"}}', "content"),
]

# Further variants, checked in-process through the same main() the command line runs.
MORE_CASES = [
    ("json_scalar", '"facts"', "facts"),
    ("nan", '{"pupils": [{"age": NaN}]}', "facts"),
    ("age_fraction", '{"pupils": [{"age": 12.5}]}', "pupils[0].age"),
    ("age_whole_float", '{"pupils": [{"age": 12.0}]}', "pupils[0].age"),
    ("age_string", '{"pupils": [{"age": "12"}]}', "pupils[0].age"),
    ("age_null", '{"pupils": [{"age": null}]}', "pupils[0].age"),
    ("age_missing", '{"pupils": [{"pictured": true}]}', "pupils[0].age"),
    ("pupils_not_list", '{"pupils": {"age": 12}}', "pupils"),
    ("pupil_not_object", '{"pupils": [12]}', "pupils[0]"),
    ("pupil_bool_string", '{"pupils": [{"age": 12, "pictured": "yes"}]}', "pupils[0].pictured"),
    ("bool_null", f'{{"pupils": [{OK_PUPIL}], "adult_involved": null}}', "adult_involved"),
    ("content_number", f'{{"pupils": [{OK_PUPIL}], "content": 3}}', "content"),
    ("content_case", f'{{"pupils": [{OK_PUPIL}], "content": "Nude"}}', "content"),
    (
        "duplicate_field",
        f'{{"pupils": [{OK_PUPIL}], "shared_online": true, "shared_online": false}}',
        "shared_online",
    ),
    ("duplicate_pupil_field", '{"pupils": [{"age": 12, "age": 14}]}', "pupils[0].age"),
    (
        "second_pupil_unknown",
        '{"pupils": [{"age": 12}, {"age": 13, "name": "Sam"}]}',
        "pupils[1].name",
    ),
    ("newline_in_key", '{"pupils": [{"age": 12}], "a\\nb": true}', '"a\\nb"'),
]


def _assert_rejected(code: int, out: str, err: str, field: str) -> None:
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(f"error: {field}: "), err


@pytest.fixture(scope="module")
def cli_errors() -> dict[str, Result]:
    results = run_cli_many([(["decide"], text) for _, text, _ in CLI_CASES])
    return {case[0]: result for case, result in zip(CLI_CASES, results, strict=True)}


@pytest.mark.parametrize(("case", "text", "field"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_rejects_bad_facts(
    case: str, text: str, field: str, cli_errors: dict[str, Result]
) -> None:
    result = cli_errors[case]
    _assert_rejected(result.returncode, result.stdout, result.stderr, field)


@pytest.mark.parametrize(
    ("case", "text", "field"), CLI_CASES + MORE_CASES, ids=[c[0] for c in CLI_CASES + MORE_CASES]
)
def test_api_raises_facts_error_naming_the_field(case: str, text: str, field: str) -> None:
    with pytest.raises(FactsError) as caught:
        load_facts_json(text)
    assert caught.value.field == field
    assert str(caught.value) == f"{caught.value.field}: {caught.value.message}"
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("case", "text", "field"), MORE_CASES, ids=[c[0] for c in MORE_CASES])
def test_main_rejects_bad_facts(case: str, text: str, field: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["decide"], stdin=io.StringIO(text), stdout=out, stderr=err)
    _assert_rejected(code, out.getvalue(), err.getvalue(), field)


def test_error_line_for_age_18_is_exact() -> None:
    out, err = io.StringIO(), io.StringIO()
    text = '{"pupils": [{"age": 12}, {"age": 18}]}'
    assert main(["decide"], stdin=io.StringIO(text), stdout=out, stderr=err) == 2
    assert err.getvalue() == "error: pupils[1].age: must be an integer from 0 to 17 (got 18)\n"


def test_parse_facts_rejects_a_mapping_with_a_bad_field() -> None:
    with pytest.raises(FactsError) as caught:
        parse_facts({"pupils": [{"age": 12}], "coercion_or_blackmail": "no"})
    assert caught.value.field == "coercion_or_blackmail"
    assert caught.value.message == 'must be true or false (got "no")'


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = run_cli("decide", str(tmp_path / "missing.json"))
    _assert_rejected(result.returncode, result.stdout, result.stderr, "facts")


def test_bad_utf8_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes(b'{"pupils": [{"age": 12}], "content": "\xff"}')
    out, err = io.StringIO(), io.StringIO()
    _assert_rejected(
        main(["decide", str(path)], stdout=out, stderr=err), out.getvalue(), err.getvalue(), "facts"
    )


@pytest.mark.parametrize(
    ("protocol", "field"),
    [
        ({"device_power": "off"}, "protocol.device_power"),
        ({"viewing_rule": 1}, "protocol.viewing_rule"),
        ({"police_threshold": "strict"}, "protocol.police_threshold"),
        ({"police_contact": "line one\nline two"}, "protocol.police_contact"),
        ({"social_care_contact": 101}, "protocol.social_care_contact"),
        ({"colour": "red"}, "protocol.colour"),
        (["flight_mode"], "protocol"),
    ],
)
def test_bad_protocol_is_bad_input(protocol: object, field: str, tmp_path: Path) -> None:
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(protocol), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["actions", "--protocol", str(path)], stdout=out, stderr=err)
    _assert_rejected(code, out.getvalue(), err.getvalue(), field)
    with pytest.raises(ProtocolError):
        parse_protocol(protocol)


def test_constructors_validate_too() -> None:
    with pytest.raises(FactsError, match=r"^age: "):
        Pupil(age=18)
    with pytest.raises(FactsError, match=r"^age: "):
        Pupil(age=True)
    with pytest.raises(FactsError, match=r"^pictured: "):
        Pupil(age=12, pictured=1)  # type: ignore[arg-type]
    with pytest.raises(FactsError, match=r"^pupils: "):
        Facts(pupils=())
    with pytest.raises(FactsError, match=r"^content: "):
        Facts(pupils=(Pupil(12),), content="rude")
    with pytest.raises(FactsError, match=r"^shared_online: "):
        Facts(pupils=(Pupil(12),), shared_online="yes")  # type: ignore[arg-type]
    with pytest.raises(ProtocolError, match=r"^protocol.device_power: "):
        LocalProtocol(device_power="airplane")
    assert Facts(pupils=[Pupil(12)]).pupils == (Pupil(12),)  # type: ignore[arg-type]
