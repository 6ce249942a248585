"""Every route × every role: the expected status, and no cross-school access.

When a feature adds a route, add it to ROUTES: `test_every_route_is_in_the_matrix`
fails until it is, so no page ships without an authorisation decision.
"""

from __future__ import annotations

import pytest

from tests.conftest import CSRF_RE, mentions
from tests.web.authz import ROLES, all_routes
from training_app.admin.models import School
from training_app.auth import permissions
from training_app.auth.models import User
from training_app.extensions import db

ROUTES = all_routes()


def _path(template: str, world) -> str:
    return template.format(
        a1=world.a1.id,
        a2=world.a2.id,
        b1=world.b1.id,
        trust_a=world.a1.trust_id,
        trust_b=world.b1.trust_id,
        a1_staff=world.users["staff"].id,
    )


def test_every_route_is_in_the_matrix(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(method, rule) for method, rule, _, _ in ROUTES}
    assert rules - covered == set(), "add these routes to ROUTES with expected statuses"


@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(login_as, world, role):
    client = login_as(role)
    # A token from this client's own session, so CSRF passes and authorisation decides.
    token = CSRF_RE.search(client.get("/account/forgot-password").get_data(as_text=True))[1]
    failures = []
    for method, _rule, template, expected in ROUTES:
        path = _path(template, world)
        if method == "POST":
            status = client.post(path, data={"csrf_token": token}).status_code
        else:
            status = client.get(path).status_code
        if status != expected[role]:
            failures.append(f"{method} {path}: {status}, expected {expected[role]}")
        if method == "POST" and path == "/sign-out":
            client = login_as(role)  # sign back in (and get a new token) for the rest
            token = CSRF_RE.search(client.get("/account/forgot-password").get_data(as_text=True))[1]
    assert failures == []


def test_unknown_school_is_404(login_as):
    assert login_as("trust_admin").get("/schools/999999/people").status_code == 404


def test_trust_admin_lists_only_own_trust_schools(login_as, world):
    body = login_as("trust_admin").get(f"/trusts/{world.a1.trust_id}").get_data(as_text=True)
    assert mentions(body, "A1") and mentions(body, "A2") and not mentions(body, "B1")


def test_people_list_never_shows_another_school(login_as, world):
    body = (
        login_as("school_admin")
        .get(f"/schools/{world.a1.id}/people?show=all")
        .get_data(as_text=True)
    )
    assert "staff@a1.example" in body
    assert "staff@a2.example" not in body and "staff@b1.example" not in body


def test_predicates(app, world):
    with app.app_context():
        _check_predicates(
            {role: db.session.get(User, u.id) for role, u in world.users.items()},
            db.session.get(School, world.a1.id),
            db.session.get(School, world.a2.id),
            db.session.get(School, world.b1.id),
        )


def _check_predicates(users, a1, a2, b1):
    assert permissions.can_manage_school(users["school_admin"], a1)
    assert not permissions.can_manage_school(users["school_admin"], a2)
    assert permissions.can_manage_school(users["trust_admin"], a2)
    assert not permissions.can_manage_school(users["trust_admin"], b1)
    assert not permissions.can_manage_school(users["dsl"], a1)
    assert permissions.can_view_reports(users["dsl"], a1)
    assert not permissions.can_view_reports(users["dsl"], a2)
    assert permissions.can_view_person(users["staff"], users["staff"])
    assert not permissions.can_view_person(users["staff"], users["dsl"])
    assert permissions.can_view_person(users["trust_admin"], users["a2_staff"])
    assert not permissions.can_view_person(users["other_trust_admin"], users["staff"])
    assert permissions.can_view_trust(users["trust_admin"], a1.trust)
    assert not permissions.can_view_trust(users["trust_admin"], b1.trust)
    assert not permissions.can_rehearse(users["staff"]) and permissions.can_rehearse(users["dsl"])
