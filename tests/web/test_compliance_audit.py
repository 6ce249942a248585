"""The audit log page: filters by kind, words and dates, and a CSV export that is safe to open."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.conftest import post_form
from tests.factories import sign_in
from training_app.compliance.status import uk_today


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
