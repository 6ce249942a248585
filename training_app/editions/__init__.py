"""Guidance editions on screen: which one a school follows, and what changed since 2016.

The engine's EDITIONS table says what an edition is; this feature names the school's edition
in the footer and module intros, and serves the "what changed" page for DSLs and admins.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_login import current_user

from training_app.editions.labels import EditionLabel, edition_label
from training_app.editions.school import forget_school_edition, school_edition
from training_app.navigation import cached_url
from training_app.roles import LEAD_ROLES

# What other features may use (tests/test_architecture.py).
__all__ = ["EditionLabel", "edition_label", "forget_school_edition", "school_edition"]

# Who sees "what changed": the same people as the school's reports (a DSL of the school, its
# admins, its trust's admins), decided by role alone for the person's own school, so the
# footer never loads the school.
READERS = LEAD_ROLES


def init_app(app: Flask) -> None:
    """Register the "what changed" page and the footer's `footer_edition()`/`edition_url()`."""
    from training_app.editions.routes import bp

    app.register_blueprint(bp)

    def footer_edition() -> EditionLabel | None:
        person = current_user._get_current_object()
        if not getattr(person, "is_authenticated", False):
            return None
        return edition_label(school_edition(person.school_id))

    def edition_url(edition: EditionLabel) -> str:
        person = current_user._get_current_object()
        if person.role in READERS:
            return cached_url(app, "editions.what_changed", school_id=person.school_id)
        return cached_url(app, "learning.guidance", citation=edition.about)

    def _context() -> dict[str, Any]:
        return {"footer_edition": footer_edition, "edition_url": edition_url}

    app.context_processor(_context)
