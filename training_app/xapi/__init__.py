"""xAPI statements to each trust's Learning Record Store (docs/xapi.md)."""

from __future__ import annotations

from flask import Flask

from training_app.xapi import record

# What other features may use (tests/test_architecture.py): `record`, whose functions put a
# statement in the outbox in the same transaction as the record it describes.
__all__ = ["record"]


def init_app(app: Flask) -> None:
    """Register the trust admin's settings page and `flask xapi`."""
    from training_app.xapi.cli import xapi_cli
    from training_app.xapi.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(xapi_cli)
