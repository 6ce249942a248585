"""Completion over time: whoever may see a school's dashboard, at that school only."""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, TRUST_A_ONLY

REPORTS_OF_A1 = {**ADMIN_OF_A1, "dsl": 200}

R = "/schools/<int:school_id>/compliance/over-time"

ROUTES = [
    ("GET", R, "/schools/{a1}/compliance/over-time", REPORTS_OF_A1),
    ("GET", R, "/schools/{a2}/compliance/over-time", TRUST_A_ONLY),
    ("GET", R, "/schools/{b1}/compliance/over-time", NOBODY_BUT_B),
]
