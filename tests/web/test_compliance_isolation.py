"""No page or export of one school shows or changes another school's people or records."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from, mentions
from tests.helpers.compliance import add_completion
from training_app.compliance.models import Exemption
from training_app.extensions import db
from training_app.learning.models import Completion


@pytest.fixture
def b1_rows(app, world):
    """A completion and an exemption of the staff member at school B1."""
    person = world.users["b1_staff"]
    record = add_completion(app, person, days_ago=5)
    with app.app_context():
        exemption = Exemption(
            user_id=person.id,
            school_id=person.school_id,
            module_id="first-responder",
            reason="Leave",
        )
        db.session.add(exemption)
        db.session.commit()
        return record.id, exemption.id, person.id


@pytest.mark.parametrize("role", ["staff", "dsl", "school_admin", "trust_admin"])
def test_trust_a_cannot_reach_school_b_records(app, login_as, world, b1_rows, role):
    record_id, exemption_id, person_id = b1_rows
    client = login_as(role)
    token = csrf_from(client, "/account/forgot-password")
    for path in (
        f"/training-records/{record_id}/certificate",
        f"/training-records/{record_id}/certificate.pdf",
        f"/training-records/{record_id}/void",
        f"/exemptions/{exemption_id}/revoke",
    ):
        assert client.get(path).status_code == 404, path
    for path in (f"/training-records/{record_id}/void", f"/exemptions/{exemption_id}/revoke"):
        assert client.post(path, data={"csrf_token": token, "reason": "Hijack!"}).status_code == 404
    for path in (
        f"/people/{person_id}/training",
        f"/people/{person_id}/training/external",
        f"/people/{person_id}/training/exemptions/new",
    ):
        assert client.get(path).status_code == 403, path
    response = client.post(
        f"/people/{person_id}/training/external",
        data={
            "csrf_token": token,
            "module": "first-responder",
            "completed_on": "2026-01-05",
            "evidence_note": "x",
        },
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 1
        assert db.session.scalar(select(func.count()).select_from(Exemption)) == 1


def test_the_owner_school_can_reach_them(login_as, b1_rows):
    record_id, exemption_id, person_id = b1_rows
    admin = login_as("other_trust_admin")
    assert admin.get(f"/training-records/{record_id}/certificate").status_code == 200
    assert admin.get(f"/exemptions/{exemption_id}/revoke").status_code == 200
    assert admin.get(f"/people/{person_id}/training").status_code == 200


def test_a_person_cannot_open_a_colleagues_certificate(app, login_as, world):
    record = add_completion(app, world.users["dsl"], days_ago=5)
    assert login_as("staff").get(f"/training-records/{record.id}/certificate").status_code == 404
    assert login_as("dsl").get(f"/training-records/{record.id}/certificate").status_code == 200


def test_dashboards_and_exports_of_a1_never_show_other_schools(app, login_as, world, b1_rows):
    client = login_as("trust_admin")
    for path in (
        f"/schools/{world.a1.id}/compliance",
        f"/schools/{world.a1.id}/compliance/report.csv",
        f"/schools/{world.a1.id}/compliance/summary.csv?year=2026",
        f"/trusts/{world.a1.trust_id}/compliance",
        f"/trusts/{world.a1.trust_id}/compliance/report.csv",
    ):
        body = client.get(path).get_data(as_text=True)
        assert "b1.example" not in body and not mentions(body, "B1"), path
    a1_only = client.get(f"/schools/{world.a1.id}/compliance/report.csv").get_data(as_text=True)
    assert "a2.example" not in a1_only


def test_audit_log_and_its_export_are_per_school(login_as, world):
    login_as("other_trust_admin")  # a sign-in at B1, audited at B1
    body = (
        login_as("school_admin")
        .get(f"/schools/{world.a1.id}/audit/export.csv")
        .get_data(as_text=True)
    )
    assert "admin@b1.example" not in body and "admin@a1.example" in body
