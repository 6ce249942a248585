"""Sign-in, account, people, audit and trust routes."""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, ROLES, SIGNED_IN, TRUST_A_ONLY

# (method, rule, concrete path, expected status by role)
ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/", "/", {"anonymous": 302, **SIGNED_IN}),
    ("GET", "/healthz", "/healthz", {r: 200 for r in ROLES}),
    ("GET", "/sign-in", "/sign-in", {"anonymous": 200, **{r: 302 for r in SIGNED_IN}}),
    ("POST", "/sign-in", "/sign-in", {"anonymous": 200, **{r: 302 for r in SIGNED_IN}}),
    ("POST", "/sign-out", "/sign-out", {r: 302 for r in ROLES}),
    ("POST", "/account/password", "/account/password", {"anonymous": 302, **SIGNED_IN}),
    ("POST", "/account/forgot-password", "/account/forgot-password", {r: 200 for r in ROLES}),
    ("POST", "/account/reset/<token>", "/account/reset/not-a-token", {r: 410 for r in ROLES}),
    ("POST", "/schools/<int:school_id>/people/new", "/schools/{a1}/people/new", ADMIN_OF_A1),
    ("POST", "/schools/<int:school_id>/people/new", "/schools/{b1}/people/new", NOBODY_BUT_B),
    ("GET", "/account/password", "/account/password", {"anonymous": 302, **SIGNED_IN}),
    ("GET", "/account/forgot-password", "/account/forgot-password", {r: 200 for r in ROLES}),
    ("GET", "/account/reset/<token>", "/account/reset/not-a-token", {r: 410 for r in ROLES}),
    ("GET", "/schools/<int:school_id>/people", "/schools/{a1}/people", ADMIN_OF_A1),
    ("GET", "/schools/<int:school_id>/people", "/schools/{a2}/people", TRUST_A_ONLY),
    ("GET", "/schools/<int:school_id>/people", "/schools/{b1}/people", NOBODY_BUT_B),
    ("GET", "/schools/<int:school_id>/people/new", "/schools/{a1}/people/new", ADMIN_OF_A1),
    ("GET", "/schools/<int:school_id>/people/new", "/schools/{b1}/people/new", NOBODY_BUT_B),
    (
        "POST",
        "/schools/<int:school_id>/people/<int:user_id>/<any(deactivate,reactivate):action>",
        "/schools/{a1}/people/{a1_staff}/deactivate",
        {**ADMIN_OF_A1, "school_admin": 302, "trust_admin": 302},
    ),
    (
        "POST",
        "/schools/<int:school_id>/people/<int:user_id>/<any(deactivate,reactivate):action>",
        "/schools/{b1}/people/{a1_staff}/deactivate",
        {**NOBODY_BUT_B, "other_trust_admin": 404},
    ),
    ("GET", "/schools/<int:school_id>/audit", "/schools/{a1}/audit", ADMIN_OF_A1),
    ("GET", "/schools/<int:school_id>/audit", "/schools/{b1}/audit", NOBODY_BUT_B),
    ("GET", "/trusts/<int:trust_id>", "/trusts/{trust_a}", TRUST_A_ONLY),
    (
        "GET",
        "/trusts/<int:trust_id>",
        "/trusts/{trust_b}",
        {**NOBODY_BUT_B, "other_trust_admin": 403},
    ),
]
