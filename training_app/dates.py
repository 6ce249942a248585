"""The dates people may type: start dates, training dates, the ends of exemptions.

A year far outside anyone's working life is a typo (2205 for 2025, 0025 for 2025), and one
near the ends of Python's calendar (year 1 or 9999) overflows the date arithmetic of every
status and report that adds a renewal or induction period to it. Forms, the staff import and
report filters accept only dates in this range.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms.validators import ValidationError

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def plausible(day: date) -> bool:
    """Whether a typed date is in the range the app accepts."""
    return EARLIEST <= day <= LATEST


def plausible_date(form: Any, field: Any) -> None:
    """WTForms validator: a date field's value, when given, must be `plausible`."""
    if isinstance(field.data, date) and not plausible(field.data):
        raise ValidationError(
            f"Enter a date between {EARLIEST.year} and {LATEST.year}, like 2026-09-14."
        )
