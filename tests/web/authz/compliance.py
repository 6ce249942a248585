"""Compliance routes: dashboards, exports, policy, protocol, import, records, certificates.

Records, exemptions and imports that do not exist are 404 for everyone signed in; the same
routes on real rows of another school are checked in tests/web/test_compliance_isolation.py.
"""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, ROLES, SIGNED_IN, TRUST_A_ONLY

REPORTS_OF_A1 = {**ADMIN_OF_A1, "dsl": 200}
NOT_FOUND = {"anonymous": 302, **{r: 404 for r in SIGNED_IN}}
ADMIN_404 = {**ADMIN_OF_A1, "school_admin": 404, "trust_admin": 404}
NO_TRUST_B = {**NOBODY_BUT_B, "other_trust_admin": 403}
# The staff member's own record: themselves, their school's admins, and (read-only) its DSL.
A1_STAFF_RECORD = {**ADMIN_OF_A1, "staff": 200, "dsl": 200}
S = "/schools/<int:school_id>"
P = "/people/<int:user_id>/training"
T = "/trusts/<int:trust_id>/compliance"

ROUTES = [
    ("GET", S + "/compliance", "/schools/{a1}/compliance", REPORTS_OF_A1),
    ("GET", S + "/compliance", "/schools/{a2}/compliance", TRUST_A_ONLY),
    ("GET", S + "/compliance", "/schools/{b1}/compliance", NOBODY_BUT_B),
    ("GET", S + "/compliance/report.csv", "/schools/{a1}/compliance/report.csv", REPORTS_OF_A1),
    ("GET", S + "/compliance/report.csv", "/schools/{b1}/compliance/report.csv", NOBODY_BUT_B),
    ("GET", S + "/compliance/summary.csv", "/schools/{a1}/compliance/summary.csv", REPORTS_OF_A1),
    ("GET", S + "/compliance/summary.csv", "/schools/{b1}/compliance/summary.csv", NOBODY_BUT_B),
    ("GET", S + "/compliance/policy", "/schools/{a1}/compliance/policy", ADMIN_OF_A1),
    ("GET", S + "/compliance/policy", "/schools/{b1}/compliance/policy", NOBODY_BUT_B),
    ("POST", S + "/compliance/policy", "/schools/{a1}/compliance/policy", ADMIN_OF_A1),
    ("POST", S + "/compliance/policy", "/schools/{b1}/compliance/policy", NOBODY_BUT_B),
    ("GET", S + "/compliance/protocol", "/schools/{a1}/compliance/protocol", ADMIN_OF_A1),
    ("GET", S + "/compliance/protocol", "/schools/{b1}/compliance/protocol", NOBODY_BUT_B),
    ("POST", S + "/compliance/protocol", "/schools/{a1}/compliance/protocol", ADMIN_OF_A1),
    ("POST", S + "/compliance/protocol", "/schools/{b1}/compliance/protocol", NOBODY_BUT_B),
    ("GET", S + "/compliance/emails", "/schools/{a1}/compliance/emails", ADMIN_OF_A1),
    ("GET", S + "/compliance/emails", "/schools/{b1}/compliance/emails", NOBODY_BUT_B),
    ("POST", S + "/compliance/emails", "/schools/{a1}/compliance/emails", ADMIN_OF_A1),
    ("POST", S + "/compliance/emails", "/schools/{b1}/compliance/emails", NOBODY_BUT_B),
    ("GET", S + "/people/import", "/schools/{a1}/people/import", ADMIN_OF_A1),
    ("GET", S + "/people/import", "/schools/{a2}/people/import", TRUST_A_ONLY),
    ("GET", S + "/people/import", "/schools/{b1}/people/import", NOBODY_BUT_B),
    ("POST", S + "/people/import", "/schools/{a1}/people/import", ADMIN_OF_A1),
    ("POST", S + "/people/import", "/schools/{b1}/people/import", NOBODY_BUT_B),
    (
        "GET",
        S + "/people/import/<int:import_id>",
        "/schools/{a1}/people/import/999999",
        ADMIN_404,
    ),
    (
        "GET",
        S + "/people/import/<int:import_id>",
        "/schools/{b1}/people/import/999999",
        {**NOBODY_BUT_B, "other_trust_admin": 404},
    ),
    (
        "POST",
        S + "/people/import/<int:import_id>/commit",
        "/schools/{a1}/people/import/999999/commit",
        ADMIN_404,
    ),
    ("GET", T, "/trusts/{trust_a}/compliance", TRUST_A_ONLY),
    ("GET", T, "/trusts/{trust_b}/compliance", NO_TRUST_B),
    ("GET", T + "/report.csv", "/trusts/{trust_a}/compliance/report.csv", TRUST_A_ONLY),
    ("GET", T + "/report.csv", "/trusts/{trust_b}/compliance/report.csv", NO_TRUST_B),
    ("GET", T + "/summary.csv", "/trusts/{trust_a}/compliance/summary.csv", TRUST_A_ONLY),
    ("GET", T + "/summary.csv", "/trusts/{trust_b}/compliance/summary.csv", NO_TRUST_B),
    ("GET", P, "/people/{a1_staff}/training", A1_STAFF_RECORD),
    ("GET", P + "/external", "/people/{a1_staff}/training/external", ADMIN_OF_A1),
    ("POST", P + "/external", "/people/{a1_staff}/training/external", ADMIN_OF_A1),
    ("GET", P + "/exemptions/new", "/people/{a1_staff}/training/exemptions/new", ADMIN_OF_A1),
    ("POST", P + "/exemptions/new", "/people/{a1_staff}/training/exemptions/new", ADMIN_OF_A1),
    ("GET", "/training-records/<int:record_id>/void", "/training-records/999999/void", NOT_FOUND),
    ("POST", "/training-records/<int:record_id>/void", "/training-records/999999/void", NOT_FOUND),
    (
        "GET",
        "/training-records/<int:record_id>/certificate",
        "/training-records/999999/certificate",
        NOT_FOUND,
    ),
    (
        "GET",
        "/training-records/<int:record_id>/certificate.pdf",
        "/training-records/999999/certificate.pdf",
        NOT_FOUND,
    ),
    ("GET", "/exemptions/<int:exemption_id>/revoke", "/exemptions/999999/revoke", NOT_FOUND),
    ("POST", "/exemptions/<int:exemption_id>/revoke", "/exemptions/999999/revoke", NOT_FOUND),
    (
        "POST",
        "/training-records/<int:record_id>/confirm",
        "/training-records/999999/confirm",
        NOT_FOUND,
    ),
    ("POST", "/exemptions/<int:exemption_id>/confirm", "/exemptions/999999/confirm", NOT_FOUND),
    ("GET", "/verify", "/verify", {r: 200 for r in ROLES}),
    ("GET", "/verify/<code>", "/verify/not-a-real-code-at-all", {r: 404 for r in ROLES}),
    ("GET", S + "/audit/export.csv", "/schools/{a1}/audit/export.csv", ADMIN_OF_A1),
    ("GET", S + "/audit/export.csv", "/schools/{b1}/audit/export.csv", NOBODY_BUT_B),
]
