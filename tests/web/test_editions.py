"""Guidance editions on screen: the protocol form's choices, the footer and module intro
labels, the "what changed since 2016" page, and the pages behind described-source citations."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, unquote

from sqlalchemy import select

from tests.conftest import mentions, post_form
from tests.factories import sign_in
from tests.helpers.learning import MODULE, start_module
from training_app.admin.models import SchoolProtocol
from training_app.admin.protocols import update_protocol
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.content.guidance import quote_found
from training_app.editions import school
from training_app.editions.changes import CHANGES_FILE, load_changes
from training_app.extensions import db
from training_app.rules import LocalProtocol
from training_app.rules.citations import SOURCES, known_sections

GROUP = "the school group’s policy based on the 2016 national advice (UKCCIS)"
NATIONAL_2024 = "the 2024 national advice (UKCIS, “Sharing nudes and semi-nudes”)"
PROTOCOL = {
    "edition": "ukcis-2024",
    "under_13_referral": "always",
    "device_power": "flight_mode",
    "viewing_rule": "ukccis",
    "police_threshold": "ukccis",
    "police_contact": "",
    "social_care_contact": "",
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _visible(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]*>", " ", _text(response)).split()).replace(" ,", ",")


def _footer(response) -> str:
    return _text(response).split('<footer class="site-footer">', 1)[1]


def _links(body: str, css: str = "citation") -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'class="{css}" href="([^"]+)"', body)]


def _protocol_url(world, school="a1") -> str:
    return f"/schools/{getattr(world, school).id}/compliance/protocol"


def _follow(app, world, edition: str, school="a1") -> None:
    client = app.test_client()
    admin = world.users["school_admin" if school == "a1" else "trust_admin"]
    assert sign_in(client, admin.email).status_code == 302
    response = post_form(client, _protocol_url(world, school), {**PROTOCOL, "edition": edition})
    assert response.status_code == 302


# --- The protocol form ---------------------------------------------------------------------


def test_the_form_explains_both_new_choices_and_their_citations_resolve(login_as, world):
    client = login_as("school_admin")
    body = _text(client.get(_protocol_url(world)))
    assert "Which guidance your training follows" in body
    assert "When a child under 13 means an immediate referral" in body
    for value in ("group-policy-2016", "ukcis-2024", "sexual_acts", "always"):
        assert f'value="{value}"' in body
    # Nothing saved yet: the defaults are checked.
    assert re.search(r'value="group-policy-2016" checked', body)
    assert re.search(r'value="sexual_acts" checked', body)
    links = _links(body)
    for wanted in ("UKCIS-2024 §2.2", "UKCCIS-2016 §3.3", 'RUTLAND-2017 "For Designated'):
        assert any(wanted in unquote(link) for link in links), wanted
    for link in set(links):
        assert client.get(link).status_code == 200, link
    assert f"/schools/{world.a1.id}/what-changed" in body


def test_choosing_the_2024_advice_is_saved_and_audited(app, login_as, world):
    client = login_as("school_admin")
    assert post_form(client, _protocol_url(world), PROTOCOL).status_code == 302
    with app.app_context():
        row = db.session.get(SchoolProtocol, world.a1.id)
        assert row.settings["edition"] == "ukcis-2024"
        assert row.settings["under_13_referral"] == "always"
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "policy.protocol_changed")
        )
        assert event.before["edition"] == "group-policy-2016"
        assert event.after["edition"] == "ukcis-2024"
        assert event.before["under_13_referral"] == "sexual_acts"
        assert event.after["under_13_referral"] == "always"
    body = _text(client.get(_protocol_url(world)))
    assert re.search(r'value="ukcis-2024" checked', body)
    assert re.search(r'value="always" checked', body)


def test_an_unknown_edition_or_option_is_refused_and_nothing_is_saved(app, login_as, world):
    client = login_as("school_admin")
    for field, value in (("edition", "ukcis-2030"), ("under_13_referral", "never")):
        response = post_form(client, _protocol_url(world), {**PROTOCOL, field: value})
        body = _text(response)
        assert response.status_code == 200
        assert "There is a problem" in body and "Not a valid choice" in body
    missing = {k: v for k, v in PROTOCOL.items() if k != "edition"}
    assert "Choose one." in _text(post_form(client, _protocol_url(world), missing))
    with app.app_context():
        assert db.session.get(SchoolProtocol, world.a1.id) is None
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("policy.%"))) is None
        )


# --- The footer and the module intro -------------------------------------------------------


def test_the_footer_names_the_schools_edition_and_follows_a_change(app, login_as, world):
    staff, a2_staff = login_as("staff"), login_as("a2_staff")
    footer = _footer(staff.get("/"))
    assert "Your school follows: " in footer and GROUP in footer
    assert "with its local protocol" in footer and "call 999" in footer
    _follow(app, world, "ukcis-2024")
    footer = _footer(staff.get("/"))
    assert NATIONAL_2024 in footer and GROUP not in footer
    # Staff cannot open "what changed": their link goes to the advice's guidance page.
    (link,) = re.findall(
        r'Your school follows: <a href="([^"]+)"', staff.get("/").get_data(as_text=True)
    )
    assert "/learn/guidance/UKCIS-2024" in html.unescape(link).replace("%20", " ")
    assert staff.get(html.unescape(link)).status_code == 200
    # Another school of the same trust keeps its own edition.
    assert GROUP in _footer(a2_staff.get("/"))


def test_a_dsls_footer_links_to_what_changed(login_as, world):
    body = login_as("dsl").get("/").get_data(as_text=True)
    assert f'Your school follows: <a href="/schools/{world.a1.id}/what-changed">' in body


def test_signed_out_pages_name_no_school_edition(client):
    footer = _footer(client.get("/sign-in"))
    assert "Your school follows" not in footer
    assert "nudes and semi-nudes" in footer and "call 999" in footer


def test_the_module_intro_names_the_edition_an_attempt_started_under(app, login_as, world):
    staff = login_as("staff")
    intro = _visible(staff.get(f"/learn/{MODULE}"))
    assert f"This module follows {GROUP}, with your school's local protocol." in intro
    start_module(staff)
    _follow(app, world, "ukcis-2024")
    intro = _text(staff.get(f"/learn/{MODULE}"))
    main, footer = intro.split('<footer class="site-footer">', 1)
    main = " ".join(re.sub(r"<[^>]*>", " ", main).split()).replace(" ,", ",")
    # The attempt keeps the protocol it started with; the school now follows 2024.
    assert f"This module follows {GROUP}" in main
    assert "You finish it under the guidance it started with." in main
    assert NATIONAL_2024 in footer
    other = login_as("dsl")
    assert f"This module follows {NATIONAL_2024}" in _visible(other.get(f"/learn/{MODULE}"))


# --- What changed since 2016 ---------------------------------------------------------------


def test_what_changed_cites_both_sides_and_every_citation_opens(app, login_as, world):
    changes, problems = load_changes(CHANGES_FILE, quote_found)
    assert problems == []
    dsl = login_as("dsl")
    response = dsl.get(f"/schools/{world.a1.id}/what-changed")
    assert response.status_code == 200
    body = _text(response)
    main = body.split('<footer class="site-footer">', 1)[0]
    assert f"A1 follows: {GROUP}, with its local protocol." in main
    ids = {change.id for change in changes}
    for needed in (
        "terminology",
        "referral-criteria",
        "coercion-and-consent",
        "overview-for-all-staff",
        "sextortion",
        "ai-imagery",
        "report-remove",
        "searching-devices",
    ):
        assert needed in ids
    for change in changes:
        assert f'<h2 id="{change.id}">{change.title}</h2>' in main
        section = main.split(f'id="{change.id}"', 1)[1].split("<section", 1)[0]
        cited = [link.rsplit("/", 1)[1] for link in _links(section)]
        group = [c for c in cited if c.startswith(quote("UKCCIS-2016", safe=""))]
        advice = [c for c in cited if not c.startswith(quote("UKCCIS-2016", safe=""))]
        assert group and advice, change.id
        assert change.advice_2024.summary in section
    for link in set(_links(main)):
        assert dsl.get(link).status_code == 200, link
    # Admins of the school see where to change it; a DSL is told who chooses.
    assert "The school's administrators choose the edition" in main
    admin_page = _text(login_as("school_admin").get(f"/schools/{world.a1.id}/what-changed"))
    assert f'href="/schools/{world.a1.id}/compliance/protocol"' in admin_page


def test_what_changed_shows_each_schools_own_edition(app, login_as, world):
    _follow(app, world, "ukcis-2024", school="a2")
    trust_admin = login_as("trust_admin")
    a2 = _text(trust_admin.get(f"/schools/{world.a2.id}/what-changed"))
    a1 = _text(trust_admin.get(f"/schools/{world.a1.id}/what-changed"))
    assert f"A2 follows: {NATIONAL_2024}" in a2
    assert f"A1 follows: {GROUP}" in a1
    assert login_as("staff").get(f"/schools/{world.a1.id}/what-changed").status_code == 403
    assert login_as("dsl").get(f"/schools/{world.a2.id}/what-changed").status_code == 403


def test_dsl_and_admin_homes_link_to_what_changed(login_as, world):
    for role in ("dsl", "school_admin"):
        body = login_as(role).get("/").get_data(as_text=True)
        assert f'href="/schools/{world.a1.id}/what-changed"' in body, role
    staff_home = login_as("staff").get("/").get_data(as_text=True)
    assert "what-changed" not in staff_home


# --- Guidance pages behind citations -------------------------------------------------------


def test_every_described_section_has_a_summary_page(client):
    described = [s for s in known_sections() if not SOURCES[s.source].vendored]
    assert {s.source for s in described} >= {"UKCIS-2024", "UKCIS-2024-OVERVIEW"}
    for cited in described:
        response = client.get("/learn/guidance/" + quote(cited.citation, safe=""))
        assert response.status_code == 200, cited.citation
        body = _text(response)
        source = SOURCES[cited.source]
        assert f"<h1>{cited.heading}</h1>" in body, cited.citation
        assert cited.summary and cited.summary in body
        assert source.title in body and source.edition in body
        assert "our summary in our own words, not the text of the guidance" in body
        assert f'href="{cited.url or source.url}"' in body
        assert (cited.url or source.url).startswith("https://")


def test_every_registered_citation_opens_a_page(client):
    for cited in known_sections():
        response = client.get("/learn/guidance/" + quote(cited.citation, safe=""))
        assert response.status_code == 200, cited.citation
    assert client.get("/learn/guidance/" + quote("UKCIS-2024 §99", safe="")).status_code == 404


def test_a_vendored_passage_says_it_is_the_documents_own_text(client):
    body = _text(client.get("/learn/guidance/" + quote("UKCCIS-2016 §3.3", safe="")))
    assert "An immediate referral to police or social care should be made" in body
    assert "quoted in full" in body and SOURCES["UKCCIS-2016"].edition in body
    assert not mentions(body, "our summary")


def test_a_change_saved_by_another_worker_shows_within_a_minute(app, login_as, world, monkeypatch):
    staff = login_as("staff")
    assert GROUP in _footer(staff.get("/"))
    # Saved as another worker would: this worker's remembered edition is not told.
    with app.app_context():
        admin = db.session.get(User, world.users["school_admin"].id)
        update_protocol(
            world.a1.id, LocalProtocol(edition="ukcis-2024"), actor=admin, ip_address=None
        )
    assert GROUP in _footer(staff.get("/"))
    later = school.time.monotonic() + app.config["SCHOOL_EDITION_MEMO_SECONDS"] + 1
    monkeypatch.setattr(school.time, "monotonic", lambda: later)
    assert NATIONAL_2024 in _footer(staff.get("/"))
