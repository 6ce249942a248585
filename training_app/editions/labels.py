"""How each guidance edition is named on screen, and where its name links to.

The editions themselves (id, title, status, the sources they follow) are the rule engine's
EDITIONS table; these are the short labels the footer, the module intro and the protocol form
use in a sentence, "Your school follows: ...".
"""

from __future__ import annotations

from dataclasses import dataclass

from training_app.rules.editions import EDITION_IDS


@dataclass(frozen=True)
class EditionLabel:
    """An edition as the layout names it, and the guidance page that tells staff more."""

    id: str
    label: str
    about: str


_LABELS: dict[str, tuple[str, str]] = {
    "ukcis-2024": (
        "the 2024 national advice (UKCIS, “Sharing nudes and semi-nudes”)",
        "UKCIS-2024 §1.1",
    ),
    "group-policy-2016": (
        "the school group’s policy based on the 2016 national advice (UKCCIS)",
        "UKCCIS-2016 §1.1",
    ),
}


def edition_label(edition_id: str) -> EditionLabel:
    """The on-screen label of an edition; KeyError for an edition the engine does not know."""
    if edition_id not in EDITION_IDS:
        raise KeyError(f"unknown edition: {edition_id!r}")
    label, about = _LABELS[edition_id]
    return EditionLabel(edition_id, label, about)
