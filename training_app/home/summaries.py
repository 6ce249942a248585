"""What the home pages show: your required modules and, for admins and DSLs, the headline.

Home sits in the app layer (it shows a card from several features), so it reads compliance's
reports and learning's module statuses directly (docs/architecture.md, "Boundaries").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from training_app.compliance import figures, reports
from training_app.compliance.status import RequirementStatus
from training_app.content.model import Module
from training_app.learning.catalogue import library, staff_modules
from training_app.learning.policy import can_take
from training_app.learning.status import ModuleStatus, module_statuses


@dataclass(frozen=True)
class RequiredModule:
    """A module the school requires of you: its status, and the module if you can open it."""

    module_id: str
    title: str
    status: RequirementStatus
    module: Module | None

    @property
    def estimated_minutes(self) -> int | None:
        """How long the module takes, when it is published."""
        return self.module.estimated_minutes if self.module else None


@dataclass(frozen=True)
class MyTraining:
    """Your required modules (by your school's policy) and the others you may take."""

    required: list[RequiredModule]
    optional: list[ModuleStatus]


def my_training(user: Any) -> MyTraining:
    """A person's required modules with their status, then optional ones (fixed queries)."""
    modules = library().modules
    required = []
    for line in reports.person_lines(user.id, user.school_id):
        module = modules.get(line.status.module_id)
        openable = module if module is not None and can_take(user.role, module) else None
        required.append(
            RequiredModule(line.status.module_id, line.module_title, line.status, openable)
        )
    chosen = {r.module_id for r in required}
    optional = [m for m in staff_modules() if can_take(user.role, m) and m.id not in chosen]
    return MyTraining(
        required, module_statuses(user.id, user.school_id, optional) if optional else []
    )


def school_summary(school_id: int) -> figures.Headline:
    """The headline figures for a school's home card."""
    return figures.headline(reports.load_lines([school_id]))


def trust_summary(school_ids: list[int]) -> figures.Headline:
    """The headline figures across a trust's schools."""
    return figures.headline(reports.load_lines(school_ids))
