"""Rehearsal: mock incidents for DSLs, generated from seeds and scored by the rule engine.

Importing this package must not import Flask: ``generator``, ``narrative``, ``questions``,
``choices``, ``steps`` and ``scoring`` are pure, and their tests run without the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

# Pages during which "Rehearse" is the current section of the navigation.
SECTION: tuple[str, ...] = (
    "rehearsal.play",
    "rehearsal.feedback",
    "rehearsal.result",
    "rehearsal.practice_record",
    "rehearsal.history",
    "rehearsal.group",
    "rehearsal.join_page",
    "rehearsal.school_practice",
)


def init_app(app: Flask) -> None:
    """Register the rehearsal blueprint and the "Rehearse" link for DSLs and admins."""
    from training_app.auth.permissions import can_rehearse
    from training_app.navigation import add_nav_item
    from training_app.rehearsal.reference import case_reference
    from training_app.rehearsal.routes import bp

    app.register_blueprint(bp)
    app.add_template_global(case_reference)
    add_nav_item(
        app, "Rehearse", "rehearsal.index", visible=can_rehearse, order=25, section=SECTION
    )
