"""The guidance behind a citation: the cited section's text, sliced from the vendored file."""

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


@cache
def document(source_id: str) -> str:
    """Return the full text of a guidance source (read once per process; the files never change)."""
    return (GUIDANCE_DIR / registry.SOURCES[source_id].file).read_text(encoding="utf-8")


def passage(citation: str) -> Passage:
    """Return the section a citation names, from its heading to the next; KeyError if unknown."""
    section = registry.section(citation)
    text = registry.section_text(citation, document(section.source))
    return Passage(citation, registry.SOURCES[section.source].title, text.strip())


def quote_found(quote: str, citations: tuple[str, ...]) -> bool:
    """Whether the quote is verbatim (whitespace and layout aside) in one of the cited sections."""
    return any(
        registry.quote_in_section(quote, c, document(registry.section(c).source))
        for c in citations
        if registry.is_valid_citation(c)
    )


def quote_sources(quote: str) -> tuple[str, ...]:
    """The citations of every section holding the quote: a hint when an author cites wrongly."""
    needle = registry.normalise_text(quote)
    return tuple(
        s.citation
        for s in registry.known_sections()
        if needle and registry.quote_in_section(quote, s.citation, document(s.source))
    )
