"""`flask compliance report`: the same data as the dashboard's exports, as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

from tests.helpers.compliance import add_completion
from training_app.compliance.figures import academic_year
from training_app.compliance.status import uk_today


def test_report_summary_and_detail_as_csv_and_json(app, runner, world, login_as, tmp_path):
    add_completion(app, world.users["staff"], days_ago=5, score=91)
    school = str(world.a1.id)
    summary = runner.invoke(args=["compliance", "report", "--school", school])
    assert summary.exit_code == 0, summary.output
    table = list(csv.reader(io.StringIO(summary.output)))
    assert table[0][:3] == ["Academic year", "Staff group", "Module"]
    web = login_as("school_admin").get(f"/schools/{school}/compliance/summary.csv")
    assert web.get_data(as_text=True).lstrip("\ufeff").replace(
        "\r\n", "\n"
    ) == summary.output.replace("\r\n", "\n")
    detail = runner.invoke(
        args=["compliance", "report", "--school", school, "--kind", "detail", "--format", "json"]
    )
    records = json.loads(detail.output)
    mine = [r for r in records if r["Email"] == "staff@a1.example" and r["Score"] == 91]
    assert len(mine) == 1 and mine[0]["Status"] == "Compliant" and mine[0]["School"] == "A1"
    assert {r["School"] for r in records} == {"A1"}
    out = tmp_path / "summary.json"
    year = academic_year(uk_today()) - 1
    written = runner.invoke(
        args=[
            "compliance",
            "report",
            "--school",
            school,
            "--format",
            "json",
            "--year",
            str(year),
            "--output",
            str(out),
        ]
    )
    assert written.exit_code == 0 and "Wrote" in written.output
    assert isinstance(json.loads(out.read_text()), list)


def test_report_refuses_bad_input(runner, world):
    assert (
        "no school has id 999"
        in runner.invoke(args=["compliance", "report", "--school", "999"]).output
    )
    future = academic_year(uk_today()) + 1
    result = runner.invoke(
        args=["compliance", "report", "--school", str(world.a1.id), "--year", str(future)]
    )
    assert result.exit_code != 0 and "has not started yet" in result.output
