"""The audit trail that admin actions, sign-ins and policy changes write to."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the audit blueprint."""
    from training_app.audit.routes import bp

    app.register_blueprint(bp)
