"""Nobody certifies or exempts themselves: a second admin or the school's DSL confirms it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import post_form
from training_app.audit.models import AuditEvent
from training_app.compliance import reports
from training_app.compliance.models import Exemption
from training_app.compliance.status import uk_today
from training_app.extensions import db
from training_app.learning.models import Completion

MODULE = "first-responder"


def _done(app, person) -> bool:
    with app.app_context():
        lines = reports.person_lines(person.id, person.school_id)
        (line,) = [line for line in lines if line.status.module_id == MODULE]
        return line.status.done is not None


def _exempt(app, person) -> bool:
    with app.app_context():
        lines = reports.person_lines(person.id, person.school_id)
        (line,) = [line for line in lines if line.status.module_id == MODULE]
        return line.status.exemption is not None


def _record_own_training(client, admin):
    day = uk_today() - timedelta(days=10)
    response = post_form(
        client,
        f"/people/{admin.id}/training/external",
        {"module": MODULE, "completed_on": day.isoformat(), "evidence_note": "My own course"},
        follow_redirects=True,
    )
    assert "counts once another administrator or your DSL confirms it" in response.get_data(
        as_text=True
    )


def test_own_training_waits_for_the_dsl_and_is_not_called_genuine(app, login_as, world, client):
    admin = world.users["school_admin"]
    admin_client = login_as("school_admin")
    _record_own_training(admin_client, admin)
    assert not _done(app, admin)
    with app.app_context():
        own = db.session.scalar(select(Completion))
    body = client.get(f"/verify/{own.verification_code}").get_data(as_text=True)
    assert "Not confirmed" in body and "genuine" not in body
    # The admin cannot confirm it themselves, nor see it as waiting for them.
    dashboard = admin_client.get(f"/schools/{world.a1.id}/compliance").get_data(as_text=True)
    assert "Waiting for a second person" not in dashboard
    confirm = f"/training-records/{own.id}/confirm"
    token_page = f"/schools/{world.a1.id}/compliance"
    assert post_form(admin_client, confirm, {}, token_from=token_page).status_code == 403
    assert (
        post_form(login_as("staff"), confirm, {}, token_from="/account/password").status_code == 404
    )
    assert not _done(app, admin)

    dsl = login_as("dsl")
    dashboard = dsl.get(token_page).get_data(as_text=True)
    assert "Waiting for a second person" in dashboard and admin.name in dashboard
    response = post_form(dsl, confirm, {}, token_from=token_page, follow_redirects=True)
    assert "training record is confirmed and now counts" in response.get_data(as_text=True)
    assert _done(app, admin)
    with app.app_context():
        rows = db.session.scalars(select(Completion).order_by(Completion.id)).all()
        assert [(r.source, r.recorded_by_id, r.voids_id) for r in rows] == [
            ("external", admin.id, None),
            ("external", world.users["dsl"].id, None),
            ("void", world.users["dsl"].id, own.id),
        ]
        confirmed = rows[1]
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "compliance.record_confirmed")
        ).all()
        assert event.actor_id == world.users["dsl"].id
    body = client.get(f"/verify/{confirmed.verification_code}").get_data(as_text=True)
    assert "Valid" in body and "genuine record" in body
    assert "Voided" in client.get(f"/verify/{own.verification_code}").get_data(as_text=True)
    # Confirming twice does nothing more.
    post_form(dsl, confirm, {}, token_from=token_page)
    with app.app_context():
        assert len(db.session.scalars(select(Completion)).all()) == 3


def test_own_exemption_waits_for_a_second_admin(app, login_as, world, make_user):
    admin = world.users["school_admin"]
    admin_client = login_as("school_admin")
    post_form(
        admin_client,
        f"/people/{admin.id}/training/exemptions/new",
        {"module": MODULE, "reason": "Did it at my last school", "ends_on": ""},
    )
    assert not _exempt(app, admin)
    record_page = admin_client.get(f"/people/{admin.id}/training").get_data(as_text=True)
    assert "Waiting for a second person to confirm it" in record_page
    with app.app_context():
        own = db.session.scalar(select(Exemption))
    trust = login_as("trust_admin")
    page = f"/schools/{world.a1.id}/compliance"
    assert re.search(
        r"exempt from first-responder \(Did it at my last school\)",
        trust.get(page).get_data(as_text=True),
    )
    post_form(trust, f"/exemptions/{own.id}/confirm", {}, token_from=page)
    assert _exempt(app, admin)
    with app.app_context():
        rows = db.session.scalars(select(Exemption).order_by(Exemption.id)).all()
        assert [(r.recorded_by_id, r.revokes_id) for r in rows] == [
            (admin.id, None),
            (world.users["trust_admin"].id, None),
            (world.users["trust_admin"].id, own.id),
        ]


def test_entries_for_someone_else_count_at_once(app, login_as, world):
    staff = world.users["staff"]
    client = login_as("school_admin")
    day = uk_today() - timedelta(days=10)
    post_form(
        client,
        f"/people/{staff.id}/training/external",
        {"module": MODULE, "completed_on": day.isoformat(), "evidence_note": "LA course"},
    )
    assert _done(app, staff)
    page = login_as("dsl").get(f"/schools/{world.a1.id}/compliance").get_data(as_text=True)
    assert "Waiting for a second person" not in page
