"""Which modules a person must complete and for how long a completion counts.

These are the platform defaults from PRODUCT.md: every member of staff takes the staff
modules, renewed every 12 months; DSLs (and deputies) also take the DSL modules, renewed
every 24 months. Per-school training policies build on these defaults.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from training_app.content.model import Module

STAFF_RENEWAL_DAYS = 365
DSL_RENEWAL_DAYS = 730

# Which module audiences each role belongs to.
ROLE_AUDIENCES = {
    "staff": {"staff"},
    "dsl": {"staff", "dsl"},
    "school_admin": {"staff", "school_admin"},
    "trust_admin": {"staff", "trust_admin"},
}


def can_take(role: str, module: Module) -> bool:
    """Whether someone in this role may take the module in the player."""
    return "pupil" not in module.audiences and bool(
        ROLE_AUDIENCES.get(role, set()) & set(module.audiences)
    )


def renewal_days(module: Module) -> int:
    """How long a completion counts: two years for DSL-only modules, one year otherwise."""
    return DSL_RENEWAL_DAYS if "staff" not in module.audiences else STAFF_RENEWAL_DAYS


def expiry(module: Module, completed_at: datetime) -> datetime:
    """When a completion of this module made at `completed_at` stops counting."""
    return completed_at + timedelta(days=renewal_days(module))
