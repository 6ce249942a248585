"""`flask lessons purge`: end timed-out sessions and delete what identifies a device."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from training_app.lessons import services

lessons_cli = AppGroup("lessons", help="Class lesson sessions.")


@lessons_cli.command("purge")
def purge_command() -> None:
    """End sessions past their time-out; delete participant tokens and answers of ended ones."""
    ended, leftovers = services.purge()
    click.echo(f"Ended {ended} timed-out session(s); deleted {leftovers} leftover token(s).")
    click.echo("Only class totals are kept for ended sessions.")
