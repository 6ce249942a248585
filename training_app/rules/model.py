"""The decision and its parts: plain frozen data, built by ``decide`` and read by everyone else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

AGENCIES: tuple[str, ...] = ("police", "childrens_social_care", "ceop")
AGENCY_NAMES: Mapping[str, str] = MappingProxyType(
    {"police": "the police", "childrens_social_care": "children's social care", "ceop": "CEOP"}
)
CLASSIFICATIONS: tuple[str, ...] = ("aggravated", "experimental")

# The keys of Decision.to_dict(), in the contract's order.
DECISION_KEYS: tuple[str, ...] = (
    "refer_immediately",
    "triggers",
    "classification",
    "agencies",
    "inform_parents",
    "record_reasons_for_not_referring",
    "headteacher_signoff_required",
    "view_imagery",
    "actions",
    "citations",
)

# Every decision explains each of these; it also explains each trigger ("trigger:<id>") and each
# agency ("agency:<id>") that it includes.
REASON_KEYS: tuple[str, ...] = (
    "refer_immediately",
    "classification",
    "agencies",
    "inform_parents",
    "record_reasons_for_not_referring",
    "headteacher_signoff_required",
    "view_imagery",
)


@dataclass(frozen=True)
class Reason:
    """Why one part of a decision is as it is; ``quote`` is verbatim from ``citations[0]``."""

    text: str
    citations: tuple[str, ...]
    quote: str = ""


@dataclass(frozen=True)
class NextStep:
    """One step the DSL should take, in order, with the guidance it comes from."""

    id: str
    text: str
    citations: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the step as the contract's JSON object ``{"id", "text", "citations"}``."""
        return {"id": self.id, "text": self.text, "citations": list(self.citations)}


@dataclass(frozen=True)
class Decision:
    """What the DSL must do for one set of facts (see ``decision-contract.md``)."""

    refer_immediately: bool
    triggers: tuple[str, ...]
    classification: str
    agencies: tuple[str, ...]
    inform_parents: bool
    record_reasons_for_not_referring: bool
    headteacher_signoff_required: bool
    view_imagery: bool
    actions: tuple[NextStep, ...]
    citations: tuple[str, ...]
    reasons: Mapping[str, Reason] = field(default_factory=dict, hash=False)
    # Which guidance edition the decision follows; not part of the contract's JSON.
    edition: str = "group-policy-2016"

    def __post_init__(self) -> None:
        # A read-only view keeps the frozen promise for the one mutable-looking field.
        object.__setattr__(self, "reasons", MappingProxyType(dict(self.reasons)))

    @property
    def referred(self) -> bool:
        """Return True if the police or children's social care are involved (UKCCIS §7.0)."""
        return "police" in self.agencies or "childrens_social_care" in self.agencies

    def to_dict(self) -> dict[str, Any]:
        """Return exactly the contract's JSON object (reasons are not part of it)."""
        return {
            "refer_immediately": self.refer_immediately,
            "triggers": list(self.triggers),
            "classification": self.classification,
            "agencies": list(self.agencies),
            "inform_parents": self.inform_parents,
            "record_reasons_for_not_referring": self.record_reasons_for_not_referring,
            "headteacher_signoff_required": self.headteacher_signoff_required,
            "view_imagery": self.view_imagery,
            "actions": [step.to_dict() for step in self.actions],
            "citations": list(self.citations),
        }
