"""The trust admin's LRS settings form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from training_app.xapi.models import ACTOR_FORMATS


def _http_url(form: FlaskForm, field: StringField) -> None:
    if not (field.data or "").startswith(("https://", "http://")):
        raise ValidationError("Enter the LRS address starting with https://")


class LrsSettingsForm(FlaskForm):
    """Endpoint, key, secret (left blank to keep the stored one) and how people are named."""

    enabled = BooleanField("Send learning records to this LRS")
    endpoint = StringField(
        "LRS endpoint",
        description="The xAPI address, for example https://lrs.example.org/xAPI/",
        validators=[InputRequired("Enter the LRS endpoint."), Length(max=300), _http_url],
    )
    key = StringField(
        "Key (user name)",
        validators=[InputRequired("Enter the key the LRS gave you."), Length(max=200)],
    )
    secret = PasswordField(
        "Secret",
        description="Leave blank to keep the secret already saved.",
        validators=[Optional(), Length(max=200)],
    )
    actor_format = SelectField(
        "Name people to the LRS by", choices=[SelectChoice(k, v) for k, v in ACTOR_FORMATS.items()]
    )
