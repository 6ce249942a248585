"""Every role a person can hold, and what each role means: the one place roles are listed.

Pure (standard library only), so the content checks, the training policy and the staff import
can read it without Flask or SQLAlchemy. Every other list of roles is derived from ALL below;
tests/test_roles.py checks the few that cannot import it (the content schema) agree.
See "Adding a role" in docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """One role: its stored key, its label, and the powers the app gives it."""

    key: str
    label: str
    audience_label: str  # who a module for this audience is for, as a list of modules says
    rank: int  # acting on a person needs at least their rank
    audiences: frozenset[str]  # the module audiences (scenarios' `audience:`) it takes
    admin: bool  # manages a school's (or a trust's) people, policy and reports
    safeguarding_lead: bool  # DSL tools: mock incidents, "what changed" in the guidance
    two_factor: bool  # must sign in with a second factor
    school_level: bool  # held within one school: a school admin or a staff import may give it


ALL: tuple[Role, ...] = (
    Role(
        "staff",
        "Staff",
        "all staff",
        rank=0,
        audiences=frozenset({"staff"}),
        admin=False,
        safeguarding_lead=False,
        two_factor=False,
        school_level=True,
    ),
    Role(
        "dsl",
        "Designated Safeguarding Lead or deputy",
        "DSLs and deputies",
        rank=1,
        audiences=frozenset({"staff", "dsl"}),
        admin=False,
        safeguarding_lead=True,
        two_factor=True,
        school_level=True,
    ),
    Role(
        "school_admin",
        "School administrator",
        "school admins",
        rank=2,
        audiences=frozenset({"staff", "school_admin"}),
        admin=True,
        safeguarding_lead=True,
        two_factor=True,
        school_level=True,
    ),
    Role(
        "trust_admin",
        "Trust administrator",
        "trust admins",
        rank=3,
        audiences=frozenset({"staff", "trust_admin"}),
        admin=True,
        safeguarding_lead=True,
        two_factor=True,
        school_level=False,
    ),
)

KEYS: tuple[str, ...] = tuple(role.key for role in ALL)
LABELS: dict[str, str] = {role.key: role.label for role in ALL}
RANKS: dict[str, int] = {role.key: role.rank for role in ALL}
AUDIENCES_OF: dict[str, frozenset[str]] = {role.key: role.audiences for role in ALL}
ADMIN_ROLES: tuple[str, ...] = tuple(role.key for role in ALL if role.admin)
LEAD_ROLES: frozenset[str] = frozenset(role.key for role in ALL if role.safeguarding_lead)
TWO_FACTOR_ROLES: frozenset[str] = frozenset(role.key for role in ALL if role.two_factor)
SCHOOL_ROLES: tuple[str, ...] = tuple(role.key for role in ALL if role.school_level)
AUDIENCE_LABELS: dict[str, str] = {role.key: role.audience_label for role in ALL}
# The content schema's audiences: every role's, plus pupils (class lessons, no account).
MODULE_AUDIENCES: tuple[str, ...] = (*KEYS, "pupil")
