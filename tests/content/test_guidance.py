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
    assert found.source_title.startswith("Sexting in schools and colleges")


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
