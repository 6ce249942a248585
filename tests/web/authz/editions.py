"""The "what changed since 2016" page: a school's DSLs, its admins and its trust's admins.

Staff never see it; nobody sees another school's (another trust's, for a trust admin).
"""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, TRUST_A_ONLY

READERS_OF_A1 = {**ADMIN_OF_A1, "dsl": 200}
W = "/schools/<int:school_id>/what-changed"

ROUTES = [
    ("GET", W, "/schools/{a1}/what-changed", READERS_OF_A1),
    ("GET", W, "/schools/{a2}/what-changed", TRUST_A_ONLY),
    ("GET", W, "/schools/{b1}/what-changed", NOBODY_BUT_B),
]
