"""Fuzz adding people (and deactivating them): names, emails, roles and start dates."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.web.fuzz import (
    DATE_PROBES,
    assert_csv_safe,
    assert_shown_escaped,
    check,
    choice_values,
    date_values,
    email_values,
    encode_form,
    fuzz,
    post,
    probes,
    stored_text,
    text_values,
)
from training_app.auth.models import ROLES, STAFF_GROUPS, User
from training_app.csv_files import FORMULA_STARTS
from training_app.extensions import db

_unique = itertools.count(1)


def _new_email() -> str:
    return f"fuzz{next(_unique)}@fuzz.example"


@fuzz(12)
@probes("name", email=None, role="staff", group="teaching", start="")
@probes("start", values=DATE_PROBES, name="Dee Date", email=None, role="dsl", group="support")
@given(
    name=st.one_of(stored_text(), text_values()),
    email=st.one_of(st.none(), email_values()),
    role=choice_values(list(ROLES)),
    group=choice_values(list(STAFF_GROUPS)),
    start=st.one_of(st.just(""), date_values()),
)
def test_add_person(app, signed_in, world, name, email, role, group, start):
    client, csrf = signed_in("school_admin")
    school = world.a1.id
    fields = {
        "name": name,
        "email": _new_email() if email is None else email,
        "role": role,
        "staff_group": group,
        "start_date": start,
    }
    response = post(client, f"/schools/{school}/people/new", fields, csrf)
    check(response, {200, 302})
    if response.status_code != 302:
        return
    with app.app_context():
        person = db.session.scalars(select(User).order_by(User.id.desc())).first()
        stored_name, person_id = person.name, person.id
    # Their record shows the name; a name that could be markup or a formula is also checked
    # in the audit log, the dashboard and the CSV export (the whole round costs 4 pages).
    pages = [f"/people/{person_id}/training"]
    if set(stored_name) & set("<>&\"'") or stored_name.startswith(FORMULA_STARTS):
        pages += [f"/schools/{school}/audit", f"/schools/{school}/compliance"]
        report = client.get(f"/schools/{school}/compliance/report.csv")
        assert report.status_code == 200
        assert_csv_safe(report.get_data(as_text=True))
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert_shown_escaped(page.get_data(as_text=True), stored_name)


@fuzz(10)
@given(
    action=st.sampled_from(["deactivate", "reactivate"]),
    who=st.sampled_from(["staff", "dsl", "school_admin", "a2_staff"]),
    show=text_values(),
    confirm=st.one_of(st.none(), text_values()),
)
def test_deactivate_and_reactivate(app, signed_in, world, action, who, show, confirm):
    client, csrf = signed_in("school_admin")
    person = world.users[who].id
    url = f"/schools/{world.a1.id}/people/{person}/{action}"
    query = encode_form({"show": show}).decode()
    response = post(client, f"{url}?{query}", {"submit": confirm}, csrf)
    # Another school's person is not found; everyone else is redirected to the list.
    check(response, {302, 404} if who == "a2_staff" else {302})
