"""`flask users reset-two-factor EMAIL`: for an operator when no admin can sign in."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from training_app.auth.services import find_user_by_email
from training_app.mfa import services


@click.command("reset-two-factor")
@click.argument("email")
@with_appcontext
def reset_two_factor_command(email: str) -> None:
    """Remove someone's two-factor sign-in (lost phone, or SECRET_KEY changed); audited."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account has the email {email}")
    if services.enrolment(user.id) is None:
        click.echo(f"{user.email} has no two-factor sign-in to reset.")
        return
    services.reset(user, actor=None, ip_address=None)
    then = "sets it up again at the next sign-in" if services.is_required(user) else "it is off"
    click.echo(f"Reset two-factor sign-in of {user.email}: signed out everywhere; {then}.")
