"""The signed-in person as the learner's busiest views see them: a few columns, no ORM object."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from training_app.admin.models import School
from training_app.auth.models import SignsIn, User
from training_app.extensions import db


@dataclass(eq=False)
class SignedInPerson(SignsIn):
    """Who is signed in, read as plain columns with a view's own row.

    A view can have its first row read in the statement that checks the session
    (`auth.read_alongside_session_user`); the learner's reading page and quiz views do, on
    both databases. Making an ORM `User` of that row, and tidying it away after the request,
    cost a tenth of a reading page's time (bench/README.md), and those views only need to
    know who the person is. So there `current_user` is this snapshot: it has what
    Flask-Login, the layout, the navigation and the permission predicates
    (`auth.permissions.Person`) read, and nothing that writes (Flask-Login's part is
    `SignsIn`, as for a `User`). Its password hash is never read. A view that must change
    the person loads their `User`.
    """

    id: int
    school_id: int
    email: str
    name: str
    role: str
    staff_group: str
    active: bool

    @property
    def school(self) -> School | None:
        """Their school, loaded when asked for (the navigation asks for non-staff roles)."""
        return db.session.get(School, self.school_id)


# The users columns a SignedInPerson is made of, in its fields' order.
PERSON_COLUMNS = tuple(getattr(User, field.name) for field in fields(SignedInPerson))


def person_from_row(values: tuple[Any, ...]) -> SignedInPerson:
    """The person in the first len(PERSON_COLUMNS) values of a row."""
    return SignedInPerson(*values[: len(PERSON_COLUMNS)])
