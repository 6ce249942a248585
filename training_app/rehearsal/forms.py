"""Forms of the rehearsal: starting, joining, asking, and one form per step built from its spec."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field as WTField
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from training_app.rehearsal.generator import DIFFICULTIES, DIFFICULTY_LABELS, MAX_SEED
from training_app.rehearsal.questions import QUESTION_IDS
from training_app.rehearsal.steps import Step


class StartForm(FlaskForm):
    """Start a rehearsal alone, or set up a group: a difficulty and, optionally, a scenario."""

    difficulty = RadioField(
        "How hard should the case be?",
        choices=[SelectChoice(d, DIFFICULTY_LABELS[d]) for d in DIFFICULTIES],
        validators=[InputRequired("Choose how hard the case should be.")],
    )
    seed = StringField(
        "Scenario number (optional)",
        description="Leave it blank for a new case. To rehearse the same incident again, or one "
        "a colleague had, enter its scenario number (shown beside its case reference).",
        validators=[Length(max=12, message="Enter a scenario number of at most 9 digits.")],
    )

    def validate_seed(self, field: WTField) -> None:
        """A scenario number is a whole number from 0 to MAX_SEED (spaces are ignored)."""
        text = (field.data or "").replace(" ", "")
        # ASCII digits only: "²".isdigit() is true, yet int("²") fails.
        if text and not (text.isascii() and text.isdecimal() and int(text) <= MAX_SEED):
            raise ValidationError(
                f"Enter the scenario number as a whole number from 0 to {MAX_SEED:,}, or leave it "
                "blank."
            )

    @property
    def chosen_seed(self) -> int | None:
        """Return the scenario number entered, or None for a new case."""
        text = (self.seed.data or "").replace(" ", "")
        return int(text) if text else None


class JoinForm(FlaskForm):
    """Join a group rehearsal with the code the trainer shared."""

    code = StringField(
        "Group code",
        description="The 8-character code your trainer gave you, for example K7PM 4QXR.",
        validators=[
            InputRequired("Enter the group code your trainer gave you."),
            Length(max=20, message="A group code has 8 letters and numbers."),
        ],
    )


class AskForm(FlaskForm):
    """Ask one question at the initial review meeting (each question is its own button)."""

    question = StringField(validators=[InputRequired(), AnyOf(QUESTION_IDS)])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: end the meeting, join a group."""


def step_form(step: Step, staff: str, formdata: Any = None) -> FlaskForm:
    """Return the form for ``step``: a radio group or tick list per field, choices from the spec."""
    fields: dict[str, WTField] = {}
    for spec in step.fields:
        kind = SelectMultipleField if spec.many else RadioField
        fields[spec.name] = kind(
            spec.legend.format(staff=staff),
            choices=[SelectChoice(c.id, c.label) for c in spec.choices],
            validators=[InputRequired(spec.required.format(staff=staff))],
            description=spec.hint.format(staff=staff),
        )
    form_class = type(f"{step.key.title().replace('_', '')}Form", (FlaskForm,), fields)
    return form_class() if formdata is None else form_class(formdata=formdata)


def answer_of(form: FlaskForm, step: Step) -> dict[str, list[str]]:
    """Return a validated step form's data as ``{field: [choice ids]}``."""
    answer: dict[str, list[str]] = {}
    for spec in step.fields:
        data = form[spec.name].data
        answer[spec.name] = [data] if isinstance(data, str) else list(data or [])
    return answer
