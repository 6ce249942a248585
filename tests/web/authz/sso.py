"""Signing in with a school's provider, and the settings pages (the school's or trust's admins)."""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, ROLES, SIGNED_IN, TRUST_A_ONLY

# Signed-in people are sent home from the sign-in pages.
SIGN_IN_PAGE = {"anonymous": 200, **{r: 302 for r in SIGNED_IN}}
SETTINGS = "/schools/<int:school_id>/sign-in-settings"
# The world has no trust admin of trust B (its "other" admin runs school B1): all refused.
NOT_TRUST_B_ADMIN = {**NOBODY_BUT_B, "other_trust_admin": 403}
TRUST = "/trusts/<int:trust_id>/sign-in-settings"
COMPLETE = "/schools/<int:school_id>/sign-in-settings/people/<int:user_id>"
# A POST without a staff group goes back to the page (302); others' schools are refused.
COMPLETE_A1 = {**ADMIN_OF_A1, "school_admin": 302, "trust_admin": 302}

ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/sign-in/school-account", "/sign-in/school-account", SIGN_IN_PAGE),
    ("POST", "/sign-in/school-account", "/sign-in/school-account", SIGN_IN_PAGE),
    # No such provider: back to the page that finds one (signed-in people: home).
    (
        "GET",
        "/sign-in/school-account/<int:provider_id>",
        "/sign-in/school-account/999",
        {r: 302 for r in ROLES},
    ),
    # No sign-in started from this browser: refused (signed-in people: home).
    (
        "GET",
        "/sign-in/school-account/return",
        "/sign-in/school-account/return",
        {"anonymous": 400, **{r: 302 for r in SIGNED_IN}},
    ),
    ("GET", SETTINGS, "/schools/{a1}/sign-in-settings", ADMIN_OF_A1),
    ("GET", SETTINGS, "/schools/{b1}/sign-in-settings", NOBODY_BUT_B),
    ("POST", SETTINGS, "/schools/{a1}/sign-in-settings", ADMIN_OF_A1),
    ("POST", SETTINGS, "/schools/{b1}/sign-in-settings", NOBODY_BUT_B),
    ("GET", TRUST, "/trusts/{trust_a}/sign-in-settings", TRUST_A_ONLY),
    ("GET", TRUST, "/trusts/{trust_b}/sign-in-settings", NOT_TRUST_B_ADMIN),
    ("POST", TRUST, "/trusts/{trust_a}/sign-in-settings", TRUST_A_ONLY),
    ("POST", TRUST, "/trusts/{trust_b}/sign-in-settings", NOT_TRUST_B_ADMIN),
    ("POST", COMPLETE, "/schools/{a1}/sign-in-settings/people/{a1_staff}", COMPLETE_A1),
    (
        "POST",
        COMPLETE,
        "/schools/{b1}/sign-in-settings/people/{a1_staff}",
        {**NOBODY_BUT_B, "other_trust_admin": 302},
    ),
]
