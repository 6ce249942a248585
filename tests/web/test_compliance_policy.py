"""Editing the training policy and the local protocol: audited, applied from the moment they
are made (records never rewritten), and what policy and role changes do to statuses."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import post_form
from tests.helpers.compliance import HEADER, add_completion, commit, preview_url, set_policy, upload
from training_app.admin.models import SchoolProtocol
from training_app.audit.models import AuditEvent
from training_app.compliance.policy import ROLE_KEYS, Requirement, TrainingPolicy
from training_app.compliance.reports import person_lines
from training_app.compliance.status import DUE_SOON, OVERDUE, uk_today
from training_app.extensions import db
from training_app.learning.models import Completion

ALL = ",".join(ROLE_KEYS)


def policy_form(**modules):
    """Form data: module id -> (roles, groups, months); others left unticked."""
    data = {"due_soon_days": "14", "induction_days": "20", "onboarding_days": "0"}
    for module_id, (roles, groups, months) in modules.items():
        data[f"roles_{module_id}"] = roles
        data[f"groups_{module_id}"] = groups
        data[f"renewal_{module_id}"] = str(months)
    return data


def statuses(app, user):
    with app.app_context():
        return {
            line.status.module_id: line.status for line in person_lines(user.id, user.school_id)
        }


def test_policy_page_lists_planned_and_published_modules(login_as, world):
    body = (
        login_as("school_admin")
        .get(f"/schools/{world.a1.id}/compliance/policy")
        .get_data(as_text=True)
    )
    for title in ("First responder", "The law and Outcome 21", "The DSL decision walkthrough"):
        assert title in body
    assert 'name="roles_first-responder"' in body and 'name="renewal_dsl-walkthrough"' in body
    assert re.search(r'value="dsl"[^>]*checked|checked[^>]*value="dsl"', body)


def test_saving_a_policy_is_audited_and_applies_at_once_without_rewriting_records(
    app, login_as, world
):
    staff = world.users["staff"]
    record = add_completion(app, staff, "first-responder", days_ago=200)
    assert statuses(app, staff)["first-responder"].valid_until is not None
    client = login_as("school_admin")
    url = f"/schools/{world.a1.id}/compliance/policy"
    data = policy_form(
        **{
            "first-responder": (list(ROLE_KEYS), [], 6),
            "parent-conversations": (["dsl"], ["teaching"], 24),
        }
    )
    response = post_form(client, url, data)
    assert response.status_code == 302
    assert "applies from now" in client.get(url).get_data(as_text=True)
    after = statuses(app, staff)
    assert after["first-responder"].state == OVERDUE  # 200 days > 6 months, at once
    assert set(after) == {"first-responder", "parent-conversations"}
    # A module newly required of the teaching group: an induction period from today.
    assert after["parent-conversations"].due == uk_today() + timedelta(days=20)
    with app.app_context():
        stored = db.session.get(Completion, record.id)
        assert stored.expires_at == record.expires_at  # not rewritten
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "policy.training_changed")
        )
        assert event.before["due_soon_days"] == 30 and event.after["due_soon_days"] == 14
        assert {r["module"] for r in event.before["requirements"]} >= {"law-and-outcome-21"}
        assert {r["module"] for r in event.after["requirements"]} == {
            "first-responder",
            "parent-conversations",
        }
    # Saving the same again changes nothing and records nothing.
    post_form(client, url, data)
    with app.app_context():
        assert (
            len(
                db.session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "policy.training_changed")
                ).all()
            )
            == 1
        )


def test_policy_form_validates(login_as, world):
    client = login_as("school_admin")
    url = f"/schools/{world.a1.id}/compliance/policy"
    data = policy_form(**{"first-responder": (["staff"], [], 12)})
    data.update(due_soon_days="0", induction_days="")
    body = post_form(client, url, data).get_data(as_text=True)
    assert "Enter a number from 1 to 90." in body and "Enter a number of days." in body
    data = policy_form(**{"first-responder": (["owner"], [], 7)})
    body = post_form(client, url, data).get_data(as_text=True)
    assert "There is a problem" in body


def test_a_requirement_added_later_is_due_after_the_induction_period(app, world, make_user):
    veteran = make_user(
        "staff", world.a1, email="vet@a1.example", start_date=uk_today() - timedelta(days=900)
    )
    fr_only = TrainingPolicy((Requirement("first-responder", frozenset(ROLE_KEYS)),))
    both = TrainingPolicy(
        (
            Requirement("first-responder", frozenset(ROLE_KEYS)),
            Requirement("law-and-outcome-21", frozenset(ROLE_KEYS)),
        )
    )
    set_policy(app, world.a1.id, fr_only, days_ago=600)
    set_policy(app, world.a1.id, both, days_ago=5)
    found = statuses(app, veteran)
    assert found["first-responder"].state == OVERDUE  # required all along, never done
    assert found["law-and-outcome-21"].due == uk_today() + timedelta(days=23)
    assert found["law-and-outcome-21"].state == DUE_SOON


def test_promotion_to_dsl_gives_an_induction_period_for_the_dsl_modules(
    app, login_as, world, make_user
):
    veteran = make_user(
        "staff",
        world.a1,
        email="vet@a1.example",
        name="Val Veteran",
        start_date=uk_today() - timedelta(days=900),
    )
    add_completion(app, veteran, "first-responder", days_ago=100)
    before = statuses(app, veteran)
    assert "dsl-walkthrough" not in before
    client = login_as("school_admin")
    text = HEADER + "Val Veteran,vet@a1.example,DSL,Teaching,\n"
    commit(client, preview_url(upload(client, world.a1.id, text)))
    after = statuses(app, veteran)
    assert after["first-responder"] == before["first-responder"]
    assert after["dsl-walkthrough"].due == uk_today() + timedelta(days=28)
    assert after["dsl-walkthrough"].state in (DUE_SOON, "unavailable")


def test_protocol_page_explains_each_choice_and_saves_with_an_audit(app, login_as, world):
    client = login_as("school_admin")
    url = f"/schools/{world.a1.id}/compliance/protocol"
    body = client.get(url).get_data(as_text=True)
    assert "The sources disagree" in body and "flight mode" in body
    links = set(re.findall(r'class="citation" href="([^"]+)"', body))
    assert len(links) >= 6
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    data = {
        "edition": "group-policy-2016",
        "under_13_referral": "sexual_acts",
        "device_power": "power_off",
        "viewing_rule": "appx8",
        "police_threshold": "dorset",
        "police_contact": "  PC Jo Patel,   safer schools officer ",
        "social_care_contact": "",
    }
    assert post_form(client, url, data).status_code == 302
    with app.app_context():
        row = db.session.get(SchoolProtocol, world.a1.id)
        assert row.settings["device_power"] == "power_off"
        assert row.settings["police_contact"] == "PC Jo Patel, safer schools officer"
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "policy.protocol_changed")
        )
        assert (
            event.before["device_power"] == "flight_mode" and event.after["viewing_rule"] == "appx8"
        )
    bad = post_form(client, url, {**data, "device_power": "smash_it", "police_contact": "x" * 201})
    text = bad.get_data(as_text=True)
    assert "Not a valid choice" in text and "There is a problem" in text
