"""The guidance passage behind a citation link."""

from __future__ import annotations

import pytest

from training_app.content import passage
from training_app.content.guidance import quote_found, quote_sources
from training_app.rules import known_sections


@pytest.mark.parametrize("citation", [s.citation for s in known_sections()])
def test_every_citable_section_has_a_passage(citation: str) -> None:
    found = passage(citation)
    assert found.citation == citation and found.text and found.source_title


def test_passage_runs_from_its_heading_to_the_next() -> None:
    found = passage("UKCCIS-2016 §3.8")
    assert found.text.startswith("3.8 Securing and handing over devices to the police")
    assert "lock and key until the police" in found.text
    assert "4.0 Social care" not in found.text
    assert found.source_title.startswith("A school group's safeguarding policy based on UKCCIS")
    assert not found.described and found.edition


def test_a_described_section_shows_our_summary_and_the_public_address() -> None:
    found = passage("UKCIS-2024 §2.2")
    assert found.described and found.heading == "Initial review meeting"
    assert found.url.startswith("https://www.gov.uk/government/publications/sharing-nudes")
    assert "five" in found.text and "March 2024" in found.edition
    assert found.source_title.startswith("Sharing nudes and semi-nudes: advice for education")


def test_quotes_never_match_a_described_source() -> None:
    # Even words that are in our own summary: the summary is not the advice's text.
    assert not quote_found("The DSL holds an initial review", ("UKCIS-2024 §2.2",))
    assert "UKCIS-2024 §2.2" not in quote_sources("The DSL holds an initial review")


def test_named_sections_of_local_sources() -> None:
    text = passage('RUTLAND-2017 "For any setting where there are concerns"').text
    assert "Flight mode is better than powering down" in text
    assert "For Designated Safeguarding Leads" not in text


def test_unknown_citation() -> None:
    with pytest.raises(KeyError):
        passage("UKCCIS-2016 §99")


def test_quotes_are_found_in_the_cited_section_only() -> None:
    quote = "Never copy, print or share the imagery. This is illegal."
    assert quote_found(quote, ("UKCCIS-2016 §5.1",))
    assert quote_found(quote, ("UKCCIS-2016 §2.0", "UKCCIS-2016 §5.1"))
    assert not quote_found(quote, ("UKCCIS-2016 §5.2",))
    assert not quote_found(quote, ("not a citation",))
    assert quote_sources(quote) == ("UKCCIS-2016 §5.1",)
