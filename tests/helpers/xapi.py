"""The xAPI outbox: what the app queued, and sending it as cron does."""

from __future__ import annotations

from sqlalchemy import select

from training_app.extensions import db
from training_app.xapi.models import OutboxStatement


def send_statements(app):
    """Run `flask xapi send` once; returns its output."""
    result = app.test_cli_runner().invoke(args=["xapi", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def outbox(app):
    """Every queued statement, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(OutboxStatement).order_by(OutboxStatement.id)))
