"""Class lessons: a teacher presents a pupil lesson; pupils join with a code, anonymously."""

from __future__ import annotations

from typing import Any

from flask import Flask

from training_app.extensions import csrf
from training_app.navigation import add_nav_item

# Defaults a deployment may override in its config.
DEFAULTS: dict[str, Any] = {
    # A session ends by itself this long after it starts (a double lesson, with slack).
    "LESSON_MAX_MINUTES": 120,
    "LESSON_MAX_PARTICIPANTS": 120,
    # Failed codes per address (a whole school often shares one address, so generous);
    # pupils already in a lesson are never counted or blocked by it.
    "LESSON_JOIN_FAILURE_LIMIT": "40 per minute; 400 per day",
    # Joins per address, successful or not: a year group joining at once fits.
    "LESSON_JOIN_LIMIT": "300 per minute",
    # How often screens ask for changes (an unchanged answer is a 304 with no body).
    "LESSON_POLL_SECONDS_PUPIL": 4,
    "LESSON_POLL_SECONDS_PRESENTER": 2,
}


def init_app(app: Flask) -> None:
    """Register the teacher's and pupils' blueprints, the nav item and `flask lessons`."""
    from training_app.lessons.cli import lessons_cli
    from training_app.lessons.pupil import bp as pupil_bp
    from training_app.lessons.routes import bp
    from training_app.lessons.views import uk_time

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.add_template_filter(uk_time, "lesson_time")
    app.register_blueprint(bp)
    # Pupil forms must not create a staff session cookie; see lessons/forms.py.
    csrf.exempt(pupil_bp)
    app.register_blueprint(pupil_bp)
    app.cli.add_command(lessons_cli)
    add_nav_item(
        app,
        "Class lessons",
        "lessons.index",
        order=30,
        section=("lessons.present", "lessons.record", "lessons.delivered"),
    )
