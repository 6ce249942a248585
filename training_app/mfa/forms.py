"""The code fields of two-factor sign-in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from training_app.mfa.totp import DIGITS, RECOVERY_LENGTH, normalise_code


def _six_digits(form: FlaskForm, field: StringField) -> None:
    code = normalise_code(field.data or "")
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        raise ValidationError("Enter the code as 6 numbers, for example 123456.")


def _recovery_shape(form: FlaskForm, field: StringField) -> None:
    if len(normalise_code(field.data or "")) != RECOVERY_LENGTH:
        raise ValidationError("Enter a recovery code as 10 letters and numbers, like k7m2q-9xw4p.")


class CodeForm(FlaskForm):
    """A 6-digit code from an authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        validators=[
            InputRequired("Enter the 6-digit code from your authenticator app."),
            Length(max=20),
            _six_digits,
        ],
        description="The 6 numbers shown for “Safeguarding training”. It changes every 30 seconds.",
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "autocapitalize": "off",
        },
    )
    submit = SubmitField("Continue")


class RecoveryForm(FlaskForm):
    """One of the recovery codes saved when two-factor sign-in was set up."""

    code = StringField(
        "Recovery code",
        validators=[
            InputRequired("Enter one of your recovery codes."),
            Length(max=40),
            _recovery_shape,
        ],
        description="One of the 10 codes you saved when you set up two-factor sign-in. "
        "Each code works once.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
    submit = SubmitField("Continue")


class ResetForm(FlaskForm):
    """An admin's confirmation button (it only carries the CSRF token)."""

    submit = SubmitField("Reset two-factor sign-in")
