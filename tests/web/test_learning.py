"""The learner's journey: modules on the home page, pages, quiz, feedback, result, completion."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers.learning import (
    MODULE,
    answer_all,
    form_state,
    latest_attempt,
    module_quiz,
    read_to_quiz,
    right,
    start_module,
)
from training_app.admin.models import SchoolProtocol
from training_app.content.evaluate import correct_choice_ids
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.learning.models import Answer, Attempt, Completion
from training_app.rules import LocalProtocol
from training_app.rules.protocol import protocol_to_dict


def test_home_lists_the_module_not_started(login_as):
    body = login_as("staff").get("/").get_data(as_text=True)
    assert "First responder" in body and "Not started" in body


def test_full_pass_records_one_completion_with_version_and_expiry(app, login_as, world):
    client = login_as("staff")
    assert start_module(client).status_code == 302
    attempt = latest_attempt(app, world.users["staff"].id)
    with app.app_context():
        module = library().module(MODULE)
    assert read_to_quiz(client, attempt.id, len(module.pages)).status_code == 200
    result_url = answer_all(app, client, attempt.id, right)
    assert result_url.endswith(f"/attempts/{attempt.id}/result")
    page = client.get(result_url).get_data(as_text=True)
    assert "You passed" in page and "100%" in page
    with app.app_context():
        done = db.session.scalars(select(Completion)).all()
        assert len(done) == 1
        assert done[0].content_version == module.content_version
        assert done[0].score == 100
        assert done[0].expires_at - done[0].completed_at == timedelta(days=365)
    assert "Completed, valid until" in client.get("/").get_data(as_text=True)
    # The result page leads to the certificate the completion earned.
    certificate = f"/training-records/{done[0].id}/certificate"
    assert f'href="{certificate}"' in page and f'href="{certificate}.pdf"' in page
    assert client.get(certificate).status_code == 200


def test_wrong_answer_shows_why_with_guidance_quote_and_link(app, login_as, world):
    client = login_as("staff")
    start_module(client, skip_reading="y")
    attempt = latest_attempt(app, world.users["staff"].id)
    client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/1")
    quiz = module_quiz(app)
    response = read_to_quiz(client, attempt.id, 1)
    step, node_id, token = form_state(response.get_data(as_text=True))
    node = quiz.nodes[node_id]
    wrong = next(c.id for c in node.choices if c.id not in correct_choice_ids(node))
    response = client.post(
        f"/learn/{MODULE}/attempts/{attempt.id}/answer",
        data={"csrf_token": token, "step": step, "node": node_id, "choice": wrong},
    )
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not right:</span> you chose" in feedback and "The right answer" in feedback
    assert 'class="citation" href="/learn/guidance/' in feedback
    assert "<blockquote>" in feedback


def test_failing_lists_missed_rules_and_retry_goes_straight_to_quiz(app, login_as, world):
    client = login_as("staff")
    start_module(client)
    attempt = latest_attempt(app, world.users["staff"].id)
    read_to_quiz(client, attempt.id, len(library_pages(app)))

    def wrong(node):
        key = set(correct_choice_ids(node))
        return [next(c.id for c in node.choices if c.id not in key)]

    result = client.get(answer_all(app, client, attempt.id, wrong)).get_data(as_text=True)
    assert "Not passed yet" in result and "What to look at again" in result
    assert "Report it to the DSL straight away" in result
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    response = start_module(client, skip_reading="y")
    assert response.headers["Location"].endswith("/quiz")


def library_pages(app):
    with app.app_context():
        return library().module(MODULE).pages


def test_same_answer_twice_records_once_and_shows_current_state(app, login_as, world):
    client = login_as("staff")
    start_module(client, skip_reading="y")
    attempt = latest_attempt(app, world.users["staff"].id)
    html = read_to_quiz(client, attempt.id, 1).get_data(as_text=True)
    step, node_id, token = form_state(html)
    choice = right(module_quiz(app).nodes[node_id])
    data = {"csrf_token": token, "step": step, "node": node_id, "choice": choice}
    first = client.post(f"/learn/{MODULE}/attempts/{attempt.id}/answer", data=data)
    second = client.post(f"/learn/{MODULE}/attempts/{attempt.id}/answer", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_stale_form_from_another_tab_is_explained(app, login_as, world):
    client = login_as("staff")
    start_module(client, skip_reading="y")
    attempt = latest_attempt(app, world.users["staff"].id)
    html = read_to_quiz(client, attempt.id, 1).get_data(as_text=True)
    step, node_id, token = form_state(html)
    response = client.post(
        f"/learn/{MODULE}/attempts/{attempt.id}/answer",
        data={
            "csrf_token": token,
            "step": step + 5,
            "node": node_id,
            "choice": right(module_quiz(app).nodes[node_id]),
        },
        follow_redirects=True,
    )
    assert "already answered on another tab" in response.get_data(as_text=True)


def test_tampered_choice_is_refused_with_a_message(app, login_as, world):
    client = login_as("staff")
    start_module(client, skip_reading="y")
    attempt = latest_attempt(app, world.users["staff"].id)
    html = read_to_quiz(client, attempt.id, 1).get_data(as_text=True)
    step, node_id, token = form_state(html)
    for choice in ("not-a-choice", None):
        data = {"csrf_token": token, "step": step, "node": node_id}
        if choice:
            data["choice"] = choice
        response = client.post(f"/learn/{MODULE}/attempts/{attempt.id}/answer", data=data)
        assert response.status_code == 200
        assert "There is a problem" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_resume_on_another_device(app, login_as, world):
    laptop = login_as("staff")
    start_module(laptop)
    attempt = latest_attempt(app, world.users["staff"].id)
    laptop.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/3")
    phone = login_as("staff")
    assert "Continue where you left off" in phone.get(f"/learn/{MODULE}").get_data(as_text=True)
    response = start_module(phone)
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/pages/3")


def test_someone_elses_attempt_is_not_found(app, login_as, world):
    staff = login_as("staff")
    start_module(staff)
    attempt = latest_attempt(app, world.users["staff"].id)
    other = login_as("dsl")
    for path in ("pages/1", "pages/3", "quiz", "result", "steps/1"):
        assert other.get(f"/learn/{MODULE}/attempts/{attempt.id}/{path}").status_code == 404
    # Nor does their reading move it (on PostgreSQL the read and the advance are one statement).
    assert latest_attempt(app, world.users["staff"].id).pages_seen == attempt.pages_seen


def test_unknown_module_and_page(login_as):
    client = login_as("staff")
    assert client.get("/learn/no-such-module").status_code == 404
    start_module(client)
    assert client.get(f"/learn/{MODULE}/attempts/1/pages/99").status_code == 404


def test_guidance_passage_page(client):
    body = client.get("/learn/guidance/UKCCIS-2016%20%C2%A73.3").get_data(as_text=True)
    assert "The incident involves an adult" in body
    assert client.get("/learn/guidance/NOPE%201").status_code == 404


def test_content_change_supersedes_the_attempt(app, login_as, world):
    client = login_as("staff")
    start_module(client)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        attempt.content_version = "old"
        db.session.commit()
    start_module(client)
    with app.app_context():
        statuses = sorted(db.session.scalars(select(Attempt.status)))
    assert statuses == ["in_progress", "superseded"]


def test_school_protocol_decides_the_device_answer(app, login_as, world):
    with app.app_context():
        db.session.add(
            SchoolProtocol(
                school_id=world.a1.id,
                settings=protocol_to_dict(LocalProtocol(device_power="power_off")),
            )
        )
        db.session.commit()
    client = login_as("staff")
    start_module(client)
    attempt = latest_attempt(app, world.users["staff"].id)
    body = client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/5").get_data(as_text=True)
    assert "switch it off" in body.lower() or "power" in body.lower()
    quiz = module_quiz(app)
    power = quiz.nodes["pe_power"]
    expected = correct_choice_ids(power, LocalProtocol(device_power="power_off"))
    assert [power.choice(c).action for c in expected] == ["power_off_device"]


@pytest.mark.parametrize("repeat", [2, 5])
def test_concurrent_final_answers_make_one_completion(app, login_as, world, repeat):
    client = login_as("staff")
    start_module(client, skip_reading="y")
    attempt = latest_attempt(app, world.users["staff"].id)
    read_to_quiz(client, attempt.id, 1)
    quiz = module_quiz(app)
    # Answer everything except the last question.
    for _ in range(50):
        html = client.get(f"/learn/{MODULE}/attempts/{attempt.id}/quiz").get_data(as_text=True)
        step, node_id, token = form_state(html)
        node = quiz.nodes[node_id]
        data = {"csrf_token": token, "step": step, "node": node_id, "choice": right(node)}
        if (node.choice(data["choice"][0]).next or node.next) == "end":
            break
        client.post(f"/learn/{MODULE}/attempts/{attempt.id}/answer", data=data)
    cookie = client.get_cookie("session").value
    barrier = threading.Barrier(repeat)
    statuses = []

    def send():
        tab = app.test_client()
        tab.set_cookie("session", cookie)
        barrier.wait()
        statuses.append(
            tab.post(f"/learn/{MODULE}/attempts/{attempt.id}/answer", data=data).status_code
        )

    threads = [threading.Thread(target=send) for _ in range(repeat)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * repeat
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 1
        last_steps = db.session.scalars(select(Answer.step).where(Answer.attempt_id == attempt.id))
        steps = list(last_steps)
        assert len(steps) == len(set(steps))
