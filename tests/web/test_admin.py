"""Managing a school's people: add, deactivate (history kept), search, audit."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post_form
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.extensions import db


def test_add_person_and_duplicate_email(login_as, world, app):
    admin = login_as("school_admin")
    url = f"/schools/{world.a1.id}/people/new"
    form = {
        "name": "Jo Bloggs",
        "email": "Jo.Bloggs@A1.example",
        "role": "staff",
        "staff_group": "support",
        "start_date": "2026-09-01",
    }
    response = post_form(admin, url, form)
    assert response.status_code == 302
    listing = admin.get(f"/schools/{world.a1.id}/people").get_data(as_text=True)
    assert "Jo Bloggs" in listing and "jo.bloggs@a1.example" in listing
    assert f'href="/schools/{world.a1.id}/people/import"' in listing  # the bulk route in
    again = post_form(admin, url, form).get_data(as_text=True)
    assert "Someone already has this email address." in again
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "admin.person_added")
        )
        assert event.after["email"] == "jo.bloggs@a1.example"
        assert event.school_id == world.a1.id


def test_add_person_validates_every_field(login_as, world):
    admin = login_as("school_admin")
    body = post_form(
        admin,
        f"/schools/{world.a1.id}/people/new",
        {
            "name": "",
            "email": "not-an-email",
            "role": "owner",
            "staff_group": "teaching",
            "start_date": "31/31/2026",
        },
    ).get_data(as_text=True)
    assert "Enter the person&#39;s full name." in body
    assert "Enter an email address like name@school.org.uk." in body
    assert "Not a valid choice" in body
    assert "Not a valid date value" in body


def test_deactivate_keeps_history_and_signs_the_person_out(login_as, world, app):
    staff_client = login_as("staff")
    admin = login_as("school_admin")
    staff = world.users["staff"]
    url = f"/schools/{world.a1.id}/people/{staff.id}/deactivate"
    assert post_form(admin, url, {}, token_from=f"/schools/{world.a1.id}/people").status_code == 302
    assert staff_client.get("/").status_code == 302  # signed out at once
    with app.app_context():
        row = db.session.get(User, staff.id)
        assert row is not None and row.active is False and row.deactivated_at is not None
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "admin.person_deactivated")
        )
        assert event.before["active"] is True and event.after["active"] is False
    listing = admin.get(f"/schools/{world.a1.id}/people?show=inactive").get_data(as_text=True)
    assert staff.email in listing and "Reactivate" in listing
    post_form(
        admin,
        f"/schools/{world.a1.id}/people/{staff.id}/reactivate",
        {},
        token_from=f"/schools/{world.a1.id}/people",
    )
    with app.app_context():
        assert db.session.get(User, staff.id).active is True


def test_admin_cannot_deactivate_themselves(login_as, world):
    admin = login_as("school_admin")
    me = world.users["school_admin"]
    response = post_form(
        admin,
        f"/schools/{world.a1.id}/people/{me.id}/deactivate",
        {},
        token_from=f"/schools/{world.a1.id}/people",
        follow_redirects=True,
    )
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)


def test_people_search_and_pagination(app, login_as, world, make_user):
    for n in range(7):
        make_user("staff", world.a1, name=f"Zed {n}", email=f"zed{n}@a1.example")
    app.config["PER_PAGE"] = 5
    admin = login_as("school_admin")
    page1 = admin.get(f"/schools/{world.a1.id}/people?q=zed").get_data(as_text=True)
    assert "Showing 1–5 of 7." in page1 and "Next page" in page1
    page2 = admin.get(f"/schools/{world.a1.id}/people?q=zed&page=2").get_data(as_text=True)
    assert "Showing 6–7 of 7." in page2 and "Previous page" in page2
    empty = admin.get(f"/schools/{world.a1.id}/people?q=nobody-here").get_data(as_text=True)
    assert "No one matches" in empty
    assert admin.get(f"/schools/{world.a1.id}/people?page=abc").status_code == 200


def test_audit_log_lists_sign_ins_newest_first(login_as, world):
    admin = login_as("school_admin")
    body = admin.get(f"/schools/{world.a1.id}/audit").get_data(as_text=True)
    assert "auth.signed_in" in body
