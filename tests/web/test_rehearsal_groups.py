"""Group rehearsals: one case for colleagues at one school, and their results side by side."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import csrf_from
from tests.factories import sign_in
from tests.helpers.rehearsal import finish
from training_app.admin.models import SchoolProtocol
from training_app.extensions import db
from training_app.rehearsal.models import Rehearsal, RehearsalGroup
from training_app.rules import LocalProtocol
from training_app.rules.protocol import protocol_to_dict


def create_group(client, difficulty="intermediate", seed="777"):
    token = csrf_from(client, "/rehearse/")
    response = client.post(
        "/rehearse/groups",
        data={"csrf_token": token, "group-difficulty": difficulty, "group-seed": seed},
    )
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def join(client, code):
    """Join through the code form and the join page, as a colleague would."""
    token = csrf_from(client, "/rehearse/")
    found = client.post("/rehearse/join", data={"csrf_token": token, "code": code})
    assert found.status_code == 302, found.get_data(as_text=True)[:500]
    page_url = found.headers["Location"]
    token = csrf_from(client, page_url)
    joined = client.post(page_url, data={"csrf_token": token})
    assert joined.status_code == 302
    return int(re.search(r"/rehearse/(\d+)", joined.headers["Location"])[1])


def client_for(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def test_two_dsls_rehearse_one_case_and_the_trainer_sees_them_side_by_side(
    app, login_as, world, make_user
):
    trainer = login_as("school_admin")
    code = create_group(trainer)
    page = trainer.get(f"/rehearse/groups/{code}").get_data(as_text=True)
    assert "Nobody has joined yet" in page and f"{code[:4]} {code[4:]}" in page
    assert f"/rehearse/join/{code}" in page

    first = login_as("dsl")
    second_user = make_user("dsl", world.a1, email="deputy@a1.example", name="Deputy Dee")
    second = client_for(app, second_user)
    # Codes are forgiving: lower case and a space in the middle still find the group.
    rid_one = join(first, f"{code[:4].lower()} {code[4:]}")
    rid_two = join(second, code)
    finish(app, first, rid_one)
    finish(app, second, rid_two, questions=("ages",), wrong=("referral",))

    with app.app_context():
        group = db.session.scalar(select(RehearsalGroup).where(RehearsalGroup.code == code))
        rows = db.session.scalars(select(Rehearsal).where(Rehearsal.group_id == group.id)).all()
        assert len(rows) == 2
        assert {r.seed for r in rows} == {777} and rows[0].facts == rows[1].facts
        assert all(r.protocol == group.protocol for r in rows)

    page = trainer.get(f"/rehearse/groups/{code}").get_data(as_text=True)
    assert world.users["dsl"].name in page and "Deputy Dee" in page
    body = page.split("<tbody>")[1]
    first_row, second_row = body.split("</tr>")[:2]
    assert "Not right" not in first_row and first_row.count("Right") == 8
    assert second_row.count("Not right") == 1 and "88%" in second_row and "100%" in first_row
    # A DSL at the same school may see the group's results too (reports are theirs to see).
    assert first.get(f"/rehearse/groups/{code}").status_code == 200


def test_joining_twice_carries_on_the_same_rehearsal(app, login_as, world):
    code = create_group(login_as("dsl"))
    client = login_as("dsl")
    assert join(client, code) == join(client, code)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rehearsal)) == 1
    assert "Carry on where you left off" in client.get(f"/rehearse/join/{code}").get_data(
        as_text=True
    )


def test_the_group_keeps_the_protocol_it_was_set_up_with(app, login_as, world):
    code = create_group(login_as("school_admin"))
    with app.app_context():
        db.session.add(
            SchoolProtocol(
                school_id=world.a1.id,
                settings=protocol_to_dict(LocalProtocol(viewing_rule="appx8")),
            )
        )
        db.session.commit()
    rid = join(login_as("dsl"), code)
    with app.app_context():
        assert db.session.get(Rehearsal, rid).protocol["viewing_rule"] == "ukccis"


def test_another_schools_dsl_can_neither_see_nor_join(app, login_as, world, make_user):
    code = create_group(login_as("dsl"))
    outsider = client_for(app, make_user("dsl", world.b1, email="dsl@b1.example"))
    assert outsider.get(f"/rehearse/join/{code}").status_code == 404
    assert outsider.get(f"/rehearse/groups/{code}").status_code == 404
    token = csrf_from(outsider, "/rehearse/")
    assert outsider.post(f"/rehearse/join/{code}", data={"csrf_token": token}).status_code == 404
    page = outsider.post("/rehearse/join", data={"csrf_token": token, "code": code})
    assert page.status_code == 200
    assert "No group rehearsal at your school has that code" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rehearsal)) == 0
    staff = login_as("staff")
    assert staff.get(f"/rehearse/join/{code}").status_code == 403
    assert staff.get(f"/rehearse/groups/{code}").status_code == 403


def test_join_form_errors(login_as):
    client = login_as("dsl")
    token = csrf_from(client, "/rehearse/")
    page = client.post("/rehearse/join", data={"csrf_token": token, "code": ""})
    assert "Enter the group code your trainer gave you." in page.get_data(as_text=True)
    page = client.post(
        "/rehearse/groups",
        data={"csrf_token": token, "group-difficulty": "expert", "group-seed": ""},
    )
    assert "There is a problem" in page.get_data(as_text=True)
