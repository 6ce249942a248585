"""`flask xapi send` and `flask xapi status`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from training_app.xapi import sender

xapi_cli = AppGroup("xapi", help="Send learning records to the trusts' Learning Record Stores.")


@xapi_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, sending every --every seconds.")
@click.option("--every", default=15.0, show_default=True, help="Seconds between passes.")
@click.option("--batch", default=sender.BATCH, show_default=True, help="Statements per POST.")
def send_command(loop: bool, every: float, batch: int) -> None:
    """Post the statements that are due; retries wait longer each time (run by cron or --loop)."""
    while True:
        outcome = sender.send_due(batch=batch)
        click.echo(f"sent {outcome.sent}, parked {outcome.parked}, waiting {outcome.deferred}")
        for error in outcome.errors:
            click.echo(f"  LRS unavailable: {error}", err=True)
        if not loop:
            return
        time.sleep(every)


@xapi_cli.command("status")
def status_command() -> None:
    """Show each trust's backlog: statements waiting, parked (refused) and sent."""
    rows = sender.backlog()
    if not rows:
        click.echo("No statements yet.")
    for row in rows:
        since = (
            f", oldest waiting since {row.oldest_pending:%Y-%m-%d %H:%M}"
            if row.oldest_pending
            else ""
        )
        click.echo(
            f"trust {row.trust_id}: {row.pending} waiting, {row.parked} parked, "
            f"{row.sent} sent{since}"
        )
        if row.last_error:
            click.echo(f"  last error: {row.last_error[:200]}")
