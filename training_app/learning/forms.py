"""Forms of the quiz player; the choices are filled in per quiz node."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from training_app.content.model import Node

MAX_STEPS = 10_000


class StepForm(FlaskForm):
    """Which step of which attempt a form answers (also a story beat's Continue)."""

    # Bounded so a tampered number never reaches the database (SQLite and PostgreSQL
    # integers overflow above 2**63); no quiz comes near this many steps.
    step = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_STEPS)])
    node = HiddenField(validators=[InputRequired()])


class OneChoiceForm(StepForm):
    """Pick one answer."""

    choice = RadioField(validators=[InputRequired("Choose an answer.")])


class ManyChoiceForm(StepForm):
    """Tick every answer that applies."""

    choice = SelectMultipleField(validators=[InputRequired("Tick at least one answer.")])


class StartForm(FlaskForm):
    """Start or resume a module; optionally go straight to the quiz when retrying."""

    skip_reading = BooleanField()


def answer_form_for(node: Node) -> StepForm:
    """The right form for a node, with its choices as the only valid values."""
    if not node.is_question:
        return StepForm()
    form: OneChoiceForm | ManyChoiceForm = (
        ManyChoiceForm() if node.select == "many" else OneChoiceForm()
    )
    form.choice.choices = [SelectChoice(c.id, c.label) for c in node.choices]
    return form
