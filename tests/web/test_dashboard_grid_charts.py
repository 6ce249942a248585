"""The dashboard's person by module grid and its charts, drawn on the server as SVG."""

from __future__ import annotations

import re
from datetime import date

from tests.helpers.compliance import add_completion
from training_app.compliance.charts import bar_chart, line_chart, month_ends


def test_grid_shows_a_row_per_person_with_each_modules_status_in_words(app, login_as, world):
    staff = world.users["staff"]
    add_completion(app, staff, "first-responder", days_ago=10)
    body = (
        login_as("school_admin")
        .get(f"/schools/{world.a1.id}/compliance?view=grid")
        .get_data(as_text=True)
    )
    grid = body.split('class="table stack-table person-grid"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", grid, re.S)
    names = [re.search(r">([^<]+)</a>", r)[1] for r in rows]
    assert len(names) == len(set(names)) >= 4  # one row a person
    staff_row = next(r for r in rows if staff.name in r)
    # The status is a word in a tag, with the date that matters: never colour alone.
    assert re.search(r'class="tag tag-small tag-done">[^<]*\w', staff_row)
    assert "valid until" in staff_row
    assert 'data-label="' in staff_row  # labelled cells for the phone layout
    # The switch back to the list keeps the filters.
    filtered = (
        login_as("school_admin")
        .get(f"/schools/{world.a1.id}/compliance?view=grid&group=teaching")
        .get_data(as_text=True)
    )
    assert '<input type="hidden" name="view" value="grid">' in filtered


def test_dashboard_draws_the_staff_group_chart_with_a_table_beside(app, login_as, world):
    add_completion(app, world.users["staff"], "first-responder", days_ago=10)
    body = login_as("dsl").get(f"/schools/{world.a1.id}/compliance").get_data(as_text=True)
    svg = body.split('<svg class="chart-svg"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and "<desc" in svg
    assert re.search(r"<text [^>]*>[^<]+: \d+% \(\d+ of \d+\)</text>", svg)
    assert "<script" not in body.split("<main", 1)[1]
    assert "Completed of required, by staff group and module" in body  # the table alternative
    assert f'href="/schools/{world.a1.id}/compliance/over-time"' in body


def test_over_time_page_has_seven_points_and_their_table(app, login_as, world):
    add_completion(app, world.users["staff"], "first-responder", days_ago=10)
    body = (
        login_as("school_admin")
        .get(f"/schools/{world.a1.id}/compliance/over-time")
        .get_data(as_text=True)
    )
    assert body.count('class="chart-dot"') + body.count("–</td>") >= 7
    assert "(today)" in body and "<caption>Required training in date at each date</caption>" in body


def test_bar_and_line_geometry():
    chart = bar_chart([("Teaching staff", 3, 4), ("Volunteers", 0, 0)])
    assert [b.width for b in chart.bars] == [300.0, 0.0]
    assert chart.bars[1].rate is None
    line = line_chart([("Jan", date(2026, 1, 31), 0.0), ("Today", date(2026, 2, 3), 100.0)])
    first, last = line.points
    assert first.y == line.baseline and last.y < first.y and last.x > first.x
    assert line.path.startswith(f"M{first.x},{first.y} L")
    assert month_ends(date(2026, 3, 15), 3) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
    ]
