"""The citation registry: every citation resolves, and every registered section exists."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.rules.conftest import GUIDANCE_DIR
from training_app.rules import (
    SECTIONS,
    SOURCES,
    TRIGGER_RULES,
    LocalProtocol,
    Section,
    action_rules,
    decide,
    is_valid_citation,
    known_sections,
    parse_facts,
    section,
    section_text,
    sort_citations,
)
from training_app.rules.citations import heading_offset
from training_app.rules.protocol import (
    DEVICE_POWER_CHOICES,
    POLICE_THRESHOLD_CHOICES,
    VIEWING_RULE_CHOICES,
)

VECTOR_DIR = Path(__file__).parent / "vectors"


def assert_citations_valid(where: str, citations: Iterable[str]) -> None:
    """Fail unless ``citations`` is non-empty, has no repeats and every one is registered."""
    citations = tuple(citations)
    assert citations, f"{where}: no citations"
    assert len(set(citations)) == len(citations), f"{where}: repeated citation"
    for citation in citations:
        assert is_valid_citation(citation), f"{where}: unknown citation {citation!r}"


def _engine_citations() -> list[tuple[str, tuple[str, ...]]]:
    """Return (where, citations) for every rule, action and decision part the engine produces."""
    found = [(f"trigger {r.id}", r.citations) for r in TRIGGER_RULES]
    protocols = [
        LocalProtocol(device_power=d, viewing_rule=v, police_threshold=p)
        for d, v, p in itertools.product(
            DEVICE_POWER_CHOICES, VIEWING_RULE_CHOICES, POLICE_THRESHOLD_CHOICES
        )
    ]
    for protocol in [None, *protocols]:
        found += [(f"action {r.id}", r.citations) for r in action_rules(protocol)]
    for path in sorted(VECTOR_DIR.glob("*.json")):
        facts = parse_facts(json.loads(path.read_text(encoding="utf-8"))["facts"])
        for protocol in protocols:
            decision = decide(facts, protocol)
            found.append((f"{path.stem} decision", decision.citations))
            found += [(f"{path.stem} step {s.id}", s.citations) for s in decision.actions]
            found += [(f"{path.stem} reason {k}", r.citations) for k, r in decision.reasons.items()]
    return found


def test_every_engine_citation_resolves() -> None:
    for where, citations in _engine_citations():
        assert_citations_valid(where, citations)


def test_an_unregistered_citation_fails_the_check() -> None:
    with pytest.raises(AssertionError, match="unknown citation"):
        assert_citations_valid("example", ("UKCCIS-2016 §3.3", "UKCCIS-2016 §3.9"))
    with pytest.raises(AssertionError, match="no citations"):
        assert_citations_valid("example", ())


@pytest.mark.parametrize(
    "citation",
    [
        "UKCCIS-2016 §3.3",
        "UKCCIS-2016 §9.1 (Annex A)",
        "APPX8 Step 3",
        'DORSET "Searching a device"',
        'RUTLAND-2017 "For any setting where there are concerns"',
    ],
)
def test_readme_examples_are_valid(citation: str) -> None:
    assert is_valid_citation(citation)


@pytest.mark.parametrize(
    "citation",
    [
        "UKCCIS-2016 §3.9",
        "UKCCIS-2016 3.3",
        "UKCCIS §3.3",
        "APPX8 Step 9",
        "DORSET Searching a device",
        "",
        None,
        33,
    ],
)
def test_invalid_citations(citation: object) -> None:
    assert not is_valid_citation(citation)


VENDORED_SECTIONS = [s for s in SECTIONS if not s.described]


@pytest.mark.parametrize("entry", VENDORED_SECTIONS, ids=lambda s: s.citation)
def test_every_section_heading_exists_in_its_file(entry: Section, guidance: dict[str, str]) -> None:
    found = section(entry.citation)
    assert (GUIDANCE_DIR / found.file).is_file()
    assert heading_offset(found, guidance[found.source]) >= 0, found.heading
    if found.label.startswith('"'):
        assert found.heading.startswith(found.label.strip('"'))


def test_sections_are_listed_in_file_order(guidance: dict[str, str]) -> None:
    for source in guidance:
        offsets = [heading_offset(s, guidance[source]) for s in SECTIONS if s.source == source]
        assert offsets == sorted(offsets), source
        assert len(set(offsets)) == len(offsets), source


def test_registry_matches_the_guidance_readme() -> None:
    readme = (GUIDANCE_DIR / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z0-9-]+)` \| `([0-9a-f_]+\.txt)` \|", readme, re.MULTILINE))
    assert rows == {source.id: source.file for source in SOURCES.values() if source.vendored}


def test_known_sections_lists_source_section_and_file() -> None:
    listed = {(s.source, s.label, s.file) for s in known_sections()}
    assert ("UKCCIS-2016", "§3.3", "004_2b819da80514245d.txt") in listed
    assert ("APPX8", "Step 2", "002_d94683580fe11294.txt") in listed


def test_section_text_stops_at_the_next_heading(guidance: dict[str, str]) -> None:
    text = section_text("UKCCIS-2016 §3.3", guidance["UKCCIS-2016"])
    assert "An immediate referral to police or social care" in text
    assert "3.4 Assessing the risks" not in text
    assert section_text("APPX8 Step 8", guidance["APPX8"]).rstrip().endswith("NSPCC")


def test_sort_citations_orders_by_registry_and_deduplicates() -> None:
    assert sort_citations(
        ["APPX8 Step 2", "UKCCIS-2016 §7.0", "APPX8 Step 2", "UKCCIS-2016 §3.1"]
    ) == (
        "UKCCIS-2016 §3.1",
        "UKCCIS-2016 §7.0",
        "APPX8 Step 2",
    )
    with pytest.raises(KeyError):
        sort_citations(["UKCCIS-2016 §3.9"])
