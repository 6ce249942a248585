"""The rehearsal routes: for DSLs and admins (`can_rehearse`), never for staff.

A rehearsal or group that does not exist (or belongs to someone else, or another school) is 404
for everyone who may rehearse; tests/web/test_rehearsal.py checks other people's and other
schools' rehearsals and groups with real rows.
"""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, ROLES, TRUST_A_ONLY

REHEARSERS = {
    "anonymous": 302,
    "staff": 403,
    "dsl": 200,
    "school_admin": 200,
    "trust_admin": 200,
    "other_trust_admin": 200,
}
NOT_FOUND = {
    **REHEARSERS,
    **{r: 404 for r in ("dsl", "school_admin", "trust_admin", "other_trust_admin")},
}
R = "/rehearse/<int:rehearsal_id>"
MISSING = "/rehearse/999999"

ROUTES = [
    ("GET", "/rehearse/", "/rehearse/", REHEARSERS),
    # A token alone is not a valid start: the page comes back with the form's errors.
    ("POST", "/rehearse/start", "/rehearse/start", REHEARSERS),
    ("GET", R, MISSING, NOT_FOUND),
    ("POST", R + "/ask", MISSING + "/ask", NOT_FOUND),
    ("POST", R + "/steps/<step_key>", MISSING + "/steps/referral", NOT_FOUND),
    ("GET", R + "/steps/<step_key>", MISSING + "/steps/referral", NOT_FOUND),
    ("GET", R + "/result", MISSING + "/result", NOT_FOUND),
    ("GET", R + "/record", MISSING + "/record", NOT_FOUND),
    ("GET", R + "/record.pdf", MISSING + "/record.pdf", NOT_FOUND),
    ("GET", "/rehearse/history", "/rehearse/history", REHEARSERS),
    ("POST", "/rehearse/groups", "/rehearse/groups", REHEARSERS),
    ("GET", "/rehearse/groups/<code>", "/rehearse/groups/NOSUCHCODE", NOT_FOUND),
    ("POST", "/rehearse/join", "/rehearse/join", REHEARSERS),
    ("GET", "/rehearse/join/<code>", "/rehearse/join/NOSUCHCODE", NOT_FOUND),
    ("POST", "/rehearse/join/<code>", "/rehearse/join/NOSUCHCODE", NOT_FOUND),
    (
        "GET",
        "/schools/<int:school_id>/dsl-practice",
        "/schools/{a1}/dsl-practice",
        {**ADMIN_OF_A1, "dsl": 200},
    ),
    ("GET", "/schools/<int:school_id>/dsl-practice", "/schools/{a2}/dsl-practice", TRUST_A_ONLY),
    ("GET", "/schools/<int:school_id>/dsl-practice", "/schools/{b1}/dsl-practice", NOBODY_BUT_B),
    (
        "GET",
        "/rehearse/rehearsal.css",
        "/rehearse/rehearsal.css",
        {r: 200 for r in ROLES},
    ),
]
