"""Learning: modules, the page reader and the branching quiz player."""

from __future__ import annotations

from flask import Flask

from training_app.auth import read_alongside_session_user


def init_app(app: Flask) -> None:
    """Register the learning blueprint; in production, parse the content straight away."""
    from training_app.learning.catalogue import library
    from training_app.learning.routes import bp, read_attempt_with_person, read_page_with_person

    app.register_blueprint(bp)
    from training_app.learning.preview import bp as preview_bp

    app.register_blueprint(preview_bp)
    # The learner's busiest views read their attempt with the session check (one statement).
    read_alongside_session_user(app, "learning.page", read_page_with_person)
    for view in ("quiz", "answer", "feedback", "result"):
        read_alongside_session_user(app, f"learning.{view}", read_attempt_with_person)
    if app.config.get("CONTENT_PRELOAD"):
        # Parsed before the first request, so a new gunicorn worker does not spend its
        # first second of an INSET morning reading YAML while learners wait.
        with app.app_context():
            library()
