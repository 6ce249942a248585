"""Module previews: school and trust admins only, for any staff module; nothing recorded."""

from __future__ import annotations

PREVIEWERS = {
    "anonymous": 302,
    "staff": 403,
    "dsl": 403,
    "school_admin": 200,
    "trust_admin": 200,
    "other_trust_admin": 200,
}
P = "/learn/preview"

ROUTES = [
    ("GET", P, P, PREVIEWERS),
    ("GET", P + "/<module_id>", P + "/dsl-walkthrough", PREVIEWERS),
    ("GET", P + "/<module_id>/pages/<int:number>", P + "/dsl-walkthrough/pages/1", PREVIEWERS),
    ("GET", P + "/<module_id>/quiz/<node_id>", P + "/first-responder/quiz/jade_first", PREVIEWERS),
]
