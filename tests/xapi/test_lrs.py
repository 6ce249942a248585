"""Statements reach a real LRS (Ralph on loopback): a module's journey, an LRS that is down
for a while, a statement the LRS refuses, and statements that validate."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import timedelta

from sqlalchemy import select, update

from tests.helpers.learning import MODULE, finish_module
from tests.helpers.xapi import outbox, send_statements
from training_app.extensions import db
from training_app.models_common import utcnow
from training_app.xapi import sender
from training_app.xapi.models import PARKED, PENDING, SENT, OutboxStatement
from training_app.xapi.validate import problems


def test_a_finished_module_reaches_the_lrs_by_verb(app, login_as, world, lrs, sending):
    sending(lrs)
    attempt, module = finish_module(app, login_as, world)
    questions = [r for r in outbox(app) if r.verb == "answered"]
    assert "sent" in send_statements(app)
    email = world.users["staff"].email
    sha1 = hashlib.sha1(f"mailto:{email}".encode()).hexdigest()
    assert len(lrs.statements("attempted")) == 1
    assert len(lrs.statements("experienced")) == len(module.pages)
    answered = lrs.statements("answered")
    assert len(answered) == len(questions) > 0
    assert all(s["result"]["success"] is True for s in answered)
    # The rules and citations each question tests travel as context extensions.
    tested = [s["context"]["extensions"] for s in answered]
    assert any(v for e in tested for k, v in e.items() if k.endswith("/extensions/citations"))
    assert any(v for e in tested for k, v in e.items() if k.endswith("/extensions/rules"))
    [passed] = lrs.statements("passed")
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100, "min": 0, "max": 100}
    [completed] = lrs.statements("completed")
    assert completed["object"]["id"].endswith(f"/xapi/modules/{MODULE}")
    assert {s["actor"]["mbox_sha1sum"] for s in lrs.statements()} == {sha1}
    assert all(r.status == SENT for r in outbox(app)), [
        (r.verb, r.status, r.tries, r.last_error) for r in outbox(app) if r.status != SENT
    ]
    # Another pass sends nothing more.
    assert "sent 0" in send_statements(app)
    assert len(lrs.statements()) == len(outbox(app))


def test_lrs_down_then_back_drains_the_backlog_without_duplicates(
    app, login_as, world, lrs, sending
):
    sending(lrs)
    lrs.stop()
    finish_module(app, login_as, world)
    waiting = len(outbox(app))
    output = send_statements(app)
    assert f"waiting {waiting}" in output
    rows = outbox(app)
    assert {r.status for r in rows} == {PENDING}
    assert all(r.tries == 1 and r.next_try_at > utcnow() + timedelta(seconds=20) for r in rows)
    assert "sent 0" in send_statements(app)  # backing off: not due yet
    lrs.start()
    with app.app_context():
        db.session.execute(update(OutboxStatement).values(next_try_at=utcnow()))
        # As if one batch had reached the LRS but its answer was lost: it goes again.
        db.session.commit()
    assert f"sent {waiting}" in send_statements(app)
    with app.app_context():
        db.session.execute(update(OutboxStatement).values(status=PENDING))
        db.session.commit()
    assert f"sent {waiting}" in send_statements(app)
    ids = [s["id"] for s in lrs.statements()]
    assert len(ids) == len(set(ids)) == waiting


def test_a_statement_the_lrs_refuses_is_parked_with_its_error(app, login_as, world, lrs, sending):
    sending(lrs)
    finish_module(app, login_as, world)
    rows = outbox(app)
    refused = next(r for r in rows if r.verb == "passed")
    # Another system already stored a different statement under that id: the LRS says 409.
    other = {
        "id": refused.statement_id,
        "actor": {"objectType": "Agent", "mbox": "mailto:someone@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": "https://example.org/other"},
    }
    assert lrs.post([other])[0] == 200
    send_statements(app)
    after = {r.statement_id: r for r in outbox(app)}
    parked = after[refused.statement_id]
    assert parked.status == PARKED and "409" in parked.last_error
    assert all(r.status == SENT for k, r in after.items() if k != refused.statement_id)
    # Not tried again.
    send_statements(app)
    assert {r.statement_id: r.tries for r in outbox(app)}[refused.statement_id] == parked.tries
    status = app.test_cli_runner().invoke(args=["xapi", "status"]).output
    assert "1 parked" in status and "0 waiting" in status


def test_statements_validate_against_the_xapi_schema(
    app, login_as, world, lrs, sending, lrs_python
):
    sending(lrs)
    finish_module(app, login_as, world)
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxStatement)))
        statements = sender.with_actors(sender_settings(world), rows)
    assert {r.verb for r in rows} >= {"attempted", "experienced", "answered", "passed", "completed"}
    assert all(problems(s) == [] for s in statements)
    # The LRS's own strict xAPI models (Ralph's BaseXapiStatement) agree.
    check = (
        "import json, sys\n"
        "from ralph.models.xapi.base.statements import BaseXapiStatement\n"
        "for s in json.load(sys.stdin): BaseXapiStatement.model_validate(s)\n"
    )
    done = subprocess.run(
        [str(lrs_python), "-c", check], input=json.dumps(statements), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]


def sender_settings(world):
    from training_app.xapi.models import LrsSettings

    return db.session.get(LrsSettings, world.a1.trust_id)


def test_the_checks_refuse_what_xapi_forbids():
    bad = {
        "id": "not-a-uuid",
        "actor": {"objectType": "Agent", "mbox": "someone@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "Activity", "id": "https://example.org/a"},
        "result": {"score": {"scaled": 2}},
        "timestamp": "2026-01-01T00:00:00",
    }
    found = problems(bad)
    assert any(p.startswith("id") for p in found)
    assert any(p.startswith("actor.mbox") for p in found)
    assert any("StatementRef" in p for p in found)
    assert any(p.startswith("result.score.scaled") for p in found)
    assert any(p.startswith("timestamp") for p in found)


def _post_first_half_directly(app, world, lrs, **changed):
    """As if a timed-out try had reached the LRS: half the outbox is already stored there."""
    with app.app_context():
        made = sender.with_actors(sender_settings(world), outbox(app))
    stored = [{**s, **changed} for s in made[: len(made) // 2]]
    assert lrs.post(stored)[0] == 200
    return len(made)


def _all_sent_once(app, lrs, total):
    rows = outbox(app)
    assert [(r.verb, r.status, r.last_error) for r in rows if r.status != SENT] == []
    ids = [s["id"] for s in lrs.statements()]
    assert len(ids) == len(set(ids)) == total == len(rows)


def test_a_batch_the_lrs_stored_before_its_answer_was_lost_is_sent(
    app, login_as, world, lrs, sending
):
    sending(lrs)
    finish_module(app, login_as, world)
    total = _post_first_half_directly(app, world, lrs)
    assert f"sent {total}, parked 0" in send_statements(app)
    _all_sent_once(app, lrs, total)


def test_a_409_for_statements_the_lrs_holds_as_ours_counts_as_sent(
    app, login_as, world, lrs, sending
):
    sending(lrs)
    finish_module(app, login_as, world)
    # Ralph compares timestamps too, so it answers this batch with 409; xAPI's statement
    # comparison leaves the timestamp out, so what it holds is ours.
    total = _post_first_half_directly(app, world, lrs, timestamp="2026-01-01T00:00:00.000+00:00")
    assert f"sent {total}, parked 0" in send_statements(app)
    _all_sent_once(app, lrs, total)
