"""A school's training policy: which modules each role and staff group must complete, how often.

Pure (stdlib and the core roles only): the policy is data, stored as JSON per school in
`compliance_policies` and read back with `parse_policy`. The defaults follow PRODUCT.md:

- every member of staff (every role) takes the first-responder, law, and sextortion and
  AI-imagery modules on induction and every 12 months;
- DSLs and deputies also take the DSL walkthrough and parent conversations every 24 months.
  Their annual knowledge refresh is the all-staff modules, which they retake every 12 months
  like everyone else: one refresh that keeps them current on the first response and the law,
  without inventing a third kind of requirement.

A requirement names modules by id, so a policy may require a module that is not in the content
library yet; such a requirement is shown as "not yet available" and never counted as overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from training_app.roles import KEYS

# A day or a moment (a datetime is a date): `valid_until` returns what it is given.
When = TypeVar("When", bound=date)

ROLE_KEYS: tuple[str, ...] = KEYS
# Kept in step with auth.models.STAFF_GROUPS (a web test checks they match); copied here so the
# policy and the status computation stay importable without Flask or SQLAlchemy.
GROUP_KEYS: tuple[str, ...] = (
    "teaching",
    "support",
    "leadership",
    "pastoral",
    "volunteer",
    "governor",
    "contractor",
    "other",
)
RENEWAL_CHOICES: tuple[int, ...] = (6, 12, 24, 36)
DEFAULT_RENEWAL_MONTHS = 12
DUE_SOON_RANGE = (1, 90)
INDUCTION_RANGE = (1, 180)
ONBOARDING_RANGE = (0, 180)
DEFAULT_ONBOARDING_DAYS = 28
MAX_REQUIREMENTS = 50

# Titles for the planned modules, used until their content is published.
MODULE_TITLES: dict[str, str] = {
    "first-responder": "First responder: what to do if you are told about or find an image",
    "law-and-outcome-21": "The law and Outcome 21",
    "sextortion-and-ai-imagery": "Sextortion, AI-made images and getting images removed",
    "dsl-walkthrough": "The DSL decision walkthrough",
    "parent-conversations": "Parent conversations",
}


class PolicyError(ValueError):
    """A bad policy value; `field` names it, e.g. `requirements[2].renewal_months`."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def renewal_days(months: int) -> int:
    """Days a completion counts for: 12 months is 365 days, 24 months 730 (no calendar maths)."""
    return months * 365 // 12


@dataclass(frozen=True)
class Requirement:
    """One module that people in some roles or staff groups must complete and renew."""

    module_id: str
    roles: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    renewal_months: int = DEFAULT_RENEWAL_MONTHS

    def applies_to(self, role: str, staff_group: str) -> bool:
        """Whether someone with this role and staff group must complete the module."""
        return role in self.roles or staff_group in self.groups

    @property
    def renewal_days(self) -> int:
        """How many days a completion of this module counts for."""
        return renewal_days(self.renewal_months)


@dataclass(frozen=True)
class TrainingPolicy:
    """What a school requires: its requirements, the due-soon window and the induction period.

    `onboarding_days` is the window given to people new to the platform: training they have
    never done is due no earlier than that many days after they were added (imported), however
    old their start date. 0 turns it off; a policy built in code has none unless given one.
    """

    requirements: tuple[Requirement, ...] = ()
    due_soon_days: int = 30
    induction_days: int = 28
    onboarding_days: int = 0
    _by_module: dict[str, Requirement] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_module.update({r.module_id: r for r in self.requirements})

    def requirement(self, module_id: str) -> Requirement | None:
        """The requirement for a module, if the policy has one."""
        return self._by_module.get(module_id)

    def for_person(self, role: str, staff_group: str) -> tuple[Requirement, ...]:
        """The requirements that apply to someone with this role and staff group."""
        return tuple(r for r in self.requirements if r.applies_to(role, staff_group))

    def renewal_days_for(self, module_id: str) -> int:
        """How long a completion of this module counts at this school (12 months if unlisted)."""
        found = self._by_module.get(module_id)
        return found.renewal_days if found else renewal_days(DEFAULT_RENEWAL_MONTHS)

    def valid_until(self, module_id: str, completed: When) -> When:
        """When a completion of this module made on `completed` stops counting: the renewal rule."""
        return completed + timedelta(days=self.renewal_days_for(module_id))

    @property
    def module_ids(self) -> tuple[str, ...]:
        """Every module the policy requires of anyone, in policy order."""
        return tuple(r.module_id for r in self.requirements)


DEFAULT_POLICY = TrainingPolicy(
    requirements=(
        Requirement("first-responder", frozenset(ROLE_KEYS), frozenset(), 12),
        Requirement("law-and-outcome-21", frozenset(ROLE_KEYS), frozenset(), 12),
        Requirement("sextortion-and-ai-imagery", frozenset(ROLE_KEYS), frozenset(), 12),
        Requirement("dsl-walkthrough", frozenset({"dsl"}), frozenset(), 24),
        Requirement("parent-conversations", frozenset({"dsl"}), frozenset(), 24),
    ),
    onboarding_days=DEFAULT_ONBOARDING_DAYS,
)


def _int_in(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PolicyError(name, f"must be a whole number from {low} to {high}")
    return value


def _keys(name: str, value: object, allowed: tuple[str, ...]) -> frozenset[str]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise PolicyError(name, "must be a list")
    unknown = sorted(str(v) for v in value if v not in allowed)
    if unknown:
        raise PolicyError(name, f"unknown {', '.join(unknown)} (known: {', '.join(allowed)})")
    return frozenset(str(v) for v in value)


def _requirement(index: int, data: object) -> Requirement:
    name = f"requirements[{index}]"
    if not isinstance(data, Mapping):
        raise PolicyError(name, "must be an object")
    module_id = data.get("module")
    if not isinstance(module_id, str) or not module_id or len(module_id) > 64:
        raise PolicyError(f"{name}.module", "must be a module id of at most 64 characters")
    months = data.get("renewal_months", DEFAULT_RENEWAL_MONTHS)
    if months not in RENEWAL_CHOICES or isinstance(months, bool):
        choices = ", ".join(str(c) for c in RENEWAL_CHOICES)
        raise PolicyError(f"{name}.renewal_months", f"must be one of {choices}")
    return Requirement(
        module_id,
        _keys(f"{name}.roles", data.get("roles", []), ROLE_KEYS),
        _keys(f"{name}.groups", data.get("groups", []), GROUP_KEYS),
        int(months),
    )


def parse_policy(data: object) -> TrainingPolicy:
    """Build a policy from decoded JSON; PolicyError names the first bad field."""
    if not isinstance(data, Mapping):
        raise PolicyError("policy", "must be a JSON object")
    raw = data.get("requirements", [])
    if not isinstance(raw, list) or len(raw) > MAX_REQUIREMENTS:
        raise PolicyError("requirements", f"must be a list of at most {MAX_REQUIREMENTS}")
    requirements = tuple(_requirement(i, item) for i, item in enumerate(raw))
    seen: set[str] = set()
    for i, requirement in enumerate(requirements):
        if requirement.module_id in seen:
            raise PolicyError(f"requirements[{i}].module", "is listed twice")
        seen.add(requirement.module_id)
    return TrainingPolicy(
        requirements=tuple(r for r in requirements if r.roles or r.groups),
        due_soon_days=_int_in("due_soon_days", data.get("due_soon_days", 30), *DUE_SOON_RANGE),
        induction_days=_int_in("induction_days", data.get("induction_days", 28), *INDUCTION_RANGE),
        # Policies saved before the window existed get the default: the window is the fix for
        # imported staff being overdue on the day they are imported.
        onboarding_days=_int_in(
            "onboarding_days",
            data.get("onboarding_days", DEFAULT_ONBOARDING_DAYS),
            *ONBOARDING_RANGE,
        ),
    )


def policy_to_dict(policy: TrainingPolicy) -> dict[str, Any]:
    """The policy as JSON-ready data that `parse_policy` reads back (lists sorted: stable diffs)."""
    return {
        "due_soon_days": policy.due_soon_days,
        "induction_days": policy.induction_days,
        "onboarding_days": policy.onboarding_days,
        "requirements": [
            {
                "module": r.module_id,
                "roles": sorted(r.roles),
                "groups": sorted(r.groups),
                "renewal_months": r.renewal_months,
            }
            for r in policy.requirements
        ],
    }


def module_title(module_id: str, library_titles: Mapping[str, str]) -> str:
    """A module's title: from the library, else the planned title, else its id."""
    return library_titles.get(module_id) or MODULE_TITLES.get(module_id) or module_id


def known_module_ids(policy: TrainingPolicy, library_ids: Iterable[str]) -> list[str]:
    """Modules an admin can require: the policy's, the planned ones and the library's, in order."""
    ordered = [*policy.module_ids, *MODULE_TITLES, *sorted(library_ids)]
    return list(dict.fromkeys(ordered))
