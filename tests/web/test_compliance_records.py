"""A person's record: external training, voids and exemptions as new audited records;
certificates (PDF and page) and their public verification."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import post_form
from tests.helpers.compliance import add_completion, add_people, counting_queries, pdf_text
from training_app.audit.models import AuditEvent
from training_app.compliance.models import Exemption
from training_app.compliance.status import uk_date, uk_today
from training_app.extensions import db
from training_app.learning.models import Completion


def events(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_person_sees_own_record_and_admin_sees_theirs(login_as, world):
    staff = world.users["staff"]
    own = login_as("staff").get(f"/people/{staff.id}/training").get_data(as_text=True)
    assert "Your training record" in own and "Record training done elsewhere" not in own
    admin = login_as("school_admin").get(f"/people/{staff.id}/training").get_data(as_text=True)
    assert f"Training record: {staff.name}" in admin and "Record training done elsewhere" in admin
    # The school's DSL sees the dashboard, so may open the record behind it: read-only.
    dsl = login_as("dsl").get(f"/people/{staff.id}/training").get_data(as_text=True)
    assert f"Training record: {staff.name}" in dsl and "Record training done elsewhere" not in dsl


def test_external_training_is_a_new_audited_record_that_counts(app, login_as, world):
    staff = world.users["staff"]
    client = login_as("school_admin")
    url = f"/people/{staff.id}/training/external"
    day = uk_today() - timedelta(days=40)
    response = post_form(
        client,
        url,
        {
            "module": "first-responder",
            "completed_on": day.isoformat(),
            "evidence_note": "LA course",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/people/{staff.id}/training").get_data(as_text=True)
    valid_until = day + timedelta(days=365)
    assert f"Completed, valid until {valid_until.day} {valid_until:%B %Y}" in page
    assert "Elsewhere: LA course" in page
    with app.app_context():
        record = db.session.scalar(select(Completion))
        assert (record.source, record.evidence_note, record.score) == (
            "external",
            "LA course",
            None,
        )
        assert record.recorded_by_id == world.users["school_admin"].id
        assert record.verification_code and len(record.verification_code) >= 22
    (event,) = events(app, "compliance.external_recorded")
    assert (
        event.after["module"] == "first-responder"
        and event.actor_id == world.users["school_admin"].id
    )


def test_external_training_validates(login_as, world):
    client = login_as("school_admin")
    url = f"/people/{world.users['staff'].id}/training/external"
    body = post_form(
        client, url, {"module": "nope", "completed_on": "", "evidence_note": ""}
    ).get_data(as_text=True)
    assert "Not a valid choice" in body and "Enter the date of the training" in body
    assert "Describe the evidence" in body
    future = (uk_today() + timedelta(days=3)).isoformat()
    body = post_form(
        client, url, {"module": "first-responder", "completed_on": future, "evidence_note": "x"}
    ).get_data(as_text=True)
    assert "cannot be in the future" in body


def test_void_adds_a_record_and_leaves_the_original_untouched(app, login_as, world):
    staff = world.users["staff"]
    record = add_completion(app, staff, days_ago=10)
    client = login_as("school_admin")
    home = login_as("staff").get("/").get_data(as_text=True)
    assert "Completed, valid until" in home
    url = f"/training-records/{record.id}/void"
    assert "Give the reason" in post_form(client, url, {"reason": ""}).get_data(as_text=True)
    assert post_form(client, url, {"reason": "Entered for the wrong person"}).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Completion).order_by(Completion.id)).all()
        assert len(rows) == 2
        original, void = rows
        assert (original.source, original.score, original.voids_id) == ("quiz", 90, None)
        assert (void.source, void.voids_id, void.reason) == (
            "void",
            record.id,
            "Entered for the wrong person",
        )
        void_code = void.verification_code
    (event,) = events(app, "compliance.record_voided")
    assert event.before["id"] == record.id and event.after["voids_id"] == record.id
    page = client.get(f"/people/{staff.id}/training").get_data(as_text=True)
    assert "Voided" in page and "Entered for the wrong person" in page
    learner = login_as("staff")
    assert "Completed, valid until" not in learner.get("/").get_data(as_text=True)
    # The module's own page agrees with the compliance record: nothing counts any more.
    overview = learner.get(f"/learn/{record.module_id}").get_data(as_text=True)
    assert "Completed, valid until" not in overview and "Not started" in overview
    # A void is not a certificate: its own code (if the model gave it one) verifies nothing.
    assert client.get(f"/verify/{void_code}").status_code == 404
    again = client.get(url).get_data(as_text=True)
    assert "This record was voided on" in again
    post_form(client, url, {"reason": "Second time"}, token_from=f"/people/{staff.id}/training")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 2


def test_exemption_and_its_end_are_records(app, login_as, world):
    staff = world.users["staff"]
    client = login_as("school_admin")
    url = f"/people/{staff.id}/training/exemptions/new"
    response = post_form(
        client, url, {"module": "first-responder", "reason": "On long-term leave", "ends_on": ""}
    )
    assert response.status_code == 302
    home = login_as("staff").get("/").get_data(as_text=True)
    assert "Exempt" in home and "On long-term leave" in home
    with app.app_context():
        exemption = db.session.scalar(select(Exemption))
    revoke = f"/exemptions/{exemption.id}/revoke"
    assert post_form(client, revoke, {"reason": "Back at work"}).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Exemption).order_by(Exemption.id)).all()
        assert [(r.revokes_id, r.reason) for r in rows] == [
            (None, "On long-term leave"),
            (exemption.id, "Back at work"),
        ]
    assert len(events(app, "compliance.exemption_recorded")) == 1
    assert len(events(app, "compliance.exemption_revoked")) == 1
    home = login_as("staff").get("/").get_data(as_text=True)
    assert "On long-term leave" not in home
    assert "This exemption ended on" in client.get(revoke).get_data(as_text=True)


def test_certificate_pdf_page_and_verification(app, login_as, world, client):
    staff = world.users["staff"]
    record = add_completion(app, staff, days_ago=3, score=95)
    own = login_as("staff")
    page = own.get(f"/training-records/{record.id}/certificate").get_data(as_text=True)
    assert staff.name in page and record.verification_code in page and 'class="qr-code"' in page
    assert 'style="' not in page
    pdf = own.get(f"/training-records/{record.id}/certificate.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert pdf.data.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf.data)
    for expected in (staff.name, "Certificate of completion", "95%", record.verification_code):
        assert expected in text, expected
    assert "/Subtype /Image" in pdf.data.decode("latin-1")  # the QR code

    result = client.get(f"/verify/{record.verification_code}")
    body = result.get_data(as_text=True)
    assert result.status_code == 200 and "Valid" in body and staff.name in body
    assert "First responder" in body and staff.email not in body and "95%" not in body
    (event,) = events(app, "certificate.verified")
    assert event.school_id == world.a1.id and event.actor_id is None


def test_forged_and_voided_codes(app, login_as, world, client):
    record = add_completion(app, world.users["staff"], days_ago=3)
    forged = record.verification_code[:-1] + ("A" if record.verification_code[-1] != "A" else "B")
    response = client.get(f"/verify/{forged}")
    assert response.status_code == 404 and "No certificate found" in response.get_data(as_text=True)
    assert len(events(app, "certificate.verify_failed")) == 1
    admin = login_as("school_admin")
    post_form(admin, f"/training-records/{record.id}/void", {"reason": "Recorded in error"})
    body = client.get(f"/verify/{record.verification_code}").get_data(as_text=True)
    assert "Voided" in body and "does not count" in body
    assert admin.get(f"/training-records/{record.id}/certificate.pdf").status_code == 404


def test_verify_form_redirects_to_the_code(client):
    response = client.get("/verify?code=%20abc123def456%20")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/verify/abc123def456"
    )


def test_expired_certificate_says_so(app, world, client):
    record = add_completion(app, world.users["staff"], days_ago=500)
    body = client.get(f"/verify/{record.verification_code}").get_data(as_text=True)
    assert "Expired" in body and re.search(r"Expired on</dt><dd>\d+ \w+ \d{4}", body)


def test_voiding_the_newest_record_falls_back_to_the_one_before(app, login_as, world):
    staff = world.users["staff"]
    older = add_completion(app, staff, days_ago=300, score=70)
    newer = add_completion(app, staff, days_ago=10, score=99)
    admin = login_as("school_admin")
    post_form(admin, f"/training-records/{newer.id}/void", {"reason": "Someone else's login"})
    home = login_as("staff").get("/").get_data(as_text=True)
    valid_until = uk_date(older.completed_at) + timedelta(days=365)
    assert f"Completed, valid until {valid_until.day} {valid_until:%B %Y}" in home
    page = admin.get(f"/people/{staff.id}/training").get_data(as_text=True)
    assert f'href="/training-records/{older.id}/certificate"' in page
    assert "with 70%" in page


def test_trust_dashboard_makes_no_query_per_person(app, login_as, world):
    client = login_as("trust_admin")
    url = f"/trusts/{world.a1.trust_id}/compliance"
    client.get(url)
    with counting_queries(app) as few:
        client.get(url)
    add_people(app, world.a2, 40)
    with counting_queries(app) as many:
        client.get(url)
    assert len(many) == len(few)
