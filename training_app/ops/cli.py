"""`flask backup`, `flask restore`, `flask security check` and `flask retention purge`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from training_app.extensions import db
from training_app.ops import retention
from training_app.ops.backup import BackupError, backup, restore
from training_app.ops.security_check import all_findings

security_cli = AppGroup("security", help="Security checks for a deployment.")


@click.command("backup")
@with_appcontext
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Backup file (default: instance/backups/training-<UTC time>.<ext>).",
)
def backup_command(output: Path | None) -> None:
    """Make a consistent backup while the app keeps running."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if output is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        ext = "sqlite3" if url.startswith("sqlite") else "dump"
        output = Path(current_app.instance_path) / "backups" / f"training-{stamp}.{ext}"
    try:
        path = backup(url, output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database's contents with a backup (stop the app first on PostgreSQL)."""
    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {source}.")


@security_cli.command("check")
def security_check_command() -> None:
    """Report weak production settings; exit 1 if there are any."""
    findings = all_findings(current_app.config)
    for finding in findings:
        click.echo(f"WEAK  {finding}")
    if findings:
        raise SystemExit(1)
    click.echo("OK: no weak production settings found.")


retention_cli = AppGroup("retention", help="Records kept as evidence, and their purging.")


@retention_cli.command("purge")
@click.option(
    "--before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Delete training records and audit events from before this day (UTC), YYYY-MM-DD.",
)
@click.option("--reason", required=True, help="Why (e.g. the retention policy): it is audited.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def retention_purge_command(before: datetime, reason: str, yes: bool) -> None:
    """Delete records older than the school's retention period: the only way they go."""
    if not yes:
        click.confirm(
            f"This deletes every training record and audit event from before "
            f"{before.date().isoformat()}. Continue?",
            abort=True,
        )
    try:
        result = retention.purge(before.date(), reason)
    except retention.PurgeRefused as refused:
        raise click.ClickException(str(refused)) from refused
    click.echo(
        f"Deleted {result.completions} training records and {result.audit_events} audit "
        f"events from before {result.before.isoformat()}; the purge is in the audit log."
    )
