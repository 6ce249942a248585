"""Guidance pages lead back to where the learner was; results list rules, not both options."""

from __future__ import annotations

from training_app.learning.catalogue import describe_rules
from training_app.rules import DEFAULT_PROTOCOL, LocalProtocol

PASSAGE = "/learn/guidance/UKCCIS-2016%20%C2%A72.4"
QUESTION = "/learn/first-responder/attempts/7/steps/3"


def test_guidance_page_has_a_human_heading_and_reflowed_text(client):
    body = client.get(PASSAGE).get_data(as_text=True)
    assert "<h1>Outcome 21</h1>" in body
    assert '<p class="step-kicker">UKCCIS-2016 §2.4</p>' in body
    assert "new outcome code (outcome 21) to help formalise" in body


def test_guidance_page_goes_back_to_the_question_it_was_opened_from(client):
    body = client.get(f"{PASSAGE}?back={QUESTION}").get_data(as_text=True)
    assert f'<a href="{QUESTION}">Back to the question</a>' in body
    # Without ?back=, the page that linked here (a same-site referrer) is the way back.
    reading = "/learn/first-responder/attempts/7/pages/2"
    body = client.get(PASSAGE, headers={"Referer": f"http://localhost{reading}"}).get_data(
        as_text=True
    )
    assert f'<a href="{reading}">Back to the page you were reading</a>' in body


def test_guidance_page_never_links_back_to_another_site(client):
    body = client.get(
        f"{PASSAGE}?back=//evil.example/x", headers={"Referer": "https://evil.example/"}
    ).get_data(as_text=True)
    assert "evil.example" not in body
    assert "Back to your training" in body


def test_described_source_page_goes_back_too(client):
    body = client.get(f"/learn/guidance/UKCIS-2024%20%C2%A71.1?back={QUESTION}").get_data(
        as_text=True
    )
    assert f'<a href="{QUESTION}">Back to the question</a>' in body


def test_missed_device_options_are_one_rule_the_schools():
    both = ["action:switch_device_to_flight_mode", "action:power_off_device"]
    assert [r.text for r in describe_rules(both, DEFAULT_PROTOCOL)] == [
        "Switch the confiscated device to flight mode."
    ]
    power_off = LocalProtocol(device_power="power_off")
    assert [r.text for r in describe_rules(both, power_off)] == [
        "Switch the confiscated device off."
    ]
    # Alone, the option not to take is stated as the rule, never as advice to do it.
    assert [r.text for r in describe_rules(["action:power_off_device"], DEFAULT_PROTOCOL)] == [
        "Don't switch the confiscated device off."
    ]


def test_result_page_lists_the_schools_device_rule_once(app, login_as, world):
    from training_app.extensions import db
    from training_app.learning.catalogue import library
    from training_app.learning.models import Attempt
    from training_app.models_common import utcnow
    from training_app.rules.protocol import protocol_to_dict

    dsl = world.users["dsl"]
    with app.app_context():
        attempt = Attempt(
            user_id=dsl.id,
            school_id=dsl.school_id,
            module_id="dsl-walkthrough",
            content_version=library().module("dsl-walkthrough").content_version,
            protocol=protocol_to_dict(DEFAULT_PROTOCOL),
            status="failed",
            finished_at=utcnow(),
            score=40,
            missed_rules=[
                "action:power_off_device",
                "action:switch_device_to_flight_mode",
                "guidance:UKCCIS-2016 §3.3",
            ],
        )
        db.session.add(attempt)
        db.session.commit()
        attempt_id = attempt.id
    body = login_as("dsl").get(f"/learn/dsl-walkthrough/attempts/{attempt_id}/result")
    text = body.get_data(as_text=True)
    missed = text.split('<ul class="missed-rules">', 1)[1].split("</ul>", 1)[0]
    assert missed.count("<li>") == 2
    assert "Switch the confiscated device to flight mode." in missed
    assert "device off" not in missed
    # A section the learner should reread is named by its title, not only its code.
    assert "What the guidance says: Initial review meeting" in missed
