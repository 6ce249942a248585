"""Fixtures for the fuzz tests: each role signs in once per test, not once per example."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest
from flask.testing import FlaskClient

from tests.web.fuzz import token


class Signed(NamedTuple):
    """A signed-in client and a CSRF token of its session (valid for every form)."""

    client: FlaskClient
    csrf: str


@pytest.fixture
def signed_in(login_as: Callable[[str], FlaskClient]) -> Callable[[str], Signed]:
    """Return a function giving a role's signed-in client, the same one on every call.

    Hypothesis runs all of a test's examples with the same function-scoped fixtures, so the
    clients (and the database) carry over from one example to the next.
    """
    clients: dict[str, Signed] = {}

    def get(role: str) -> Signed:
        if role not in clients:
            client = login_as(role)
            clients[role] = Signed(client, token(client, "/account/forgot-password"))
        return clients[role]

    return get
