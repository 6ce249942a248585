"""Sign-in and password forms."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address."), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


def _long_enough(form: FlaskForm, field: PasswordField) -> None:
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(f"Choose a password of at least {minimum} characters.")


class NewPasswordMixin(FlaskForm):
    """A new password typed twice."""

    new_password = PasswordField(
        "New password",
        validators=[InputRequired("Enter a new password."), _long_enough, Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[
            InputRequired("Type the new password again."),
            EqualTo("new_password", "The two passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        minimum = current_app.config["MIN_PASSWORD_LENGTH"]
        self.new_password.description = (
            f"At least {minimum} characters. A few unrelated words make a strong password."
        )


class ChangePasswordForm(NewPasswordMixin):
    """Current password plus a new one."""

    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Change password")


class ResetPasswordForm(NewPasswordMixin):
    """Set a new password from an emailed link."""

    submit = SubmitField("Set password")


class ForgotPasswordForm(FlaskForm):
    """Ask for a reset link."""

    email = EmailField(
        "Email address",
        validators=[
            InputRequired("Enter your email address."),
            Email("Enter an email address like name@school.org.uk."),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    submit = SubmitField("Send me a reset link")
