"""Class lessons: a teacher presents a pupil lesson; pupils join with a code, anonymously."""

from __future__ import annotations

from flask import Flask

from training_app.extensions import csrf
from training_app.navigation import add_nav_item


def init_app(app: Flask) -> None:
    """Register the teacher's and pupils' blueprints, the nav item and `flask lessons`."""
    from training_app.lessons.cli import lessons_cli
    from training_app.lessons.pupil import bp as pupil_bp
    from training_app.lessons.routes import bp
    from training_app.lessons.views import uk_time

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
