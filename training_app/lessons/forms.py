"""Forms of class lessons: the teacher's (CSRF as everywhere) and the pupils' (no session).

Pupil forms carry no Flask-WTF CSRF token, because that token lives in the staff session
cookie and a pupil must get no cookie but their lesson's own. They are protected instead by
the lesson cookie's SameSite=Lax, a same-origin check, and a form token bound to the
participant (see `codes.form_token`).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, InputRequired, Length

from training_app.lessons.services import ACTIONS


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class StartLessonForm(FlaskForm):
    """Choose a lesson (which sets the age band) and name the class."""

    lesson = RadioField("Lesson", validators=[InputRequired("Choose a lesson.")])
    class_label = StringField(
        "Class",
        description="For example 9B or Year 10 PSHE. Do not use pupils' names.",
        filters=[_strip],
        validators=[
            InputRequired("Enter the class, for example 9B."),
            Length(max=40, message="Keep the class to 40 characters or fewer."),
        ],
    )


class ControlForm(FlaskForm):
    """Move the class on or back, or show the answer, from the step the teacher saw."""

    position = IntegerField(validators=[InputRequired()])
    action = StringField(validators=[InputRequired(), AnyOf(ACTIONS)])


class EndForm(FlaskForm):
    """End the session (its tokens and answers are deleted, the totals kept)."""


class PupilForm(FlaskForm):
    """A pupil's form: no Flask-WTF CSRF token, so no staff session cookie is set."""

    class Meta:
        """No session-bound CSRF token (see the module docstring for what protects them)."""

        csrf = False


class JoinCodeForm(PupilForm):
    """Type the code on the teacher's screen."""

    code = StringField(
        "Lesson code",
        description="It is on your teacher's screen, for example K7QX-M4PR.",
        filters=[_strip],
        validators=[InputRequired("Enter the code from your teacher's screen.")],
    )


class JoinForm(PupilForm):
    """The 'Join the lesson' button after the content note."""


class AnswerForm(PupilForm):
    """A pupil's answer to the question on screen."""

    node = HiddenField(validators=[InputRequired()])
    token = HiddenField(validators=[InputRequired()])
    choice = SelectMultipleField(validate_choice=False)
