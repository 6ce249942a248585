"""The trust's LRS settings page: the trust's own admins only."""

from __future__ import annotations

from tests.web.authz import NOBODY_BUT_B, TRUST_A_ONLY

RULE = "/trusts/<int:trust_id>/xapi"

ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", RULE, "/trusts/{trust_a}/xapi", TRUST_A_ONLY),
    ("GET", RULE, "/trusts/{trust_b}/xapi", {**NOBODY_BUT_B, "other_trust_admin": 403}),
    # A POST with no form data re-shows the form (200) for the trust's admin.
    ("POST", RULE, "/trusts/{trust_a}/xapi", TRUST_A_ONLY),
]
