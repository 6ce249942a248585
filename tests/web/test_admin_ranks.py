"""Nobody acts on a person who outranks them; a trust always keeps an active trust admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import post_form
from training_app.admin import services
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.auth.permissions import RANKS, may_act_on
from training_app.extensions import db


def _set_active(client, school_id, person_id, action):
    return post_form(
        client,
        f"/schools/{school_id}/people/{person_id}/{action}",
        {},
        token_from=f"/schools/{school_id}/people",
        follow_redirects=True,
    )


def test_school_admin_cannot_deactivate_their_trust_admin(app, login_as, world):
    admin = login_as("school_admin")
    trust_admin = world.users["trust_admin"]
    listing = admin.get(f"/schools/{world.a1.id}/people").get_data(as_text=True)
    assert "Outranks you" in listing
    response = _set_active(admin, world.a1.id, trust_admin.id, "deactivate")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f"You cannot deactivate {trust_admin.name}" in body and "outranks you" in body
    with app.app_context():
        assert db.session.get(User, trust_admin.id).active is True
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "admin.person_change_refused")
        ).all()
        assert [(e.actor_id, e.target_id) for e in refused] == [
            (world.users["school_admin"].id, str(trust_admin.id))
        ]
        assert not db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "admin.person_deactivated")
        ).all()
    assert login_as("trust_admin").get("/").status_code == 200  # still signs in


def test_school_admin_cannot_reactivate_a_trust_admin(app, login_as, world, make_user):
    gone = make_user("trust_admin", world.a1, email="gone@a.example", active=False)
    response = _set_active(login_as("school_admin"), world.a1.id, gone.id, "reactivate")
    assert "You cannot reactivate" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, gone.id).active is False


def test_admins_still_act_on_their_equals_and_below(app, login_as, world, make_user):
    other_admin = make_user("school_admin", world.a1, email="admin2@a1.example")
    admin = login_as("school_admin")
    for person in (world.users["dsl"], other_admin):
        assert "was deactivated" in _set_active(
            admin, world.a1.id, person.id, "deactivate"
        ).get_data(as_text=True)
    trust = login_as("trust_admin")
    assert "was reactivated" in _set_active(
        trust, world.a1.id, other_admin.id, "reactivate"
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.users["dsl"].id).active is False
        assert db.session.get(User, other_admin.id).active is True


def test_a_trust_admin_deactivates_another_but_never_the_last(app, login_as, world, make_user):
    second = make_user("trust_admin", world.a2, email="second@a.example")
    trust = login_as("trust_admin")
    assert "was deactivated" in _set_active(trust, world.a2.id, second.id, "deactivate").get_data(
        as_text=True
    )
    with app.app_context():
        last = db.session.get_one(User, world.users["trust_admin"].id)
        outsider = db.session.get_one(User, world.users["other_trust_admin"].id)
        outsider.role = "trust_admin"  # of trust B: the service refuses whoever asks
        with pytest.raises(services.ChangeRefused, match="last active trust administrator"):
            services.set_active(last, False, actor=outsider, ip_address=None)
        assert db.session.get_one(User, last.id).active is True


def test_may_act_on_follows_the_ranks():
    class P:
        def __init__(self, role):
            self.role = role

    order = ["staff", "dsl", "school_admin", "trust_admin"]
    assert sorted(RANKS, key=RANKS.__getitem__) == order
    for i, actor in enumerate(order):
        for j, person in enumerate(order):
            assert may_act_on(P(actor), P(person)) is (i >= j)
    assert not may_act_on(P("owner"), P("staff"))
    assert not may_act_on(P("trust_admin"), P("owner"))
