"""Forms for compliance records, the training policy, the local protocol and staff import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from training_app.compliance.policy import (
    DUE_SOON_RANGE,
    INDUCTION_RANGE,
    ONBOARDING_RANGE,
    RENEWAL_CHOICES,
    Requirement,
    TrainingPolicy,
)
from training_app.dates import plausible_date
from training_app.rules.protocol import MAX_CONTACT_LENGTH

Choices = Sequence[tuple[str, str]]


class ModuleChoiceForm(FlaskForm):
    """A form whose first field picks one of the school's modules."""

    module = SelectField("Module", validators=[InputRequired("Choose a module.")])

    def set_modules(self, choices: Choices) -> None:
        """Offer these (module id, title) pairs."""
        self.module.choices = [SelectChoice(value, label) for value, label in choices]


class ExternalTrainingForm(ModuleChoiceForm):
    """Record training done elsewhere, with evidence."""

    completed_on = DateField(
        "Date of the training",
        validators=[
            InputRequired("Enter the date of the training, like 2026-09-14."),
            plausible_date,
        ],
        description="The day the person completed it, not today's date.",
    )
    evidence_note = TextAreaField(
        "Evidence",
        validators=[
            InputRequired("Describe the evidence, e.g. the course and its certificate."),
            Length(max=1000, message="Keep the evidence to 1,000 characters."),
        ],
        description="Who ran it and what proves it, e.g. “Local authority DSL course; "
        "certificate 4417 kept in the single central record folder”.",
    )
    submit = SubmitField("Record the training")


class ReasonForm(FlaskForm):
    """Void a record or end an exemption: always with a reason."""

    reason = TextAreaField(
        "Reason",
        validators=[
            InputRequired("Give the reason: it is kept in the record and the audit log."),
            Length(min=5, max=500, message="Give a reason of 5 to 500 characters."),
        ],
    )
    submit = SubmitField("Confirm")


class ExemptionForm(ModuleChoiceForm):
    """Exempt a person from one required module."""

    reason = TextAreaField(
        "Reason",
        validators=[
            InputRequired("Give the reason for the exemption."),
            Length(min=5, max=500, message="Give a reason of 5 to 500 characters."),
        ],
        description="For example “On long-term leave until further notice”.",
    )
    ends_on = DateField(
        "Last day of the exemption (optional)",
        validators=[Optional(), plausible_date],
        description="Leave empty for an exemption that lasts until you end it.",
    )
    submit = SubmitField("Record the exemption")


class ProtocolForm(FlaskForm):
    """The school's local protocol for the decision engine (see rules.protocol)."""

    edition = RadioField("Guidance", validators=[InputRequired("Choose one.")])
    under_13_referral = RadioField("Under 13", validators=[InputRequired("Choose one.")])
    device_power = RadioField("Device", validators=[InputRequired("Choose one.")])
    viewing_rule = RadioField("Viewing", validators=[InputRequired("Choose one.")])
    police_threshold = RadioField("Police", validators=[InputRequired("Choose one.")])
    police_contact = StringField(
        "Your route to the police (optional)",
        validators=[Length(max=MAX_CONTACT_LENGTH)],
        description="For example “PC Jo Patel, safer schools officer, 01234 567890”. "
        "Leave empty to use the national wording.",
    )
    social_care_contact = StringField(
        "Your children's social care contact (optional)",
        validators=[Length(max=MAX_CONTACT_LENGTH)],
        description="Your local authority's duty or front-door team and its number.",
    )
    submit = SubmitField("Save the protocol")


class ImportUploadForm(FlaskForm):
    """Upload a staff CSV for preview."""

    file = FileField(
        "Staff list (CSV file)",
        validators=[FileRequired("Choose the CSV file to upload.")],
        description="Columns: Name, Email, Role, Staff group, Start date. Up to 2 MB.",
    )
    submit = SubmitField("Upload and preview")


class ImportCommitForm(FlaskForm):
    """Commit a previewed import."""

    deactivate_leavers = BooleanField("Also deactivate the people who are not in the file")
    submit = SubmitField("Import")


class BasePolicyForm(FlaskForm):
    """The school-wide settings of the training policy."""

    due_soon_days = IntegerField(
        "Due-soon window (days)",
        validators=[
            InputRequired("Enter a number of days."),
            NumberRange(*DUE_SOON_RANGE, message="Enter a number from 1 to 90."),
        ],
        description="Training shows as “due soon” this many days before its due date.",
    )
    induction_days = IntegerField(
        "Induction period for new starters (days)",
        validators=[
            InputRequired("Enter a number of days."),
            NumberRange(*INDUCTION_RANGE, message="Enter a number from 1 to 180."),
        ],
        description="New starters, and people newly required to take a module (a new role, "
        "or a module newly added to the policy), have this long to complete it. "
        "28 days is about 20 school days.",
    )
    onboarding_days = IntegerField(
        "Onboarding window for people new to the platform (days)",
        validators=[
            InputRequired("Enter a number of days."),
            NumberRange(*ONBOARDING_RANGE, message="Enter a number from 0 to 180."),
        ],
        description="People you add or import have at least this long, from the day they are "
        "added, to complete training they have never done here, however long ago they "
        "started at the school. 0 turns the window off: then someone with an old start date "
        "is overdue on the day they are imported.",
    )
    submit = SubmitField("Save the policy")


def policy_form(
    module_ids: Sequence[str],
    policy: TrainingPolicy,
    roles: Choices,
    groups: Choices,
) -> BasePolicyForm:
    """A policy form with a roles, staff groups and renewal field for each module."""
    attrs: dict[str, Any] = {}
    data: dict[str, Any] = {
        "due_soon_days": policy.due_soon_days,
        "induction_days": policy.induction_days,
        "onboarding_days": policy.onboarding_days,
    }
    # Fields are named after module ids (not positions), so a module added to the library
    # between showing and submitting the form cannot shift one module's answers onto another.
    for module_id in module_ids:
        found = policy.requirement(module_id) or Requirement(module_id)
        attrs[f"roles_{module_id}"] = _checkboxes(roles)
        attrs[f"groups_{module_id}"] = _checkboxes(groups)
        attrs[f"renewal_{module_id}"] = SelectField(
            "Renew every",
            choices=[SelectChoice(str(m), f"{m} months") for m in RENEWAL_CHOICES],
        )
        data[f"roles_{module_id}"] = sorted(found.roles)
        data[f"groups_{module_id}"] = sorted(found.groups)
        data[f"renewal_{module_id}"] = str(found.renewal_months)
    form_class = type("PolicyForm", (BasePolicyForm,), attrs)
    form: BasePolicyForm = form_class(data=data)
    return form


def _checkboxes(choices: Choices) -> SelectMultipleField:
    return SelectMultipleField(
        choices=[SelectChoice(value, label) for value, label in choices],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class EmailStaffForm(FlaskForm):
    """Who to email from the dashboard and what: a reminder or an invitation."""

    kind = RadioField("What to send", validators=[InputRequired("Choose what to send.")])
    who = RadioField("Who to send it to", validators=[InputRequired("Choose who to email.")])
    people = SelectMultipleField("People", coerce=int, validate_choice=False)
    preview = SubmitField("Preview the emails")
    send = SubmitField("Send the emails")

    def validate_people(self, field: SelectMultipleField) -> None:
        """Ticking nobody is only an error when the admin chose to tick people."""
        if self.who.data == "chosen" and not field.data:
            raise ValidationError("Tick at least one person, or choose a group above.")
