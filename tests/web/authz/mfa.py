"""Two-factor sign-in routes: the second sign-in step, your own settings, an admin's reset.

Every DSL and admin in the world has two-factor sign-in set up; staff have not.
"""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, ROLES, SIGNED_IN

# With no half-done sign-in, the second-step pages send everyone back: to sign in, or home.
SECOND_STEP = {r: 302 for r in ROLES}
ENROLLED = {"anonymous": 302, "staff": 302, **{r: 200 for r in SIGNED_IN if r != "staff"}}
NOT_YET_ENROLLED = {"anonymous": 302, "staff": 200, **{r: 302 for r in SIGNED_IN if r != "staff"}}
# Staff have nothing to turn off (302); the other roles may never turn it off.
TURN_OFF = {"anonymous": 302, "staff": 302, **{r: 403 for r in SIGNED_IN if r != "staff"}}
RESET_A1 = "/schools/{a1}/people/{a1_staff}/two-factor"
RESET_RULE = "/schools/<int:school_id>/people/<int:user_id>/two-factor"

ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    *[
        (method, rule, rule, SECOND_STEP)
        for rule in ("/sign-in/code", "/sign-in/recovery-code", "/sign-in/set-up")
        for method in ("GET", "POST")
    ],
    ("GET", "/account/security", "/account/security", {"anonymous": 302, **SIGNED_IN}),
    ("GET", "/account/security/set-up", "/account/security/set-up", NOT_YET_ENROLLED),
    ("POST", "/account/security/set-up", "/account/security/set-up", NOT_YET_ENROLLED),
    ("GET", "/account/security/recovery-codes", "/account/security/recovery-codes", ENROLLED),
    ("POST", "/account/security/recovery-codes", "/account/security/recovery-codes", ENROLLED),
    ("GET", "/account/security/turn-off", "/account/security/turn-off", TURN_OFF),
    ("POST", "/account/security/turn-off", "/account/security/turn-off", TURN_OFF),
    ("GET", RESET_RULE, RESET_A1, ADMIN_OF_A1),
    (
        "GET",
        RESET_RULE,
        RESET_A1.replace("{a1}/", "{b1}/"),
        {**NOBODY_BUT_B, "other_trust_admin": 404},
    ),
    ("POST", RESET_RULE, RESET_A1, {**ADMIN_OF_A1, "school_admin": 302, "trust_admin": 302}),
    (
        "POST",
        RESET_RULE,
        RESET_A1.replace("{a1}/", "{b1}/"),
        {**NOBODY_BUT_B, "other_trust_admin": 404},
    ),
]
