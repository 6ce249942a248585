"""Nobody rewrites the training record of a person who outranks them: a school admin reads
their trust admin's record but cannot add to it, exempt them, void or end anything on it."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import post_form
from tests.helpers.compliance import add_completion
from training_app.auth.models import User
from training_app.compliance import services
from training_app.compliance.models import Exemption
from training_app.extensions import db
from training_app.learning.models import Completion


def _exempt_trust_admin(app, world) -> int:
    with app.app_context():
        trust_admin = db.session.get_one(User, world.users["trust_admin"].id)
        exemption = services.add_exemption(
            trust_admin,
            module_id="first-responder",
            reason="On secondment",
            ends_on=None,
            actor=trust_admin,
            ip_address=None,
        )
        return exemption.id


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        completions = db.session.scalar(select(func.count()).select_from(Completion))
        exemptions = db.session.scalar(select(func.count()).select_from(Exemption))
        return completions or 0, exemptions or 0


def test_school_admin_reads_but_cannot_change_their_trust_admins_record(app, login_as, world):
    trust_admin = world.users["trust_admin"]
    record = add_completion(app, trust_admin, days_ago=10)
    exemption_id = _exempt_trust_admin(app, world)
    before = _counts(app)
    admin = login_as("school_admin")
    page = admin.get(f"/people/{trust_admin.id}/training").get_data(as_text=True)
    assert "outranks you" in page
    assert "Record training done elsewhere" not in page and ">Void<" not in page

    assert admin.get(f"/people/{trust_admin.id}/training/external").status_code == 403
    assert admin.get(f"/people/{trust_admin.id}/training/exemptions/new").status_code == 403
    assert admin.get(f"/training-records/{record.id}/void").status_code == 403
    assert admin.get(f"/exemptions/{exemption_id}/revoke").status_code == 403
    token_page = f"/people/{trust_admin.id}/training"
    attempts = [
        (f"/people/{trust_admin.id}/training/external",
         {"module": "first-responder", "completed_on": "2026-11-01", "evidence_note": "Course"}),
        (f"/people/{trust_admin.id}/training/exemptions/new",
         {"module": "first-responder", "reason": "Leave", "ends_on": ""}),
        (f"/training-records/{record.id}/void", {"reason": "Wrong person"}),
        (f"/exemptions/{exemption_id}/revoke", {"reason": "Back"}),
    ]  # fmt: skip
    for url, fields in attempts:
        assert post_form(admin, url, fields, token_from=token_page).status_code == 403, url
    assert _counts(app) == before


def test_a_trust_admin_still_corrects_a_school_admins_record(app, login_as, world):
    school_admin = world.users["school_admin"]
    record = add_completion(app, school_admin, days_ago=10)
    trust = login_as("trust_admin")
    page = trust.get(f"/people/{school_admin.id}/training").get_data(as_text=True)
    assert "Record training done elsewhere" in page and "outranks you" not in page
    url = f"/training-records/{record.id}/void"
    assert post_form(trust, url, {"reason": "Entered twice"}).status_code == 302
    assert _counts(app)[0] == 2  # the original and its void


def test_a_school_admin_still_corrects_staff_and_dsl_records(app, login_as, world):
    admin = login_as("school_admin")
    for role in ("staff", "dsl"):
        person = world.users[role]
        page = admin.get(f"/people/{person.id}/training").get_data(as_text=True)
        assert "Record training done elsewhere" in page, role
