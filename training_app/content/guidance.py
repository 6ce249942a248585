"""The guidance behind a citation: the cited section's text, sliced from the vendored file.

A described source (e.g. ``UKCIS-2024``) has no file: its passage is our summary of the section,
marked ``described`` with the address of the original, and no quote may cite it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from training_app import rules as registry

GUIDANCE_DIR = Path(__file__).resolve().parent.parent / "guidance"


@dataclass(frozen=True)
class Passage:
    """A cited section of the guidance, ready to show behind a citation link."""

    citation: str
    source_title: str
    text: str
    described: bool = False
    heading: str = ""
    url: str = ""
    edition: str = ""


@cache
def document(source_id: str) -> str:
    """Return the full text of a guidance source (read once per process; the files never change)."""
    return (GUIDANCE_DIR / registry.SOURCES[source_id].file).read_text(encoding="utf-8")


def passage(citation: str) -> Passage:
    """Return the section a citation names, from its heading to the next; KeyError if unknown."""
    section = registry.section(citation)
    source = registry.SOURCES[section.source]
    if section.described:
        return Passage(
            citation,
            source.title,
            section.summary,
            True,
            section.heading,
            section.url,
            source.edition,
        )
    text = registry.section_text(citation, document(section.source))
    return Passage(citation, source.title, text.strip(), edition=source.edition)


def described_citations(citations: tuple[str, ...]) -> tuple[str, ...]:
    """Return those of ``citations`` that name a described (not vendored) source."""
    return tuple(
        c for c in citations if registry.is_valid_citation(c) and registry.section(c).described
    )


def quote_found(quote: str, citations: tuple[str, ...]) -> bool:
    """Whether the quote is verbatim (whitespace and layout aside) in one of the cited sections."""
    return any(
        registry.quote_in_section(quote, c, document(registry.section(c).source))
        for c in citations
        if registry.is_valid_citation(c) and not registry.section(c).described
    )


def quote_sources(quote: str) -> tuple[str, ...]:
    """The citations of every section holding the quote: a hint when an author cites wrongly."""
    needle = registry.normalise_text(quote)
    return tuple(
        s.citation
        for s in registry.known_sections()
        if needle
        and not s.described
        and registry.quote_in_section(quote, s.citation, document(s.source))
    )
