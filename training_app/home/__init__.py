"""Each role's home page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the home blueprint."""
    from training_app.home.routes import bp

    app.register_blueprint(bp)
