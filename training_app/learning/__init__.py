"""Learning: modules, the page reader and the branching quiz player."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the learning blueprint; in production, parse the content straight away."""
    from training_app.learning.catalogue import library
    from training_app.learning.routes import bp

    app.register_blueprint(bp)
    from training_app.learning.preview import bp as preview_bp

    app.register_blueprint(preview_bp)
    if app.config.get("CONTENT_PRELOAD"):
        # Parsed before the first request, so a new gunicorn worker does not spend its
        # first second of an INSET morning reading YAML while learners wait.
        with app.app_context():
            library()
