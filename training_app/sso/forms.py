"""Forms: the email that finds a school's provider, and an admin's provider settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from training_app.auth.models import STAFF_GROUPS
from training_app.sso.settings import normalise_domains

KIND_CHOICES = [
    SelectChoice("microsoft", "Microsoft 365 (Entra ID)"),
    SelectChoice("google", "Google Workspace"),
    SelectChoice("oidc", "Another OpenID Connect provider"),
]
GOOGLE_ISSUER = "https://accounts.google.com"


class FindProviderForm(FlaskForm):
    """The address whose domain picks the school's provider."""

    email = EmailField(
        "Your work email",
        validators=[InputRequired("Enter your work email."), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )


def _https_issuer(form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if not value and form.kind.data == "google":
        field.data = GOOGLE_ISSUER
        return
    loopback = value.startswith(("http://127.0.0.1:", "http://localhost:"))
    if not value.startswith("https://") and not loopback:
        raise ValidationError("Enter the issuer address, starting https://")


def _some_domains(form: FlaskForm, field: StringField) -> None:
    domains = normalise_domains(field.data or "")
    if not domains or any("." not in d or "@" in d for d in domains):
        raise ValidationError("Enter your school's email domains, like school.org.uk")


class SettingsForm(FlaskForm):
    """A school's OpenID Connect provider."""

    kind = SelectField("Provider", choices=KIND_CHOICES, default="microsoft")
    issuer = StringField(
        "Issuer address",
        validators=[_https_issuer, Length(max=300)],
        description="Microsoft: https://login.microsoftonline.com/ then your tenant ID, then "
        "/v2.0. Google: leave blank. Another provider: its issuer address.",
        render_kw={"spellcheck": "false"},
    )
    client_id = StringField(
        "Client ID",
        validators=[InputRequired("Enter the client ID from your provider."), Length(max=300)],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    client_secret = PasswordField(
        "Client secret",
        validators=[Optional(), Length(max=500)],
        description="Kept encrypted. Leave blank to keep the one already saved.",
        render_kw={"autocomplete": "new-password"},
    )
    domains = StringField(
        "Allowed email domains",
        validators=[_some_domains, Length(max=1000)],
        description="Separate them with spaces, for example: school.org.uk staff.school.org.uk",
        render_kw={"spellcheck": "false"},
    )
    create_staff = BooleanField("Create a staff account when someone new signs in")
    enabled = BooleanField("Show this sign-in option", default=True)
    submit = SubmitField("Save sign-in settings")


class CompletePersonForm(FlaskForm):
    """The staff group of someone whose account was made at first sign-in."""

    staff_group = SelectField(
        "Staff group", choices=[SelectChoice(k, v) for k, v in STAFF_GROUPS.items()]
    )
    submit = SubmitField("Save")
