"""The school's certificate logo: only the school's admins (and its trust's) change it.

The image itself is 404 when the school has none; with one, people of other schools still get
404 (tests/web/test_ui21b_certificates.py::test_only_school_admins_change_the_logo).
"""

from __future__ import annotations

from tests.web.authz import ADMIN_OF_A1, NOBODY_BUT_B, ROLES

S = "/schools/<int:school_id>"
NO_LOGO = {"anonymous": 302, **{r: 404 for r in ROLES if r != "anonymous"}}
REMOVED = {**ADMIN_OF_A1, "school_admin": 303, "trust_admin": 303}
REMOVED_B = {**NOBODY_BUT_B, "other_trust_admin": 303}

ROUTES = [
    ("GET", S + "/certificate-logo", "/schools/{a1}/certificate-logo", ADMIN_OF_A1),
    ("GET", S + "/certificate-logo", "/schools/{b1}/certificate-logo", NOBODY_BUT_B),
    # No file sent: the form is shown again with its error, to those allowed to send it.
    ("POST", S + "/certificate-logo", "/schools/{a1}/certificate-logo", ADMIN_OF_A1),
    ("POST", S + "/certificate-logo", "/schools/{b1}/certificate-logo", NOBODY_BUT_B),
    ("POST", S + "/certificate-logo/remove", "/schools/{a1}/certificate-logo/remove", REMOVED),
    ("POST", S + "/certificate-logo/remove", "/schools/{b1}/certificate-logo/remove", REMOVED_B),
    ("GET", S + "/certificate-logo.png", "/schools/{a1}/certificate-logo.png", NO_LOGO),
]
