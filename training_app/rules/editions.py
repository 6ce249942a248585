"""Guidance editions a school's training can follow: the data the engine and the web side list.

``group-policy-2016`` is the default, so every existing school keeps today's behaviour: the seed
school group's policy based on the 2016 national advice (``UKCCIS-2016``), with the local
documents. ``ukcis-2024`` follows the current national advice (``UKCIS-2024``, described, not
vendored) and its one-page overview; the local documents still apply where the advice leaves a
point to the area. Newer harms (sextortion, AI imagery, Report Remove) are handled under both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

GROUP_POLICY_2016 = "group-policy-2016"
UKCIS_2024 = "ukcis-2024"
_LOCAL = ("APPX8", "DORSET", "RUTLAND-2017", "WHAT-IS")
_OUTSIDE = ("NCA-SEXTORTION-2024", "CHILDLINE-REPORT-REMOVE", "TAKE-IT-DOWN", "POSH")


@dataclass(frozen=True)
class Edition:
    """One edition: id, title, status (plain words), the source ids it follows (main first)."""

    id: str
    title: str
    status: str
    sources: tuple[str, ...]

    @property
    def main_source(self) -> str:
        """Return the id of the document this edition is built on."""
        return self.sources[0]


EDITIONS: tuple[Edition, ...] = (
    Edition(
        GROUP_POLICY_2016,
        "The school group's policy based on UKCCIS 'Sexting in schools and colleges' (2016)",
        "a local policy built on national advice that was replaced in December 2020",
        ("UKCCIS-2016", *_LOCAL, *_OUTSIDE),
    ),
    Edition(
        UKCIS_2024,
        "UKCIS 'Sharing nudes and semi-nudes: advice for education settings working with "
        "children and young people' (updated March 2024)",
        "the current national advice for England, with its one-page overview for all staff",
        ("UKCIS-2024", "UKCIS-2024-OVERVIEW", *_LOCAL, *_OUTSIDE),
    ),
)
EDITION_IDS: tuple[str, ...] = tuple(e.id for e in EDITIONS)
_BY_ID: Mapping[str, Edition] = MappingProxyType({e.id: e for e in EDITIONS})


def edition(edition_id: str) -> Edition:
    """Return the edition with this id; KeyError if there is none."""
    try:
        return _BY_ID[edition_id]
    except KeyError:
        raise KeyError(f"unknown edition: {edition_id!r}") from None


# Where the group policy's passage has a counterpart in the 2024 advice. Under ``ukcis-2024`` a
# citation of the group policy is replaced by its counterpart, so a school following the 2024
# advice is pointed at the 2024 sections (the local documents' citations stay as they are).
_COUNTERPART: Mapping[str, str] = MappingProxyType(
    {
        "UKCCIS-2016 §1.4": "UKCIS-2024 §1.4",
        "UKCCIS-2016 §2.0": "UKCIS-2024 §1.7",
        "UKCCIS-2016 §2.1": "UKCIS-2024 §1.7",
        "UKCCIS-2016 §2.2": "UKCIS-2024 §2.6",
        "UKCCIS-2016 §3.1": "UKCIS-2024 §2.1",
        "UKCCIS-2016 §3.2": "UKCIS-2024 §2.1",
        "UKCCIS-2016 §3.3": "UKCIS-2024 §2.2",
        "UKCCIS-2016 §3.4": "UKCIS-2024 §2.3",
        "UKCCIS-2016 §3.5": "UKCIS-2024 §2.5",
        "UKCCIS-2016 §3.6": "UKCIS-2024 §2.7",
        "UKCCIS-2016 §3.7": "UKCIS-2024 §2.6",
        "UKCCIS-2016 §3.8": "UKCIS-2024 §2.8",
        "UKCCIS-2016 §4.0": "UKCIS-2024 §2.7",
        "UKCCIS-2016 §5.1": "UKCIS-2024 §2.8",
        "UKCCIS-2016 §5.2": "UKCIS-2024 §2.8",
        "UKCCIS-2016 §6.0": "UKCIS-2024 §2.4",
        "UKCCIS-2016 §7.0": "UKCIS-2024 §2.9",
        "UKCCIS-2016 §8.0": "UKCIS-2024 §2.10",
        "UKCCIS-2016 §9.1 (Annex A)": "UKCIS-2024 §2.3",
        "UKCCIS-2016 §9.2 (Annex B)": "UKCIS-2024 §2.4",
        "UKCCIS-2016 §9.3 (Annex C)": "UKCIS-2024 §2.10",
    }
)


def cite_for(edition_id: str, citations: tuple[str, ...]) -> tuple[str, ...]:
    """Return ``citations`` as the edition cites them (group policy -> 2024 counterparts)."""
    if edition_id != UKCIS_2024:
        return citations
    return tuple(dict.fromkeys(_COUNTERPART.get(c, c) for c in citations))
