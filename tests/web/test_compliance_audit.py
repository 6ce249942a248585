"""The audit log page: filters by kind, words and dates, and a CSV export that is safe to open."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import post_form
from tests.factories import sign_in
from training_app.audit.models import AuditEvent
from training_app.audit.services import (
    EXPORT_COLUMNS,
    AuditFilters,
    export_school_events,
    record_event,
)
from training_app.auth.models import User
from training_app.compliance.services import record_export
from training_app.compliance.status import uk_today
from training_app.extensions import db


def rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_filters_and_export(app, login_as, world, make_user):
    make_user("staff", world.a1, name="=cmd|'/C calc'!A0", email="evil@a1.example")
    admin = login_as("school_admin")
    post_form(
        admin,
        f"/schools/{world.a1.id}/people/new",
        {
            "name": "+Plus Person",
            "email": "plus@a1.example",
            "role": "staff",
            "staff_group": "other",
        },
    )
    post_form(
        admin,
        f"/schools/{world.a1.id}/compliance/protocol",
        {
            "edition": "group-policy-2016",
            "under_13_referral": "sexual_acts",
            "device_power": "power_off",
            "viewing_rule": "ukccis",
            "police_threshold": "ukccis",
        },
    )
    url = f"/schools/{world.a1.id}/audit"
    everything = admin.get(url).get_data(as_text=True)
    assert "auth.signed_in" in everything and "admin.person_added" in everything
    assert "Before and after" in everything
    policy = admin.get(url + "?category=policy.").get_data(as_text=True)
    assert "policy.protocol_changed" in policy and "auth.signed_in" not in policy
    found = admin.get(url + "?q=plus").get_data(as_text=True)
    assert "Added +Plus Person" in found and "auth.signed_in" not in found
    tomorrow = (uk_today() + timedelta(days=2)).isoformat()
    later = admin.get(url + f"?since={tomorrow}").get_data(as_text=True)
    assert "No events match these filters." in later
    assert f'href="/schools/{world.a1.id}/audit/export.csv?category=policy.' in policy

    exported = admin.get(f"/schools/{world.a1.id}/audit/export.csv?q=plus")
    assert exported.mimetype == "text/csv"
    table = rows(exported)
    assert table[0] == [
        "When (UTC)",
        "Who",
        "Who (email)",
        "Action",
        "Target",
        "Summary",
        "Before",
        "After",
        "IP address",
    ]
    (added,) = [r for r in table if r[3] == "admin.person_added"]
    assert added[5] == "Added +Plus Person" and '"email": "plus@a1.example"' in added[7]
    assert added[2] == "admin@a1.example"
    sign_in(app.test_client(), "evil@a1.example")
    everyone = rows(admin.get(f"/schools/{world.a1.id}/audit/export.csv"))
    assert ["'=cmd|'/C calc'!A0", "evil@a1.example", "auth.signed_in"] in [r[1:4] for r in everyone]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in everyone for cell in row)
    # Downloading the log is itself audited.
    assert "admin.audit_exported" in admin.get(url).get_data(as_text=True)


def test_bad_filter_values_are_ignored(login_as, world):
    admin = login_as("school_admin")
    response = admin.get(f"/schools/{world.a1.id}/audit?category=nope&since=31-12-2026&page=x")
    assert response.status_code == 200 and "auth.signed_in" in response.get_data(as_text=True)


def test_export_services_audit_the_download_in_their_own_transaction(app, world):
    admin_id, trust_admin_id = world.users["school_admin"].id, world.users["trust_admin"].id
    with app.app_context():
        record_event(
            "auth.signed_in", actor=None, school_id=world.a1.id, summary="=SUM(A1)", ip_address="1"
        )
        db.session.commit()
        admin = db.session.get(User, admin_id)
        filters = AuditFilters(category="auth.", q="SUM")
        rows = export_school_events(world.a1.id, filters, actor=admin, ip_address="10.0.0.9")
        assert [(r[1], r[3], r[5]) for r in rows] == [
            ("System or anonymous", "auth.signed_in", "=SUM(A1)")
        ]
        assert len(EXPORT_COLUMNS) == len(rows[0])
        record_export(
            "trust training report",
            7,
            actor=db.session.get(User, trust_admin_id),
            school_id=None,
            trust_id=world.a1.trust_id,
            ip_address="10.0.0.8",
        )
    with app.app_context():  # committed: a fresh session sees both events
        events = {
            e.action: e
            for e in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action.in_(["admin.audit_exported", "compliance.exported"])
                )
            )
        }
        audit_export, report_export = events["admin.audit_exported"], events["compliance.exported"]
        assert (audit_export.actor_id, audit_export.ip_address) == (admin_id, "10.0.0.9")
        assert audit_export.summary == "Downloaded the audit log (1 events)"
        assert audit_export.after == filters.as_args()
        assert (report_export.trust_id, report_export.target_type) == (world.a1.trust_id, "trust")
        assert report_export.summary == "Downloaded the trust training report (7 rows)"
