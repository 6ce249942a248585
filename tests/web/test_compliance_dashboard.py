"""The school and trust dashboards and their exports: figures, filters, pages, isolation."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from tests.conftest import mentions
from tests.helpers.compliance import add_completion, add_people, counting_queries, set_policy
from training_app.compliance.figures import academic_year
from training_app.compliance.policy import ROLE_KEYS, Requirement, TrainingPolicy
from training_app.compliance.status import uk_date, uk_today
from training_app.extensions import db

# Two modules for everyone, so the counts below do not depend on which DSL modules are published.
TWO_MODULES = TrainingPolicy(
    (
        Requirement("first-responder", frozenset(ROLE_KEYS)),
        Requirement("law-and-outcome-21", frozenset(ROLE_KEYS)),
    )
)


@pytest.fixture
def two_modules(app, world):
    set_policy(app, world.a1.id, TWO_MODULES, days_ago=400)


def parse_csv(response):
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_dashboard_figures_lists_and_links(app, login_as, world):
    staff, dsl = world.users["staff"], world.users["dsl"]
    add_completion(app, staff, "first-responder", days_ago=10)
    add_completion(app, staff, "law-and-outcome-21", days_ago=20, score=80)
    add_completion(app, staff, "sextortion-and-ai-imagery", days_ago=5)
    add_completion(app, dsl, "first-responder", days_ago=400)
    body = login_as("school_admin").get(f"/schools/{world.a1.id}/compliance").get_data(as_text=True)
    assert "Training compliance" in body and "A1" in body
    # staff is fully trained; the other three are new (due soon) or overdue.
    assert "1 of 4 people have all their required training in date." in body
    assert "was due" in body  # the overdue list
    assert f'href="/people/{staff.id}/training"' in body
    assert "staff@a1.example" in body and "staff@a2.example" not in body
    assert "Import staff from a CSV file" in body


def test_dsl_sees_the_dashboard_and_opens_records_but_not_the_admin_tools(login_as, world):
    body = login_as("dsl").get(f"/schools/{world.a1.id}/compliance").get_data(as_text=True)
    assert "Training compliance" in body and "staff@a1.example" in body
    # Records open read-only (tests/web/test_compliance_emails.py checks what they show).
    assert f'href="/people/{world.users["staff"].id}/training"' in body
    assert "Import staff" not in body and "Email reminders" not in body


def test_no_query_per_person(app, login_as, world):
    client = login_as("school_admin")
    url = f"/schools/{world.a1.id}/compliance"
    client.get(url)
    with counting_queries(app) as few:
        assert client.get(url).status_code == 200
    add_people(app, world.a1, 60)
    with counting_queries(app) as many:
        assert client.get(url + "?page=2").status_code == 200
    assert len(many) == len(few), "\n".join(many)
    with counting_queries(app) as export:
        assert client.get(url + "/report.csv").status_code == 200
    assert len(export) <= len(few) + 2


def test_filters_search_sort_and_pages(app, login_as, world, two_modules):
    app.config["PER_PAGE"] = 5
    add_people(app, world.a1, 12, prefix="Zed", group="volunteer")
    add_completion(app, world.users["staff"], "first-responder", days_ago=400)
    client = login_as("school_admin")
    url = f"/schools/{world.a1.id}/compliance"
    first = client.get(url).get_data(as_text=True)
    assert "Showing 1–5 of 32." in first  # 16 people x 2 modules
    assert "Page 1 of 7" in first and 'rel="next"' in first
    overdue = client.get(url + "?state=overdue").get_data(as_text=True)
    assert "Showing 1–1 of 1." in overdue and "Person" in overdue
    found = client.get(url + "?q=ZED+011&module=law-and-outcome-21").get_data(as_text=True)
    assert "Showing 1–1 of 1." in found and "Zed 011" in found
    group = client.get(url + "?group=volunteer&sort=name&page=2").get_data(as_text=True)
    assert "Showing 6–10 of 24." in group and "Zed 002" in group
    beyond = client.get(url + "?group=volunteer&page=99").get_data(as_text=True)
    assert "Showing 21–24 of 24." in beyond
    none = client.get(url + "?q=nobody-at-all").get_data(as_text=True)
    assert "No one matches these filters." in none


def test_detail_export_columns_values_filters_and_formula_injection(
    app, login_as, world, make_user, two_modules
):
    evil = make_user("staff", world.a1, name='=HYPERLINK("http://x","click")', email="e@a1.example")
    record = add_completion(app, evil, "first-responder", days_ago=3, score=88)
    client = login_as("school_admin")
    rows = parse_csv(client.get(f"/schools/{world.a1.id}/compliance/report.csv"))
    assert rows[0] == [
        "School",
        "Name",
        "Email",
        "Role",
        "Staff group",
        "Module",
        "Status",
        "Completed at",
        "Score",
        "Expires at",
    ]
    assert len(rows) == 1 + 5 * 2
    mine = [r for r in rows if r[2] == "e@a1.example" and r[7]]
    done_on = uk_date(record.completed_at)
    assert mine == [
        [
            "A1",
            '\'=HYPERLINK("http://x","click")',
            "e@a1.example",
            "Staff",
            "Teaching staff",
            "First responder: what to do if you are told about or find an image",
            "Compliant",
            done_on.isoformat(),
            "88",
            (done_on + timedelta(days=365)).isoformat(),
        ]
    ]
    assert not any("@a2.example" in r[2] or "@b1.example" in r[2] for r in rows)
    filtered = parse_csv(client.get(f"/schools/{world.a1.id}/compliance/report.csv?q=e@a1"))
    assert len(filtered) == 3


def test_summary_export_by_academic_year(app, login_as, world):
    staff = world.users["staff"]
    add_completion(app, staff, "first-responder", days_ago=5)
    client = login_as("school_admin")
    rows = parse_csv(client.get(f"/schools/{world.a1.id}/compliance/summary.csv"))
    assert rows[0] == [
        "Academic year",
        "Staff group",
        "Module",
        "Required",
        "Completed",
        "Completion rate %",
        "Overdue",
    ]
    year = academic_year(uk_today())
    label = f"{year}/{(year + 1) % 100:02d}"
    totals = {r[2]: r for r in rows if r[1] == "All staff groups"}
    fr = totals["First responder: what to do if you are told about or find an image"]
    assert fr == [label, "All staff groups", fr[2], "4", "1", "25.0", "0"]
    teaching = [r for r in rows if r[1] == "Teaching staff" and r[2] == fr[2]]
    assert teaching == [[label, "Teaching staff", fr[2], "4", "1", "25.0", "0"]]  # all teaching
    assert (
        client.get(f"/schools/{world.a1.id}/compliance/summary.csv?year={year + 1}").status_code
        == 404
    )


def test_summary_of_a_past_year_is_as_at_31_august(app, login_as, world, make_user):
    year = academic_year(uk_today()) - 1
    end = date(year + 1, 8, 31)
    veteran = make_user("staff", world.a1, email="vet@a1.example", start_date=date(year - 2, 9, 1))
    # Completed 100 days before the end of last year: in date at 31 August.
    add_completion(app, veteran, "first-responder", days_ago=(uk_today() - end).days + 100)
    rows = parse_csv(
        login_as("school_admin").get(f"/schools/{world.a1.id}/compliance/summary.csv?year={year}")
    )
    label = f"{year}/{(year + 1) % 100:02d}"
    totals = [r for r in rows if r[1] == "All staff groups"]
    assert {r[0] for r in rows[1:]} == {label}
    # Only the veteran was on the staff then (the world's people were added today).
    fr = [r for r in totals if r[2].startswith("First responder")][0]
    assert fr[3:] == ["1", "1", "100.0", "0"]


def test_trust_dashboard_and_exports_cover_only_the_trusts_schools(app, login_as, world):
    client = login_as("trust_admin")
    body = client.get(f"/trusts/{world.a1.trust_id}/compliance").get_data(as_text=True)
    assert mentions(body, "A1") and mentions(body, "A2") and not mentions(body, "B1")
    rows = parse_csv(client.get(f"/trusts/{world.a1.trust_id}/compliance/report.csv"))
    schools = {r[0] for r in rows[1:]}
    assert schools == {"A1", "A2"}
    summary = parse_csv(client.get(f"/trusts/{world.a1.trust_id}/compliance/summary.csv"))
    assert summary[0][0] == "School" and {r[0] for r in summary[1:]} == {"A1", "A2", "All schools"}


@pytest.mark.parametrize("role", ["school_admin", "dsl", "trust_admin"])
def test_admin_homes_show_the_compliance_card(login_as, role):
    body = login_as(role).get("/").get_data(as_text=True)
    assert "Training compliance" in body and "people fully trained" in body


def test_exports_are_audited(app, login_as, world):
    from sqlalchemy import select

    from training_app.audit.models import AuditEvent

    login_as("dsl").get(f"/schools/{world.a1.id}/compliance/report.csv")
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "compliance.exported")
        )
        assert event.school_id == world.a1.id and "detailed training report" in event.summary
