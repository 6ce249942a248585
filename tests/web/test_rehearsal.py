"""A DSL rehearses a mock incident: questions, each step, scoring, the result and the record."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import csrf_from
from tests.helpers.rehearsal import (
    ask,
    finish,
    latest,
    right,
    start,
    submit,
    token_on,
)
from training_app.admin.models import SchoolProtocol
from training_app.extensions import db
from training_app.rehearsal import services
from training_app.rehearsal.generator import generate
from training_app.rehearsal.models import Rehearsal, RehearsalAnswer, RehearsalQuestion
from training_app.rehearsal.questions import QUESTION_IDS, question
from training_app.rehearsal.steps import SCORED_KEYS, STEP_KEYS
from training_app.rules import LocalProtocol
from training_app.rules.protocol import protocol_to_dict


def test_dsl_rehearses_from_start_to_result(app, login_as, world):
    client = login_as("dsl")
    response = start(client, seed="4242")
    rehearsal = latest(app, world.users["dsl"].id)
    assert response.headers["Location"].endswith(f"/rehearse/{rehearsal.id}")
    incident = generate(4242, "foundation")
    page = client.get(f"/rehearse/{rehearsal.id}").get_data(as_text=True)
    assert "What the first member of staff should have done" in page
    assert incident.account[0].replace("'", "&#39;") in page
    finish(app, client, rehearsal.id)
    result = client.get(f"/rehearse/{rehearsal.id}/result").get_data(as_text=True)
    assert "100%" in result and "8 of 8 decisions matched the guidance" in result
    assert "Every decision matched the guidance" in result
    with app.app_context():
        done = db.session.get(Rehearsal, rehearsal.id)
        assert done.status == "finished" and done.score == 100 and done.finished_at
        assert done.correct_steps == done.scored_steps == len(SCORED_KEYS)
        assert {a.step for a in done.answers} == set(STEP_KEYS)
        assert len(done.questions) == len(QUESTION_IDS)
    feedback = client.get(f"/rehearse/{rehearsal.id}/steps/referral").get_data(as_text=True)
    assert "<h1>Right</h1>" in feedback and "<blockquote>" in feedback
    assert 'class="citation" href="/learn/guidance/' in feedback
    # A finished rehearsal takes no more answers and sends you to the result.
    again = client.get(f"/rehearse/{rehearsal.id}")
    assert again.headers["Location"].endswith(f"/rehearse/{rehearsal.id}/result")


def test_a_wrong_referral_shows_why_with_the_guidance(app, login_as, world):
    client = login_as("dsl")
    start(client, seed="17")
    rid = latest(app, world.users["dsl"].id).id
    finish(app, client, rid, questions=("ages", "adult"), wrong=("referral",))
    feedback = client.get(f"/rehearse/{rid}/steps/referral").get_data(as_text=True)
    assert "<h1>Not right</h1>" in feedback and "What the guidance says" in feedback
    assert "An immediate referral to police or social care should be made" in feedback
    result = client.get(f"/rehearse/{rid}/result").get_data(as_text=True)
    assert "Decisions that were not right" in result
    assert "The immediate-referral decision" in result
    with app.app_context():
        done = db.session.get(Rehearsal, rid)
        assert done.score == round(100 * 7 / 8)
        referral = next(a for a in done.answers if a.step == "referral")
        assert referral.correct is False


def test_facts_are_revealed_only_when_asked(app, login_as, world):
    client = login_as("dsl")
    start(client, seed="99", difficulty="advanced")
    rid = latest(app, world.users["dsl"].id).id
    submit(client, rid, "first_response", right(app, rid, "first_response"))
    incident = generate(99, "advanced")
    answer = incident.answers["vulnerable"].replace("'", "&#39;")
    before = client.get(f"/rehearse/{rid}").get_data(as_text=True)
    assert answer not in before and question("vulnerable").prompt in before
    response = ask(client, rid, "vulnerable")
    assert response.headers["Location"].endswith(f"/rehearse/{rid}#learned")
    after = client.get(f"/rehearse/{rid}").get_data(as_text=True)
    assert answer in after
    assert f'value="vulnerable">{question("vulnerable").prompt}' not in after
    # Asking again (a double click) records it once.
    ask(client, rid, "vulnerable")
    with app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(RehearsalQuestion)
            .where(RehearsalQuestion.rehearsal_id == rid)
        )
        assert count == 1


def test_double_submit_of_a_step_records_once(app, login_as, world):
    client = login_as("dsl")
    start(client)
    rid = latest(app, world.users["dsl"].id).id
    answer = right(app, rid, "first_response")
    token = token_on(client, f"/rehearse/{rid}")
    data = {"csrf_token": token, **answer}
    first = client.post(f"/rehearse/{rid}/steps/first_response", data=data)
    second = client.post(f"/rehearse/{rid}/steps/first_response", data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        rows = db.session.scalars(
            select(RehearsalAnswer).where(RehearsalAnswer.rehearsal_id == rid)
        ).all()
        assert [r.step for r in rows] == ["first_response"]
        # The schema itself refuses a second answer at the same step.
        db.session.add(RehearsalAnswer(rehearsal_id=rid, step="first_response", answer={}))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_step_that_is_not_current_is_not_recorded(app, login_as, world):
    client = login_as("dsl")
    start(client)
    rid = latest(app, world.users["dsl"].id).id
    response = submit(client, rid, "agencies", {"agencies": ["police"]})
    assert response.headers["Location"].endswith(f"/rehearse/{rid}")
    assert client.get(f"/rehearse/{rid}/steps/agencies").status_code == 302
    assert client.get(f"/rehearse/{rid}/steps/nonsense").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RehearsalAnswer)) == 0


def test_every_form_error_has_a_clear_message(app, login_as, world):
    client = login_as("dsl")
    start(client)
    rid = latest(app, world.users["dsl"].id).id
    page = submit(client, rid, "first_response", {}).get_data(as_text=True)
    assert "There is a problem" in page
    assert re.search(r"Tick everything the [a-zA-Z ]+ should have done", page)
    assert 'href="#field-actions-0"' in page and "aria-invalid" not in page
    submit(client, rid, "first_response", right(app, rid, "first_response"))
    submit(client, rid, "review", {})
    page = submit(client, rid, "referral", {"criteria": ["none", "adult_involved"]}).get_data(
        as_text=True
    )
    assert "Choose whether you will make an immediate referral." in page
    page = submit(client, rid, "referral", {"refer": "no", "criteria": ["none", "adult_involved"]})
    text = page.get_data(as_text=True)
    assert "can&#39;t be ticked together with other answers" in text
    # What was ticked stays ticked, so nothing has to be chosen again.
    assert re.search(r'value="adult_involved" checked', text)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(RehearsalAnswer)
                .where(RehearsalAnswer.step == "referral")
            )
            == 0
        )


def test_bad_start_form_explains_itself(login_as):
    client = login_as("dsl")
    token = csrf_from(client, "/rehearse/")
    page = client.post(
        "/rehearse/start",
        data={"csrf_token": token, "solo-difficulty": "foundation", "solo-seed": "twelve"},
    ).get_data(as_text=True)
    assert "Enter the scenario number as a whole number from 0 to 999,999,999" in page
    page = client.post("/rehearse/start", data={"csrf_token": token}).get_data(as_text=True)
    assert "Choose how hard the case should be." in page


def test_same_case_number_gives_the_same_case(app, login_as, world):
    client = login_as("dsl")
    start(client, "intermediate", "123 456")
    start(client, "intermediate", "123456")
    with app.app_context():
        rows = db.session.scalars(select(Rehearsal).order_by(Rehearsal.id)).all()
        assert [r.seed for r in rows] == [123456, 123456]
        assert rows[0].facts == rows[1].facts
    pages = [client.get(f"/rehearse/{r.id}").get_data(as_text=True) for r in rows]
    account = generate(123456, "intermediate").account[1].replace("'", "&#39;")
    assert all(account in page for page in pages)


def test_scoring_uses_the_protocol_snapshotted_at_the_start(app, login_as, world):
    with app.app_context():
        db.session.add(
            SchoolProtocol(
                school_id=world.a1.id,
                settings=protocol_to_dict(LocalProtocol(device_power="power_off")),
            )
        )
        db.session.commit()
    client = login_as("dsl")
    start(client)
    rid = latest(app, world.users["dsl"].id).id
    assert right(app, rid, "first_response")["actions"].count("power_off_device") == 1
    with app.app_context():
        row = db.session.get(SchoolProtocol, world.a1.id)
        row.settings = protocol_to_dict(LocalProtocol())
        db.session.commit()
    finish(app, client, rid)
    with app.app_context():
        done = db.session.get(Rehearsal, rid)
        assert done.protocol["device_power"] == "power_off" and done.score == 100
        manage = next(a for a in done.answers if a.step == "manage")
        assert manage.answer["devices"] == ["power_off_device"] and manage.correct


def test_history_and_its_empty_state(app, login_as, world):
    client = login_as("dsl")
    empty = client.get("/rehearse/history").get_data(as_text=True)
    assert "You have not rehearsed an incident yet" in empty
    start(client, seed="5")
    rid = latest(app, world.users["dsl"].id).id
    assert "In progress: carry on" in client.get("/rehearse/history").get_data(as_text=True)
    finish(app, client, rid)
    page = client.get("/rehearse/history").get_data(as_text=True)
    assert "100% (8 of 8)" in page and f"/rehearse/{rid}/record" in page
    index = client.get("/rehearse/").get_data(as_text=True)
    assert "1 finished rehearsal" in index


def test_admins_see_dsl_practice_for_their_school_only(app, login_as, world):
    admin = login_as("school_admin")
    empty = admin.get(f"/schools/{world.a1.id}/dsl-practice").get_data(as_text=True)
    assert "No one at A1 has finished a rehearsal yet" in empty
    dsl = login_as("dsl")
    start(dsl, "advanced", "31")
    rid = latest(app, world.users["dsl"].id).id
    finish(app, dsl, rid, wrong=("parents",))
    page = admin.get(f"/schools/{world.a1.id}/dsl-practice").get_data(as_text=True)
    name = world.users["dsl"].name
    assert name in page and "scenario 31<" in page and "Advanced" in page and "88% (7 of 8)" in page
    assert re.search(r"A-\d{8}-01<", page)  # the case reference: school, date, sequence
    assert "DSL practice at A1" in admin.get("/rehearse/").get_data(as_text=True)
    trust = login_as("trust_admin").get(f"/schools/{world.a1.id}/dsl-practice")
    assert name in trust.get_data(as_text=True)
    assert (
        login_as("other_trust_admin").get(f"/schools/{world.a1.id}/dsl-practice").status_code == 403
    )
    assert login_as("staff").get(f"/schools/{world.a1.id}/dsl-practice").status_code == 403
    b1 = login_as("other_trust_admin").get(f"/schools/{world.b1.id}/dsl-practice")
    assert name not in b1.get_data(as_text=True)


def test_practice_record_page_and_pdf(app, login_as, world):
    client = login_as("dsl")
    start(client, seed="2")
    rid = latest(app, world.users["dsl"].id).id
    assert client.get(f"/rehearse/{rid}/record.pdf").status_code == 404  # not finished yet
    finish(app, client, rid, questions=("ages",))
    page = client.get(f"/rehearse/{rid}/record").get_data(as_text=True)
    assert page.count("PRACTICE – NOT A REAL INCIDENT") >= 2
    assert "Member of staff who received the disclosure" in page
    assert re.search(r"Pupil A \(\d+\)", page)
    assert "Not established at the meeting" in page
    with app.app_context():
        case = services.case_of(db.session.get(Rehearsal, rid))
    if case.decision.headteacher_signoff_required:
        assert "Signed off by the headteacher" in page
    else:
        assert "Headteacher informed" in page
    response = client.get(f"/rehearse/{rid}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    # Named by the case reference: the school's initials, the day and the day's sequence.
    assert re.fullmatch(
        r'attachment; filename="practice-record-case-A-\d{8}-01\.pdf"',
        response.headers["Content-Disposition"],
    )


def test_nobody_else_sees_or_changes_your_rehearsal(app, login_as, world, make_user):
    client = login_as("dsl")
    start(client)
    rid = latest(app, world.users["dsl"].id).id
    colleague = make_user("dsl", world.a1, email="dsl2@a1.example")
    other = app.test_client()
    from tests.factories import sign_in

    sign_in(other, colleague.email)
    for path in ("", "/result", "/record", "/record.pdf", "/steps/referral"):
        assert other.get(f"/rehearse/{rid}{path}").status_code == 404
    token = csrf_from(other, "/rehearse/")
    assert (
        other.post(
            f"/rehearse/{rid}/ask", data={"csrf_token": token, "question": "ages"}
        ).status_code
        == 404
    )
    assert login_as("staff").get("/rehearse/").status_code == 403
    assert login_as("staff").get(f"/rehearse/{rid}").status_code == 403


def test_rehearse_is_in_the_menu_for_dsls_and_admins_only(login_as):
    assert ">Rehearse</a>" in login_as("dsl").get("/rehearse/history").get_data(as_text=True)
    assert ">Rehearse</a>" in login_as("school_admin").get("/account/password").get_data(
        as_text=True
    )
    assert ">Rehearse</a>" not in login_as("staff").get("/account/password").get_data(as_text=True)
