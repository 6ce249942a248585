"""Forms for managing a school's people."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from training_app.auth.models import ROLES, STAFF_GROUPS
from training_app.dates import plausible_date
from training_app.roles import SCHOOL_ROLES


class PersonForm(FlaskForm):
    """Add a person to a school."""

    name = StringField(
        "Full name",
        validators=[InputRequired("Enter the person's full name."), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email address",
        validators=[
            InputRequired("Enter an email address."),
            Email("Enter an email address like name@school.org.uk."),
            Length(max=254),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = SelectField(
        "Role",
        default="staff",
        choices=[SelectChoice(k, ROLES[k]) for k in SCHOOL_ROLES],
    )
    staff_group = SelectField(
        "Staff group",
        default="teaching",
        choices=[SelectChoice(k, v) for k, v in STAFF_GROUPS.items()],
    )
    start_date = DateField(
        "Start date (optional)",
        validators=[Optional(), plausible_date],
        description="Used for the induction deadline of new starters.",
    )
    submit = SubmitField("Add person")


class ConfirmForm(FlaskForm):
    """A bare form whose only job is to carry the CSRF token of a button."""

    submit = SubmitField("Confirm")
