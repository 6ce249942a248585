"""`flask content check` checks the "what changed since 2016" file: citations on both sides,
verbatim quotes from the vendored policy only, and no quotations of described sources."""

from __future__ import annotations

from pathlib import Path

import yaml

from training_app.content.guidance import quote_found
from training_app.editions.changes import CHANGES_FILE, load_changes, read_changes

GOOD = {
    "id": "criteria",
    "title": "Immediate referral",
    "group_policy": {
        "summary": "Six criteria.",
        "quote": "The incident involves an adult",
        "citations": ["UKCCIS-2016 §3.3"],
    },
    "advice_2024": {"summary": "Five criteria.", "citations": ["UKCIS-2024 §2.2"]},
}


def _problems(*changes):
    return [
        str(p)
        for p in read_changes({"changes": list(changes)}, "what-changed.yaml", quote_found)[1]
    ]


def _with(side: str, **values):
    return {**GOOD, side: {**GOOD[side], **values}}


def test_the_shipped_file_checks_clean_and_covers_the_issues_list():
    changes, problems = load_changes(CHANGES_FILE, quote_found)
    assert problems == []
    assert len(changes) >= 8
    for change in changes:
        assert change.group_policy.citations and change.advice_2024.citations


def test_a_good_change_has_no_problems():
    changes, problems = read_changes({"changes": [GOOD]}, "f.yaml", quote_found)
    assert problems == [] and changes[0].group_policy.quote == "The incident involves an adult"


def test_a_bad_citation_is_reported_with_file_change_and_field():
    (problem,) = _problems(_with("advice_2024", citations=["UKCIS-2024 §42"]))
    assert problem.startswith("what-changed.yaml:criteria:advice_2024.citations:")
    assert "unknown citation 'UKCIS-2024 §42'" in problem
    (problem,) = _problems(_with("group_policy", citations=["UKCCIS-2016 §3.9"]))
    assert problem.startswith("what-changed.yaml:criteria:group_policy.citations:")


def test_each_side_cites_its_own_kind_of_source():
    (problem,) = _problems(_with("advice_2024", citations=["UKCCIS-2016 §3.3"]))
    assert "advice_2024.citations" in problem and "wrong side" in problem
    wrong = _with("group_policy", citations=["UKCIS-2024 §2.2"], quote="")
    del wrong["group_policy"]["quote"]
    (problem,) = _problems(wrong)
    assert "group_policy.citations" in problem and "wrong side" in problem
    (problem,) = _problems(_with("advice_2024", citations=[]))
    assert "advice_2024.citations" in problem and "at least one" in problem


def test_described_sources_are_never_quoted():
    (problem,) = _problems(_with("advice_2024", quote="Anything at all"))
    assert "advice_2024.quote" in problem and "unknown key" in problem
    (problem,) = _problems(_with("advice_2024", summary="The advice says “refer at once”."))
    assert "advice_2024.summary" in problem and "paraphrase" in problem


def test_a_quote_must_be_verbatim_in_the_cited_section():
    (problem,) = _problems(_with("group_policy", quote="Refer every incident to the police"))
    assert "group_policy.quote" in problem and "not found verbatim" in problem
    # Verbatim, but in another section than the one cited.
    (problem,) = _problems(
        _with(
            "group_policy", quote="The incident involves an adult", citations=["UKCCIS-2016 §5.2"]
        )
    )
    assert "group_policy.quote" in problem


def test_missing_keys_duplicates_and_bad_ids_are_reported():
    problems = _problems({"id": "Bad Id", "title": "x"}, GOOD, GOOD)
    joined = "\n".join(problems)
    assert "missing required key 'group_policy'" in joined
    assert "is not a lower-case-hyphenated id" in joined
    assert "'criteria' is used twice" in joined
    assert read_changes([], "f.yaml", quote_found)[1][0].field == "changes"


def test_flask_content_check_reports_the_file_and_field(app, runner, tmp_path: Path):
    bad = tmp_path / "what-changed.yaml"
    bad.write_text(
        yaml.safe_dump(
            {"changes": [_with("advice_2024", citations=["UKCIS-2024 §42"])]}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    app.config["WHAT_CHANGED_FILE"] = str(bad)
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "what-changed.yaml:criteria:advice_2024.citations: unknown citation" in result.output
    app.config["WHAT_CHANGED_FILE"] = str(CHANGES_FILE)
    clean = runner.invoke(args=["content", "check"])
    assert "what-changed" not in clean.output
