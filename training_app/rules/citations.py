"""The citation registry: every source and section a rule may cite, and where it lives.

A citation is ``"<source id> <section label>"``, e.g. ``UKCCIS-2016 §3.3``, ``APPX8 Step 2`` or
``DORSET "Searching a device"`` (see ``training_app/guidance/README.md``). The engine does no I/O:
the helpers at the bottom take a guidance document's text as an argument, so tests and the
content checker can prove that every quote really is in the section it cites.

Each source has an ``edition`` (which version of the document it is) and a ``status``:
``"vendored"`` (its text is in ``training_app/guidance/`` and may be quoted) or ``"described"``
(cited by section and public address only, summarised in our own words, see ``described.py``).
``kind`` says what sort of document it is, so nothing calls a local policy national guidance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .described import (
    DESCRIBED_SECTIONS,
    NCA_ALERT_URL,
    OVERVIEW_URL,
    POSH_URL,
    REPORT_REMOVE_URL,
    TAKE_IT_DOWN_URL,
    UKCIS_2024_URL,
    DescribedSection,
)

STATUSES: tuple[str, ...] = ("vendored", "described")
KINDS: tuple[str, ...] = (
    "group_policy",
    "school_policy",
    "police_area_protocol",
    "county_guidance",
    "briefing",
    "national_advice",
    "national_overview",
    "outside_organisation",
)

LOCAL_KINDS: frozenset[str] = frozenset(
    {"group_policy", "school_policy", "police_area_protocol", "county_guidance"}
)


class NotVendoredError(ValueError):
    """A quote or section text was asked of a described source, whose text we do not hold."""


@dataclass(frozen=True)
class Source:
    """One guidance document: id, title, file (empty if described), edition, status, kind, url."""

    id: str
    title: str
    file: str
    edition: str
    status: str
    kind: str
    url: str = ""

    @property
    def vendored(self) -> bool:
        """Return True if the document's text is in the guidance folder and may be quoted."""
        return self.status == "vendored"

    @property
    def local(self) -> bool:
        """Return True for a school's, police area's or county's own document (not national)."""
        return self.kind in (
            "group_policy",
            "school_policy",
            "police_area_protocol",
            "county_guidance",
        )


@dataclass(frozen=True)
class Section:
    """One citable section: ``heading`` is how the section's first line starts in the file.

    For a described source ``heading`` is the section's title, ``summary`` our own words about
    it and ``url`` where to read the original; vendored sections leave those empty.
    """

    source: str
    label: str
    heading: str
    summary: str = ""
    url: str = ""
    number_checked: bool = True

    @property
    def citation(self) -> str:
        """Return the citation string, e.g. ``UKCCIS-2016 §3.3``."""
        return f"{self.source} {self.label}"

    @property
    def file(self) -> str:
        """Return the file name of the guidance document this section is in ("" if described)."""
        return SOURCES[self.source].file

    @property
    def described(self) -> bool:
        """Return True if the section's source is described, not vendored (never quotable)."""
        return not SOURCES[self.source].vendored


SOURCES: Mapping[str, Source] = MappingProxyType(
    {
        s.id: s
        for s in (
            Source(
                "UKCCIS-2016",
                "A school group's safeguarding policy based on UKCCIS 'Sexting in schools and "
                "colleges: responding to incidents and safeguarding young people' (2016)",
                "004_2b819da80514245d.txt",
                "the group's policy, based on the 2016 national advice (since replaced)",
                "vendored",
                "group_policy",
            ),
            Source(
                "APPX8",
                "A school's policy, Appendix 8: Sexting",
                "002_d94683580fe11294.txt",
                "one school's appendix (undated)",
                "vendored",
                "school_policy",
            ),
            Source(
                "DORSET",
                "Dorset Police sexting protocol (a police area's local protocol)",
                "001_0ef30583c6e63961.txt",
                "the police area's protocol (undated)",
                "vendored",
                "police_area_protocol",
            ),
            Source(
                "RUTLAND-2017",
                "Rutland County Council guidance for educational settings (November 2017)",
                "000_434d9ec3842ad190.txt",
                "November 2017",
                "vendored",
                "county_guidance",
            ),
            Source(
                "WHAT-IS",
                "What Is Sexting? (a briefing)",
                "003_3bfb84c113f47beb.txt",
                "a briefing (undated)",
                "vendored",
                "briefing",
            ),
            Source(
                "UKCIS-2024",
                "Sharing nudes and semi-nudes: advice for education settings working with "
                "children and young people (UKCIS)",
                "",
                "updated 11 March 2024 (first published 23 December 2020)",
                "described",
                "national_advice",
                UKCIS_2024_URL,
            ),
            Source(
                "UKCIS-2024-OVERVIEW",
                "Sharing nudes and semi-nudes: how to respond to an incident (overview for all "
                "staff, UKCIS)",
                "",
                "updated 11 March 2024",
                "described",
                "national_overview",
                OVERVIEW_URL,
            ),
            Source(
                "NCA-SEXTORTION-2024",
                "Financially motivated sexual extortion: alert for education settings "
                "(National Crime Agency, CEOP Education)",
                "",
                "29 April 2024",
                "described",
                "outside_organisation",
                NCA_ALERT_URL,
            ),
            Source(
                "CHILDLINE-REPORT-REMOVE",
                "Report Remove (Childline and the Internet Watch Foundation)",
                "",
                "the service as described in 2024",
                "described",
                "outside_organisation",
                REPORT_REMOVE_URL,
            ),
            Source(
                "TAKE-IT-DOWN",
                "Take It Down (National Center for Missing & Exploited Children)",
                "",
                "the service as described in 2024",
                "described",
                "outside_organisation",
                TAKE_IT_DOWN_URL,
            ),
            Source(
                "POSH",
                "Professionals Online Safety Helpline (UK Safer Internet Centre)",
                "",
                "the helpline as described in 2024",
                "described",
                "outside_organisation",
                POSH_URL,
            ),
        )
    }
)


def _ukccis(number: str, heading: str, annex: str = "") -> Section:
    label = f"§{number} ({annex})" if annex else f"§{number}"
    return Section("UKCCIS-2016", label, f"{number} {heading}")


def _named(source: str, heading: str) -> Section:
    return Section(source, f'"{heading}"', heading)


def _described(d: DescribedSection) -> Section:
    return Section(d.source, d.label, d.title, d.summary, d.url, d.number_checked)


# Every heading of each document is listed, in file order, even ones no rule cites yet: a
# section's text runs from its heading to the next listed one, so a missing heading would let
# a quote from the following section pass as part of this one.
SECTIONS: tuple[Section, ...] = (
    _ukccis("1.0", "SECTION ONE – BACKGROUND AND CONTEXT"),
    Section("UKCCIS-2016", "§1.1", "1. 1 Who is this guidance for?"),
    _ukccis("1.2", "What does this guidance cover?"),
    _ukccis("1.3", "What is the status of this guidance?"),
    _ukccis("1.4", "Definitions"),
    _ukccis("1.5", "Why have we produced this guidance?"),
    _ukccis("1.6", "How much is this really happening?"),
    _ukccis("2.0", "The law"),
    _ukccis("2.1", "Criminalisation of children"),
    _ukccis("2.2", "The police response"),
    _ukccis("2.3", "Crime recording"),
    _ukccis("2.4", "Outcome 21"),
    _ukccis("2.5", "DBS certificates"),
    _ukccis("3.0", "SECTION TWO – HANDLING INCIDENTS"),
    _ukccis("3.1", "Initial response"),
    _ukccis("3.2", "Disclosure by pupils"),
    _ukccis("3.3", "Initial review meeting"),
    _ukccis("3.4", "Assessing the risks"),
    _ukccis("3.5", "Informing parents"),
    _ukccis("3.6", "Involving other agencies"),
    _ukccis("3.7", "Reporting incidents to the police"),
    _ukccis("3.8", "Securing and handing over devices to the police"),
    _ukccis("4.0", "Social care contact and referrals"),
    _ukccis("5.0", "Searching devices, viewing and deleting imagery"),
    _ukccis("5.1", "Should you view the image or video?"),
    _ukccis("5.2", "Deletion of images"),
    _ukccis("6.0", "Interviewing and talking to the child/children involved"),
    _ukccis("7.0", "Recording incidents"),
    _ukccis("8.0", "Reporting youth produced sexual imagery online"),
    _ukccis("9.0", "Section 3 – Educational responses"),
    _ukccis("9.1", "Annex A", "Annex A"),
    _ukccis("9.2", "Annex B", "Annex B"),
    _ukccis("9.3", "Annex C", "Annex C"),
    _named("APPX8", "What is sexting?"),
    _named("APPX8", "The Law"),
    _named("APPX8", "Action to take in the case of an incident of sexting"),
    Section("APPX8", "Step 1", "Step 1 – Disclosure by a student"),
    Section("APPX8", "Step 2", "Step 2 – Searching a device"),
    Section("APPX8", "Step 3", "Step 3 – What to do and not do with the image"),
    Section("APPX8", "Step 4", "Step 4 – Who should deal with the incident?"),
    Section("APPX8", "Step 5", "Step 5 - Deciding on a response"),
    Section("APPX8", "Step 6", "Step 6 – Contacting other agencies (making a referral)"),
    Section("APPX8", "Step 7", "Step 7 – Containing the incident and managing pupil reaction"),
    Section("APPX8", "Step 8", "Step 8 – Reviewing outcomes and procedures to prevent further"),
    _named("DORSET", "Definition"),
    _named("DORSET", "Risks"),
    _named("DORSET", "Indicators"),
    _named("DORSET", "Protection and Action to be taken"),
    _named("DORSET", "Searching a device"),
    _named("DORSET", "Dealing with the incident"),
    _named("DORSET", "Police action"),
    _named("DORSET", "Issues"),
    _named("DORSET", "Further Information"),
    _named("RUTLAND-2017", "What is sexting?"),
    _named("RUTLAND-2017", "What the law says"),
    _named(
        "RUTLAND-2017",
        "Producing or distributing sexual images of anyone under 18 is against the law",
    ),
    _named("RUTLAND-2017", "Why do children/young people sext?"),
    _named("RUTLAND-2017", "For any setting where there are concerns"),
    _named("RUTLAND-2017", "For Designated Safeguarding Leads"),
    _named("RUTLAND-2017", "Other considerations include"),
    _named("RUTLAND-2017", "Escalating the incident"),
    _named("RUTLAND-2017", "Useful Resources"),
    _named("WHAT-IS", "What Is Sexting?"),
    _named("WHAT-IS", "When assessing risk"),
    *(_described(d) for d in DESCRIBED_SECTIONS),
)

_BY_CITATION: Mapping[str, Section] = MappingProxyType({s.citation: s for s in SECTIONS})
_ORDER: Mapping[str, int] = MappingProxyType({s.citation: i for i, s in enumerate(SECTIONS)})


def is_valid_citation(citation: object) -> bool:
    """Return True if ``citation`` names a source and section in the registry."""
    return isinstance(citation, str) and citation in _BY_CITATION


def section(citation: str) -> Section:
    """Return the registered section for ``citation``; KeyError if it is not registered."""
    try:
        return _BY_CITATION[citation]
    except KeyError:
        raise KeyError(f"unknown citation: {citation!r}") from None


def known_sections() -> tuple[Section, ...]:
    """Return every citable (source, section) with its file, in source and file order."""
    return SECTIONS


def sort_citations(citations: Iterable[str]) -> tuple[str, ...]:
    """Return the citations deduplicated, in registry order (source, then place in the file)."""
    return tuple(sorted(set(citations), key=lambda c: _ORDER[section(c).citation]))


# --- Pure helpers over a document's text (callers read the files) ---------------------------

_BULLET = re.compile(r"^(?:[-•o]\s+|[-•]$)")


def _clean_line(line: str) -> str:
    # The texts are PDF and Markdown extractions: list markers and ``**`` emphasis are layout,
    # not words, so they must not decide whether a quote matches.
    text = line.strip().lstrip("#").strip().replace("*", "")
    return _BULLET.sub("", text)


def normalise_text(text: str) -> str:
    """Return ``text`` with list markers and emphasis removed and all whitespace collapsed."""
    return " ".join(" ".join(_clean_line(line) for line in text.splitlines()).split())


def heading_offset(section_: Section, document: str) -> int:
    """Return the index in ``document`` of the line opening ``section_``; -1 if it is absent."""
    offset = 0
    for line in document.splitlines(keepends=True):
        if _clean_line(line).startswith(section_.heading):
            return offset
        offset += len(line)
    return -1


def refuse_described(citation: str) -> None:
    """Raise ``NotVendoredError`` if ``citation`` names a described (not vendored) source."""
    wanted = section(citation)
    if wanted.described:
        raise NotVendoredError(
            f"{wanted.source} is not vendored: paraphrase it and cite the section "
            f"({citation}); only the documents in training_app/guidance/ may be quoted"
        )


def section_text(citation: str, document: str) -> str:
    """Return the text of the cited section: from its heading to the next registered heading."""
    refuse_described(citation)
    wanted = section(citation)
    start = heading_offset(wanted, document)
    if start < 0:
        raise ValueError(f"heading of {citation} not found: {wanted.heading!r}")
    ends = [
        offset
        for other in SECTIONS
        if other.source == wanted.source and (offset := heading_offset(other, document)) > start
    ]
    return document[start : min(ends, default=len(document))]


def quote_in_section(quote: str, citation: str, document: str) -> bool:
    """Return True if ``quote`` is verbatim (ignoring layout) in the cited section.

    Raises ``NotVendoredError`` for a described source: its text is not ours to quote.
    """
    needle = normalise_text(quote)
    return bool(needle) and needle in normalise_text(section_text(citation, document))
