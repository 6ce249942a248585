"""Command-line groups: `flask users ...`, `flask demo ...`, `flask content ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from training_app.admin.services import DuplicateEmail, create_first_admin
from training_app.roles import ADMIN_ROLES

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", required=True, help="Sign-in email of the new admin.")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--school",
    "school_name",
    required=True,
    help="School name (created, with a trust of the same name, if new).",
)
@click.option(
    "--trust",
    "trust_name",
    default=None,
    help="Trust name for a new school (defaults to the school's name).",
)
@click.option(
    "--role",
    type=click.Choice(ADMIN_ROLES),
    default="school_admin",
    show_default=True,
)
@click.password_option(help="Password (prompted for when omitted).")
def create_admin(
    email: str, name: str, school_name: str, trust_name: str | None, role: str, password: str
) -> None:
    """Create the first administrator (and their school) on a new installation."""
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(password) < minimum:
        raise click.BadParameter(f"use at least {minimum} characters", param_hint="--password")
    try:
        person = create_first_admin(
            email=email,
            name=name,
            school_name=school_name,
            trust_name=trust_name,
            role=role,
            password=password,
        )
    except DuplicateEmail as taken:
        raise click.ClickException(f"an account with email {taken} already exists") from None
    click.echo(
        f"Created {role} {person.email} at {person.school.name} (school id {person.school_id})."
    )


def init_app(app: Flask) -> None:
    """Register every CLI group on the app."""
    from training_app.compliance.cli import compliance_cli, import_users
    from training_app.content_cli import content as content_cli
    from training_app.demo.checks import register as register_demo_check
    from training_app.demo.cli import demo_cli
    from training_app.mfa.cli import reset_two_factor_command
    from training_app.ops.cli import (
        backup_command,
        restore_command,
        retention_cli,
        security_cli,
    )

    users_cli.add_command(import_users)
    users_cli.add_command(reset_two_factor_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(compliance_cli)
    app.cli.add_command(demo_cli)
    register_demo_check()
    app.cli.add_command(content_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(security_cli)
    app.cli.add_command(retention_cli)
