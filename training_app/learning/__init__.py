"""Learning: modules, the page reader and the branching quiz player."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the learning blueprint."""
    from training_app.learning.routes import bp

    app.register_blueprint(bp)
