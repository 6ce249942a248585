"""xAPI statements to each trust's Learning Record Store (docs/xapi.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the trust admin's settings page and `flask xapi`."""
    from training_app.xapi.cli import xapi_cli
    from training_app.xapi.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(xapi_cli)
