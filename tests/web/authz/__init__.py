"""Route-by-role expectations, one module per feature.

Each module defines ROUTES: (method, url rule, concrete path template, {role: status}).
Path templates may use {a1}, {a2}, {b1} (school ids), {trust_a}, {trust_b} and {a1_staff}.
`tests/web/test_authorization.py` walks them all and fails on any route left out.
"""

from __future__ import annotations

import importlib
import pkgutil

ROLES = ["anonymous", "staff", "dsl", "school_admin", "trust_admin", "other_trust_admin"]
SIGNED_IN = {r: 200 for r in ROLES if r != "anonymous"}
EVERYONE = {r: 200 for r in ROLES}
ADMIN_OF_A1 = {
    "anonymous": 302,
    "staff": 403,
    "dsl": 403,
    "school_admin": 200,
    "trust_admin": 200,
    "other_trust_admin": 403,
}
TRUST_A_ONLY = {
    "anonymous": 302,
    "staff": 403,
    "dsl": 403,
    "school_admin": 403,
    "trust_admin": 200,
    "other_trust_admin": 403,
}
NOBODY_BUT_B = {
    "anonymous": 302,
    "staff": 403,
    "dsl": 403,
    "school_admin": 403,
    "trust_admin": 403,
    "other_trust_admin": 200,
}


def all_routes() -> list[tuple[str, str, str, dict[str, int]]]:
    """Every feature module's ROUTES, in module order."""
    routes = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        routes.extend(importlib.import_module(f"{__name__}.{info.name}").ROUTES)
    return routes
