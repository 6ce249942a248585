"""The learner's routes. Attempt routes are checked for other people's attempts in
tests/web/test_learning.py; here an attempt that does not exist is 404 for everyone."""

from __future__ import annotations

from tests.web.authz import EVERYONE, SIGNED_IN

SIGNED_IN_404 = {"anonymous": 302, **{r: 404 for r in SIGNED_IN}}
M = "/learn/<module_id>"
A = M + "/attempts/<int:attempt_id>"

ROUTES = [
    ("GET", M, "/learn/first-responder", {"anonymous": 302, **SIGNED_IN}),
    ("GET", M, "/learn/no-such-module", SIGNED_IN_404),
    # The token in the matrix is a valid one, but the start form needs nothing else.
    (
        "POST",
        M + "/start",
        "/learn/first-responder/start",
        {"anonymous": 302, **{r: 302 for r in SIGNED_IN}},
    ),
    (
        "GET",
        A + "/pages/<int:number>",
        "/learn/first-responder/attempts/999999/pages/1",
        SIGNED_IN_404,
    ),
    ("GET", A + "/quiz", "/learn/first-responder/attempts/999999/quiz", SIGNED_IN_404),
    ("POST", A + "/quiz", "/learn/first-responder/attempts/999999/quiz", SIGNED_IN_404),
    ("POST", A + "/answer", "/learn/first-responder/attempts/999999/answer", SIGNED_IN_404),
    (
        "GET",
        A + "/steps/<int:step>",
        "/learn/first-responder/attempts/999999/steps/1",
        SIGNED_IN_404,
    ),
    ("GET", A + "/result", "/learn/first-responder/attempts/999999/result", SIGNED_IN_404),
    ("GET", "/learn/guidance/<path:citation>", "/learn/guidance/UKCCIS-2016%20%C2%A73.3", EVERYONE),
]
