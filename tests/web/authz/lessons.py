"""Class lessons: the teacher's routes (any member of staff), the school's delivery record
(report viewers), and the pupils' public routes ("anonymous" is a pupil here).

Sessions and codes that do not exist are 404 for everyone; other people's sessions are
checked in tests/web/test_lessons*.py.
"""

from __future__ import annotations

from tests.web.authz import EVERYONE, NOBODY_BUT_B, SIGNED_IN

SIGNED_IN_404 = {"anonymous": 302, **{r: 404 for r in SIGNED_IN}}
REPORTS_OF_A1 = {
    "anonymous": 302,
    "staff": 403,
    "dsl": 200,
    "school_admin": 200,
    "trust_admin": 200,
    "other_trust_admin": 403,
}
S = "/lessons/<int:session_id>"
NOT_FOUND = {r: 404 for r in EVERYONE}

ROUTES = [
    ("GET", "/lessons", "/lessons", {"anonymous": 302, **SIGNED_IN}),
    # The matrix posts only a CSRF token: the start form is shown again with its errors.
    ("POST", "/lessons", "/lessons", {"anonymous": 302, **SIGNED_IN}),
    ("GET", S, "/lessons/999999", SIGNED_IN_404),
    ("POST", S + "/control", "/lessons/999999/control", SIGNED_IN_404),
    ("POST", S + "/end", "/lessons/999999/end", SIGNED_IN_404),
    ("GET", S + "/record", "/lessons/999999/record", SIGNED_IN_404),
    ("GET", S + "/notes", "/lessons/999999/notes", SIGNED_IN_404),
    ("GET", "/schools/<int:school_id>/lessons", "/schools/{a1}/lessons", REPORTS_OF_A1),
    ("GET", "/schools/<int:school_id>/lessons", "/schools/{b1}/lessons", NOBODY_BUT_B),
    # Pupils' routes are public; an unknown code is refused clearly.
    ("GET", "/join", "/join", EVERYONE),
    ("POST", "/join", "/join", EVERYONE),
    ("GET", "/j/<code>", "/j/ZZZZZZZZ", NOT_FOUND),
    ("POST", "/j/<code>/join", "/j/ZZZZZZZZ/join", NOT_FOUND),
    ("POST", "/j/<code>/answer", "/j/ZZZZZZZZ/answer", NOT_FOUND),
    ("GET", "/tables", "/tables", EVERYONE),
]
