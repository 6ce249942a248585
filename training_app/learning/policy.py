"""Which modules a role may open, and how long a completion counts at a school.

Which modules each person must complete, and how often, is the school's training policy
(`training_app.compliance.policy`, edited by its admins; the defaults are there too). This
module keeps what the learner's player needs: who may open a module, and the expiry stamped
on a new completion under the policy in force when it is earned.
"""

from __future__ import annotations

from datetime import datetime

from training_app.compliance.policy_versions import current_policy
from training_app.content.model import Module
from training_app.roles import ADMIN_ROLES, AUDIENCES_OF


def can_take(role: str, module: Module) -> bool:
    """Whether someone in this role may take the module in the player."""
    return "pupil" not in module.audiences and bool(
        AUDIENCES_OF.get(role, frozenset()) & set(module.audiences)
    )


# Who may look through any module (pages and quiz, answers judged but never recorded) to see
# what their staff and DSLs take: a head who is a school admin must see the DSL walkthrough.
PREVIEW_ROLES = frozenset(ADMIN_ROLES)


def can_preview(role: str) -> bool:
    """Whether someone in this role may preview every staff module without taking it."""
    return role in PREVIEW_ROLES


def expiry(module: Module, completed_at: datetime, school_id: int | None = None) -> datetime:
    """When a completion of this module made at `completed_at` stops counting."""
    return current_policy(school_id).valid_until(module.id, completed_at)
