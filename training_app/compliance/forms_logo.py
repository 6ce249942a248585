"""The form of the school's certificate logo upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField


class LogoForm(FlaskForm):
    """Upload the school's logo (the checks on the file itself are in compliance/logos.py)."""

    file = FileField(
        "Logo (PNG or JPEG file)",
        validators=[FileRequired("Choose the logo file to upload.")],
        description="A PNG or JPEG image, up to 500 KB. It is printed at the top of "
        "certificates, scaled to fit.",
    )
    submit = SubmitField("Upload the logo")
