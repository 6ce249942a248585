"""Fuzz the compliance forms: the training policy, the local protocol, external training,
exemptions, voids and revocations; then the pages and exports that show what was stored."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.web.fuzz import (
    DATE_PROBES,
    FORMULAS,
    MARKUP,
    assert_csv_safe,
    assert_shown_escaped,
    check,
    choice_lists,
    choice_values,
    date_values,
    fuzz,
    int_values,
    post,
    probes,
    stored_text,
    text_values,
)
from training_app.admin.protocols import school_protocol
from training_app.auth.models import ROLES, STAFF_GROUPS, User
from training_app.compliance import services
from training_app.compliance.models import Exemption
from training_app.compliance.policy import RENEWAL_CHOICES
from training_app.extensions import db
from training_app.learning.models import Completion
from training_app.rules.protocol import (
    DEVICE_POWER_CHOICES,
    EDITION_CHOICES,
    POLICE_THRESHOLD_CHOICES,
    UNDER_13_REFERRAL_CHOICES,
    VIEWING_RULE_CHOICES,
)

MODULES = ["first-responder", "law-and-outcome-21", "dsl-walkthrough", "parent-conversations"]
REQUIRED = ["first-responder", "law-and-outcome-21"]  # of a member of staff, by default


def _person_page(client, person_id, *, dashboard=False, world=None) -> str:
    """The person's record page (where every value these forms store is shown), checked;
    with `dashboard`, the school's dashboard too (for changes to dates and statuses)."""
    response = client.get(f"/people/{person_id}/training")
    assert response.status_code == 200
    body = check(response, {200}, form_again=False)
    if dashboard:
        check(client.get(f"/schools/{world.a1.id}/compliance"), {200}, form_again=False)
    return body


def _valid_policy() -> st.SearchStrategy[dict[str, object]]:
    fields: dict[str, st.SearchStrategy[object]] = {
        "due_soon_days": st.integers(1, 90).map(str),
        "induction_days": st.integers(1, 180).map(str),
        "onboarding_days": st.integers(0, 180).map(str),
    }
    for module in MODULES:
        fields[f"roles_{module}"] = st.lists(st.sampled_from(list(ROLES)), unique=True)
        fields[f"groups_{module}"] = st.lists(st.sampled_from(list(STAFF_GROUPS)), unique=True)
        fields[f"renewal_{module}"] = st.sampled_from([str(n) for n in RENEWAL_CHOICES])
    return st.fixed_dictionaries(fields)


_POLICY_FIELDS = sorted(
    ["due_soon_days", "induction_days", "onboarding_days"]
    + [f"{kind}_{module}" for kind in ("roles", "groups", "renewal") for module in MODULES]
)


@fuzz(10)
@given(
    policy=_valid_policy(),
    # A valid policy with a few fields replaced by anything at all (or none: it is saved).
    hostile=st.dictionaries(
        st.sampled_from(_POLICY_FIELDS),
        st.one_of(int_values(), choice_lists(list(ROLES) + list(STAFF_GROUPS))),
        max_size=3,
    ),
    extra=st.dictionaries(st.text(max_size=20), text_values(), max_size=2),
)
def test_policy(app, signed_in, world, policy, hostile, extra):
    client, csrf = signed_in("school_admin")
    url = f"/schools/{world.a1.id}/compliance/policy"
    response = post(client, url, {**extra, **policy, **hostile}, csrf)
    check(response, {200, 302})
    if response.status_code == 302:
        # The new policy applies at once: every status page still works with it.
        check(client.get(url), {200}, form_again=False)
        _person_page(client, world.users["staff"].id, dashboard=True, world=world)


@fuzz(10)
@probes(
    "police",
    "care",
    device="power_off",
    viewing="appx8",
    threshold="dorset",
    edition="ukcis-2024",
    under_13="always",
)
@probes(
    "edition",
    "under_13",
    device="power_off",
    viewing="appx8",
    threshold="dorset",
    police="",
    care="",
)
@given(
    edition=choice_values(EDITION_CHOICES),
    under_13=choice_values(UNDER_13_REFERRAL_CHOICES),
    device=choice_values(DEVICE_POWER_CHOICES),
    viewing=choice_values(VIEWING_RULE_CHOICES),
    threshold=choice_values(POLICE_THRESHOLD_CHOICES),
    police=st.one_of(stored_text(), text_values()),
    care=st.one_of(stored_text(), text_values()),
)
def test_protocol(
    app, signed_in, world, edition, under_13, device, viewing, threshold, police, care
):
    client, csrf = signed_in("school_admin")
    url = f"/schools/{world.a1.id}/compliance/protocol"
    fields = {
        "edition": edition,
        "under_13_referral": under_13,
        "device_power": device,
        "viewing_rule": viewing,
        "police_threshold": threshold,
        "police_contact": police,
        "social_care_contact": care,
    }
    response = post(client, url, fields, csrf)
    check(response, {200, 302})
    if response.status_code == 302:
        with app.app_context():
            saved = school_protocol(world.a1.id)
        page = client.get(url).get_data(as_text=True)
        for contact in (saved.police_contact, saved.social_care_contact):
            assert_shown_escaped(page, contact)


@fuzz(12)
@probes("note", module="first-responder", completed_on="2025-09-01")
@probes("completed_on", values=DATE_PROBES, module="law-and-outcome-21", note="Course")
@given(
    module=choice_values(MODULES),
    completed_on=date_values(),
    note=st.one_of(stored_text(), text_values()),
)
def test_record_external_training(app, signed_in, world, module, completed_on, note):
    client, csrf = signed_in("school_admin")
    person = world.users["staff"].id
    fields = {"module": module, "completed_on": completed_on, "evidence_note": note}
    response = post(client, f"/people/{person}/training/external", fields, csrf)
    check(response, {200, 302})
    if response.status_code != 302:
        return
    with app.app_context():
        record = db.session.scalars(select(Completion).order_by(Completion.id.desc())).first()
        record_id, stored = record.id, record.evidence_note
    assert_shown_escaped(_person_page(client, person, dashboard=True, world=world), stored)
    check(client.get(f"/training-records/{record_id}/certificate"), {200}, form_again=False)


@fuzz(12)
@probes("reason", module="first-responder", ends_on="")
@probes("ends_on", values=DATE_PROBES, module="law-and-outcome-21", reason="On long-term leave")
@given(
    module=choice_values(REQUIRED),
    reason=st.one_of(stored_text(), text_values()),
    ends_on=st.one_of(st.just(""), date_values()),
)
def test_exemption(app, signed_in, world, module, reason, ends_on):
    client, csrf = signed_in("school_admin")
    person = world.users["staff"].id
    fields = {"module": module, "reason": reason, "ends_on": ends_on}
    response = post(client, f"/people/{person}/training/exemptions/new", fields, csrf)
    check(response, {200, 302})
    if response.status_code != 302:
        return
    with app.app_context():
        stored = db.session.scalars(select(Exemption).order_by(Exemption.id.desc())).first().reason
    assert_shown_escaped(_person_page(client, person, dashboard=True, world=world), stored)


def _new_record(app, world) -> int:
    with app.app_context():
        person = db.session.get(User, world.users["staff"].id)
        admin = db.session.get(User, world.users["school_admin"].id)
        record = services.record_external(
            person,
            module_id="first-responder",
            completed_on=date(2025, 9, 1),
            evidence_note="Local authority course",
            actor=admin,
            ip_address=None,
        )
        return record.id


def _new_exemption(app, world) -> int:
    with app.app_context():
        person = db.session.get(User, world.users["staff"].id)
        admin = db.session.get(User, world.users["school_admin"].id)
        exemption = services.add_exemption(
            person,
            module_id="law-and-outcome-21",
            reason="On long-term leave",
            ends_on=None,
            actor=admin,
            ip_address=None,
        )
        return exemption.id


@fuzz(8)
@probes("reason", kind="void")
@probes("reason", kind="revoke")
@given(kind=st.sampled_from(["void", "revoke"]), reason=st.one_of(stored_text(), text_values()))
def test_void_and_revoke(app, signed_in, world, kind, reason):
    client, csrf = signed_in("school_admin")
    if kind == "void":
        url = f"/training-records/{_new_record(app, world)}/void"
    else:
        url = f"/exemptions/{_new_exemption(app, world)}/revoke"
    response = post(client, url, {"reason": reason}, csrf)
    check(response, {200, 302})
    if response.status_code != 302:
        return
    with app.app_context():
        model = Completion if kind == "void" else Exemption
        stored = db.session.scalars(select(model).order_by(model.id.desc())).first().reason
    assert_shown_escaped(_person_page(client, world.users["staff"].id), stored)


def test_a_hostile_name_on_certificates_and_exports(app, signed_in, world):
    """A name that is markup and a formula at once, with the oldest date the forms accept:
    escaped on the certificate and verification pages, drawn in the PDF, inert in CSVs."""
    admin, csrf = signed_in("school_admin")
    name = f"{FORMULAS[0]} {MARKUP[0]} Zoë 😀 \u202eevil"
    person = {
        "name": name,
        "email": "hostile@fuzz.example",
        "role": "staff",
        "staff_group": "teaching",
        "start_date": "1900-01-01",
    }
    assert post(admin, f"/schools/{world.a1.id}/people/new", person, csrf).status_code == 302
    with app.app_context():
        person_id = db.session.scalar(select(User.id).where(User.email == person["email"]))
    record = {"module": "first-responder", "completed_on": "1900-01-01", "evidence_note": MARKUP[1]}
    response = post(admin, f"/people/{person_id}/training/external", record, csrf)
    assert response.status_code == 302
    with app.app_context():
        found = db.session.scalars(select(Completion).where(Completion.user_id == person_id)).one()
        record_id, code = found.id, found.verification_code
    assert_shown_escaped(_person_page(admin, person_id, dashboard=True, world=world), name)
    for url in (f"/training-records/{record_id}/certificate", f"/verify/{code}"):
        assert_shown_escaped(check(admin.get(url), {200}, form_again=False), name)
    pdf = admin.get(f"/training-records/{record_id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    rows = assert_csv_safe(
        admin.get(f"/schools/{world.a1.id}/compliance/report.csv").get_data(True)
    )
    assert any(cell == "'" + name for row in rows for cell in row)
    assert_csv_safe(admin.get(f"/schools/{world.a1.id}/audit/export.csv").get_data(True))
    assert_shown_escaped(admin.get(f"/schools/{world.a1.id}/audit").get_data(True), name)


def test_protocol_contacts_in_training_content_are_escaped(app, signed_in, world):
    """The local contacts are substituted into module pages that are rendered as HTML."""
    admin, csrf = signed_in("school_admin")
    contact = f"PC {MARKUP[1]} {{{{7*7}}}} [x](javascript:alert(1)) **bold**"
    fields = {
        "edition": "group-policy-2016",
        "under_13_referral": "sexual_acts",
        "device_power": "flight_mode",
        "viewing_rule": "ukccis",
        "police_threshold": "ukccis",
        "police_contact": contact,
        "social_care_contact": MARKUP[0],
    }
    url = f"/schools/{world.a1.id}/compliance/protocol"
    assert post(admin, url, fields, csrf).status_code == 302
    staff, staff_csrf = signed_in("staff")
    response = post(staff, "/learn/law-and-outcome-21/start", {}, staff_csrf)
    assert response.status_code == 302
    base = response.headers["Location"].rsplit("/pages/", 1)[0]
    # Page 4 of the module (page 1 is its overview) says how the police are contacted.
    body = check(staff.get(f"{base}/pages/4"), {200}, form_again=False)
    assert "When the police are told" in body
    # Escaped text, never Markdown: no link, no bold, the braces left as typed.
    assert_shown_escaped(body, contact)
    assert 'href="javascript:' not in body
    assert "<strong>bold</strong>" not in body
