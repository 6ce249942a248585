"""Sources with an edition and a status; described sources are cited, summarised, never quoted."""

from __future__ import annotations

import re

import pytest

from training_app.rules import (
    EDITIONS,
    KINDS,
    SECTIONS,
    SOURCES,
    STATUSES,
    NotVendoredError,
    is_valid_citation,
    quote_in_section,
    section,
    section_text,
    sort_citations,
)

DESCRIBED = [s for s in SECTIONS if s.described]


def test_every_source_has_an_edition_status_and_kind() -> None:
    for source in SOURCES.values():
        assert source.edition and source.title, source.id
        assert source.status in STATUSES and source.kind in KINDS, source.id
        # A vendored source has a file to quote; a described one has an address to read instead.
        assert bool(source.file) == source.vendored, source.id
        assert bool(source.url) == (not source.vendored), source.id


def test_the_seed_documents_are_named_for_what_they_are() -> None:
    group = SOURCES["UKCCIS-2016"]
    assert group.kind == "group_policy" and group.local and group.vendored
    assert group.title.startswith("A school group's safeguarding policy based on UKCCIS")
    assert "(2016)" in group.title
    assert [SOURCES[s].kind for s in ("APPX8", "DORSET", "RUTLAND-2017", "WHAT-IS")] == [
        "school_policy",
        "police_area_protocol",
        "county_guidance",
        "briefing",
    ]
    assert not any(s.local for s in SOURCES.values() if not s.vendored)


def test_the_2024_advice_and_its_overview_are_described_with_their_gov_uk_address() -> None:
    advice, overview = SOURCES["UKCIS-2024"], SOURCES["UKCIS-2024-OVERVIEW"]
    assert advice.kind == "national_advice" and overview.kind == "national_overview"
    assert "Sharing nudes and semi-nudes" in advice.title and "March 2024" in advice.edition
    for source in (advice, overview):
        assert source.status == "described" and not source.file
        assert source.url.startswith("https://www.gov.uk/government/publications/sharing-nudes")


@pytest.mark.parametrize(
    "citation",
    [
        "UKCIS-2024 §1.4",
        "UKCIS-2024 §1.6",
        "UKCIS-2024 §1.7",
        "UKCIS-2024 §2.2",
        "UKCIS-2024 §2.3",
        "UKCIS-2024 §2.5",
        "UKCIS-2024 §2.8",
        "UKCIS-2024 §2.9",
        "UKCIS-2024 §2.10",
        "UKCIS-2024 Annex D",
        'UKCIS-2024-OVERVIEW "What to do if an incident comes to your attention"',
        'NCA-SEXTORTION-2024 "How to respond"',
        'CHILDLINE-REPORT-REMOVE "How it works"',
        'TAKE-IT-DOWN "How it works"',
    ],
)
def test_registered_described_sections_are_valid_citations(citation: str) -> None:
    assert is_valid_citation(citation)
    found = section(citation)
    assert found.described and found.summary and found.url.startswith("https://")


@pytest.mark.parametrize("citation", ["UKCIS-2024 §2.11", "UKCIS-2024 §9.9", "UKCIS-2024 2.2"])
def test_unregistered_described_sections_are_not_valid(citation: str) -> None:
    assert not is_valid_citation(citation)


def test_quotes_from_a_described_source_are_refused_with_a_clear_message() -> None:
    message = "UKCIS-2024 is not vendored: paraphrase it and cite the section"
    with pytest.raises(NotVendoredError, match=re.escape(message)):
        section_text("UKCIS-2024 §2.2", "any text")
    with pytest.raises(NotVendoredError, match=re.escape(message)):
        quote_in_section("An adult is involved", "UKCIS-2024 §2.2", "An adult is involved")


@pytest.mark.parametrize("entry", DESCRIBED, ids=lambda s: s.citation)
def test_summaries_are_our_own_short_words(entry: object) -> None:
    found = section(entry.citation)  # type: ignore[attr-defined]
    # A summary, not a copy: short, and without quotation of the original.
    assert 40 <= len(found.summary) <= 1200
    assert "“" not in found.summary and '"' not in found.summary


def test_described_sections_sort_after_the_vendored_ones() -> None:
    assert sort_citations(["UKCIS-2024 §2.2", "UKCCIS-2016 §3.3", "UKCIS-2024 §1.4"]) == (
        "UKCCIS-2016 §3.3",
        "UKCIS-2024 §1.4",
        "UKCIS-2024 §2.2",
    )


def test_editions_list_their_sources_main_document_first() -> None:
    assert [e.id for e in EDITIONS] == ["group-policy-2016", "ukcis-2024"]
    for edition in EDITIONS:
        assert edition.title and edition.status
        assert all(s in SOURCES for s in edition.sources)
    assert EDITIONS[0].main_source == "UKCCIS-2016"
    assert EDITIONS[1].main_source == "UKCIS-2024"


def test_protocol_edition_and_under_13_fields_default_to_todays_behaviour() -> None:
    from training_app.rules import DEFAULT_PROTOCOL, ProtocolError, parse_protocol

    assert DEFAULT_PROTOCOL.edition == "group-policy-2016"
    assert DEFAULT_PROTOCOL.under_13_referral == "sexual_acts"
    # A row saved before these fields existed reads as the defaults.
    old_row = {"device_power": "power_off", "viewing_rule": "appx8", "police_threshold": "dorset"}
    protocol = parse_protocol(old_row)
    assert (protocol.edition, protocol.under_13_referral) == ("group-policy-2016", "sexual_acts")
    chosen = parse_protocol({"edition": "ukcis-2024", "under_13_referral": "always"})
    assert (chosen.edition, chosen.under_13_referral) == ("ukcis-2024", "always")
    with pytest.raises(ProtocolError, match=r"^protocol\.edition: must be one of"):
        parse_protocol({"edition": "ukcis-2020"})
    with pytest.raises(ProtocolError, match=r"^protocol\.under_13_referral: must be one of"):
        parse_protocol({"under_13_referral": True})
