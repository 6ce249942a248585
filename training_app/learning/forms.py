"""Forms of the quiz player; the choices are filled in per quiz node."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from training_app.content.model import Node


class StepForm(FlaskForm):
    """Which step of which attempt a form answers (also a story beat's Continue)."""

    step = IntegerField(validators=[InputRequired()])
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
