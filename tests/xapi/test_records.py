"""The settings page, and the statements voids and mock incidents make; trusts that do not
send write nothing."""

from __future__ import annotations

from sqlalchemy import select, update

from tests.conftest import post_form
from tests.helpers.learning import finish_module, start_module
from tests.helpers.rehearsal import finish, latest
from tests.helpers.rehearsal import start as start_rehearsal
from tests.helpers.xapi import outbox, send_statements
from tests.xapi.lrs import KEY, SECRET
from training_app.audit.models import AuditEvent
from training_app.extensions import db
from training_app.learning.models import Answer, Attempt, Completion
from training_app.mfa.sealing import unseal
from training_app.models_common import utcnow
from training_app.rehearsal.steps import SCORED_KEYS
from training_app.xapi import statements as st
from training_app.xapi.models import LrsSettings, OutboxStatement


def test_trust_admin_saves_the_lrs_with_the_secret_sealed_and_audited(app, login_as, world, lrs):
    client = login_as("trust_admin")
    url = f"/trusts/{world.a1.trust_id}/xapi"
    page = client.get(url).get_data(as_text=True)
    assert "Learning Record Store" in page
    form = {"endpoint": lrs.endpoint, "key": KEY, "actor_format": "account", "enabled": "y"}
    # A first save needs the secret.
    assert "Enter the secret" in post_form(client, url, form).get_data(as_text=True)
    assert post_form(client, url, {**form, "secret": SECRET}).status_code == 302
    # Without a CSRF token nothing changes.
    assert client.post(url, data={**form, "secret": "other"}).status_code == 400
    with app.app_context():
        row = db.session.get(LrsSettings, world.a1.trust_id)
        assert row.enabled and row.actor_format == "account"
        assert SECRET not in row.secret_sealed
        assert unseal(row.secret_sealed, app.config["SECRET_KEY"]) == SECRET
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "xapi.settings_changed")
        )
        assert event is not None and SECRET not in str(event.after)
    # Saved again without a secret: the stored one stays.
    assert post_form(client, url, {**form, "enabled": ""}).status_code == 302
    with app.app_context():
        row = db.session.get(LrsSettings, world.a1.trust_id)
        assert not row.enabled and unseal(row.secret_sealed, app.config["SECRET_KEY"]) == SECRET
    assert SECRET not in client.get(url).get_data(as_text=True)


def test_a_voided_completion_voids_its_statement_in_the_lrs(app, login_as, world, lrs, sending):
    sending(lrs, "account")
    attempt, _ = finish_module(app, login_as, world)
    with app.app_context():
        record = db.session.scalar(select(Completion).where(Completion.attempt_id == attempt.id))
    url = f"/training-records/{record.id}/void"
    assert post_form(login_as("school_admin"), url, {"reason": "Wrong person"}).status_code == 302
    send_statements(app)
    [voided] = lrs.statements("voided")
    assert voided["object"] == {"objectType": "StatementRef", "id": st.completed_id(attempt.id)}
    staff_id = str(world.users["staff"].id)
    assert {s["actor"]["account"]["name"] for s in lrs.statements()} == {staff_id}


def test_a_mock_incident_sends_each_decision_and_its_completion(app, login_as, world, lrs, sending):
    sending(lrs)
    client = login_as("dsl")
    start_rehearsal(client, seed="4242")
    rehearsal = latest(app, world.users["dsl"].id)
    finish(app, client, rehearsal.id)
    send_statements(app)
    scored = lrs.statements("scored")
    assert len(scored) == len(SCORED_KEYS) and all(s["result"]["success"] for s in scored)
    [completed] = lrs.statements("completed")
    assert completed["result"]["score"]["raw"] == 100
    assert completed["object"]["id"].endswith("/xapi/rehearsals/foundation")


def test_trusts_that_do_not_send_write_no_statements(app, login_as, world, lrs, sending):
    finish_module(app, login_as, world)
    assert outbox(app) == []
    # Trust A sends; trust B's people still write nothing.
    sending(lrs)
    client = login_as("b1_staff") if "b1_staff" in world.users else None
    assert client is not None
    assert start_module(client).status_code == 302
    assert outbox(app) == []


def test_the_outbox_holds_references_and_the_sender_builds_the_statements(
    app, login_as, world, lrs, sending
):
    sending(lrs)
    attempt, _ = finish_module(app, login_as, world)
    rows = outbox(app)
    # What the learner's transaction wrote: which record, which step, no statement.
    assert {(r.record, r.record_id) for r in rows} == {("attempt", attempt.id)}
    assert all(r.statement is None for r in rows)
    with app.app_context():
        steps = db.session.scalars(
            select(Answer.step).where(Answer.attempt_id == attempt.id, Answer.correct.is_not(None))
        ).all()
    assert sorted(int(r.part) for r in rows if r.verb == "answered") == sorted(steps)
    assert all(
        st.reference_id(r.record, r.record_id, r.verb, r.part) == r.statement_id for r in rows
    )
    send_statements(app)
    held = {s["id"]: s for s in lrs.statements()}
    assert set(held) == {r.statement_id for r in rows}
    for row in rows:
        assert held[row.statement_id]["timestamp"].startswith(
            row.created_at.strftime("%Y-%m-%dT%H:%M:%S")
        )


def test_a_row_written_whole_before_references_is_sent_as_written(
    app, login_as, world, lrs, sending
):
    sending(lrs)
    when = utcnow()
    written = st.module_started(
        "https://training.invalid/xapi", 999, "first-responder", "Old", when
    )
    with app.app_context():
        db.session.add(
            OutboxStatement(
                statement_id=written["id"],
                trust_id=world.a1.trust_id,
                user_id=world.users["staff"].id,
                verb="attempted",
                statement=written,
            )
        )
        db.session.commit()
    assert "sent 1, parked 0" in send_statements(app)
    [held] = lrs.statements()
    assert held["id"] == written["id"] and held["object"] == written["object"]


def test_answers_to_a_module_changed_since_are_sent_with_what_their_records_hold(
    app, login_as, world, lrs, sending
):
    sending(lrs)
    attempt, _ = finish_module(app, login_as, world)
    with app.app_context():
        # As if the module had been published again before the sender ran.
        db.session.execute(
            update(Attempt).where(Attempt.id == attempt.id).values(content_version="older")
        )
        db.session.commit()
        missed = dict(
            db.session.execute(
                select(Answer.step, Answer.rule_ids).where(Answer.attempt_id == attempt.id)
            ).all()
        )
    assert "parked 0" in send_statements(app)
    answered = lrs.statements("answered")
    assert answered and all(s["result"]["success"] is True for s in answered)
    for statement in answered:
        [step] = [r.part for r in outbox(app) if r.statement_id == statement["id"]]
        extensions = statement["context"]["extensions"]
        assert [v for k, v in extensions.items() if k.endswith("/citations")] == [[]]
        assert [v for k, v in extensions.items() if k.endswith("/rules")] == [missed[int(step)]]
