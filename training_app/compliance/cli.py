"""`flask compliance report|remind` and `flask users import`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from training_app.admin.models import School
from training_app.auth.models import ROLES, STAFF_GROUPS
from training_app.compliance import exports, figures, import_apply, import_parse, reminders, reports
from training_app.compliance.status import uk_today
from training_app.csv_files import records_csv
from training_app.extensions import db

compliance_cli = AppGroup("compliance", help="Training compliance reports and reminders.")


def _school(school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None:
        raise click.BadParameter(f"no school has id {school_id}", param_hint="--school")
    return school


@compliance_cli.command("report")
@click.option("--school", "school_id", type=int, required=True, help="The school's id.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--kind",
    type=click.Choice(["summary", "detail"]),
    default="summary",
    show_default=True,
    help="summary: by academic year, staff group and module; detail: one row per person "
    "and module.",
)
@click.option("--year", type=int, default=None, help="Academic year for the summary, e.g. 2025.")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
def report(school_id: int, fmt: str, kind: str, year: int | None, output: Path | None) -> None:
    """Print the same report the dashboard exports, as CSV or JSON."""
    school = _school(school_id)
    current = figures.academic_year(uk_today())
    columns: tuple[str, ...]
    if kind == "detail":
        records = exports.detail_records(
            reports.load_lines([school.id]),
            {school.id: school.name},
            ROLES,
            STAFF_GROUPS,
        )
        columns = exports.DETAIL_COLUMNS
    else:
        year = current if year is None else year
        if year > current:
            raise click.BadParameter(f"{year} has not started yet", param_hint="--year")
        as_of = None if year == current else figures.year_end(year)
        rows = figures.summary_rows(
            reports.load_lines([school.id], as_of=as_of), year, STAFF_GROUPS
        )
        records = exports.summary_records(rows)
        columns = exports.SUMMARY_COLUMNS
    text = records_csv(columns, records) if fmt == "csv" else exports.records_json(records)
    if output is None:
        click.echo(text.lstrip("\ufeff"), nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(records)} rows to {output}.", err=True)


@compliance_cli.command("remind")
@click.option(
    "--base-url",
    default=None,
    help="Address for links in the emails (default: EXTERNAL_URL; in development, "
    "the address `make run` serves on).",
)
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this date (for testing a schedule).",
)
def remind(base_url: str | None, on: object) -> None:
    """Email due-soon and overdue reminders and the weekly admin digests (run daily)."""
    config = current_app.config
    base = base_url or config.get("EXTERNAL_URL") or config.get("DEV_SERVER_URL")
    if not base:
        raise click.UsageError("set EXTERNAL_URL (or pass --base-url) so emails link to the site")
    if not (base_url or config.get("EXTERNAL_URL")):
        click.echo(f"EXTERNAL_URL is not set: emails link to the development server, {base}.")
    today: date | None = on.date() if on is not None else None  # type: ignore[attr-defined]
    outcome = reminders.run(base_url=base, today=today)
    click.echo(
        f"Sent {outcome.due} due-soon and {outcome.overdue} overdue reminders "
        f"and {outcome.digests} digests ({len(outcome.emails)} emails)."
    )
    if outcome.failed:
        raise click.ClickException(f"{outcome.failed} emails could not be sent; rerun to retry")


# A plain command (added to the `users` group in training_app/cli.py), so it opens its own
# app context as AppGroup commands do.
@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", "school_id", type=int, required=True, help="The school's id.")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
@click.option(
    "--deactivate-missing", is_flag=True, help="Deactivate active people not in the file."
)
def import_users(file: Path, school_id: int, dry_run: bool, deactivate_missing: bool) -> None:
    """Import staff from a CSV exported from the school's MIS (upsert by email)."""
    school = _school(school_id)
    try:
        rows = import_parse.parse(import_parse.decode(file.read_bytes()))
    except import_parse.FileProblem as exc:
        raise click.ClickException(str(exc)) from exc
    plan = import_apply.plan_import(school.id, rows, actor_id=None)
    for outcome in plan.outcomes:
        detail = "; ".join(outcome.row.messages or outcome.changes)
        email = outcome.row.email or "-"
        click.echo(f"line {outcome.row.line}: {outcome.action:<9} {email} {detail}".rstrip())
    if plan.leavers:
        verb = "deactivate" if deactivate_missing else "not in the file (kept)"
        for leaver in plan.leavers:
            click.echo(f"leaver: {verb} {leaver.email}")
    counts = ", ".join(f"{plan.count(a)} {a}" for a in import_apply.ACTIONS)
    if plan.has_errors:
        raise click.ClickException(f"nothing imported: fix the errors above ({counts})")
    if dry_run:
        click.echo(f"Dry run: nothing changed ({counts}).")
        return
    result = import_apply.commit_import(
        school, plan, actor=None, deactivate=deactivate_missing, ip_address=None
    )
    click.echo(
        f"Imported into {school.name}: {result['created']} added, {result['updated']} updated, "
        f"{result['unchanged']} unchanged, {result['deactivated']} deactivated. Invite new "
        "people from the dashboard (Email reminders and invitations), or they set a password "
        "with “Forgot your password?” on the sign-in page."
    )
