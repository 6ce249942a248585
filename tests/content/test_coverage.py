"""`flask content coverage`: what pages teach (declared, checked) and quizzes test (computed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.content.conftest import INDEX, REPO, Build, front_matter, only, quiz
from training_app.content import Library, check, evaluate, follow_path, load_library, score
from training_app.content.check import COVERAGE_PROTOCOLS as PROTOCOLS
from training_app.content.coverage import (
    FIELD_SOURCES,
    STEP_SOURCES,
    TEACHABLE,
    bound_fields,
    coverage,
    ids_tested,
    taught_ids,
    ukccis_sections,
)
from training_app.content_cli import content
from training_app.rules import (
    ACTION_IDS,
    DEFAULT_PROTOCOL,
    EDITION_TRIGGERS,
    FACT_FIELDS,
    PROTOCOL_TRIGGERS,
    PUPIL_FIELDS,
    TRIGGER_RULES,
    TRIGGERS,
    LocalProtocol,
    action_rules,
    is_valid_citation,
    parse_facts,
)

# Facts under which every trigger holds.
EVERY_TRIGGER: dict[str, Any] = {
    "pupils": [{"age": 12, "vulnerable": True}],
    "adult_involved": True,
    "coercion_or_blackmail": True,
    "content": "extreme_or_violent",
    "immediate_risk_of_harm": True,
    "malicious_intent": True,
}


def teaching_page(teaches: list[str], body: str | None = None) -> str:
    """A page that declares `teaches` and cites the first source of each rule it names."""
    cited = " ".join(f"[[{TEACHABLE[i][0]}]]" for i in teaches if i in TEACHABLE)
    meta = {"title": "Everything", "citations": ["UKCCIS-2016 §3.3"], "teaches": teaches}
    return front_matter(meta, body if body is not None else f"It all matters {cited}.\n")


# Facts under which the engine takes every step the 2024 advice added.
EVERY_NEW_STEP: dict[str, Any] = {
    "pupils": [{"age": 15}],
    "coercion_or_blackmail": True,
    "perpetrator_unknown_online": True,
    "immediate_risk_of_harm": True,
    "other_school_pupils_involved": True,
}


def full_quiz() -> dict[str, Any]:
    """A quiz whose three questions test every action, every trigger and every new step."""
    return quiz(
        start="actions",
        nodes={
            "actions": {
                "kind": "action",
                "select": "many",
                "prompt": "Which do you do?",
                "choices": [{"id": a, "label": a, "action": a} for a in ACTION_IDS],
                "next": "triggers",
            },
            "triggers": {
                "kind": "decision",
                "facts": EVERY_TRIGGER,
                "ask": "triggers",
                "prompt": "Which criteria apply?",
                "choices": [
                    {"id": "all", "label": "All of them", "value": list(TRIGGERS)},
                    # The same facts under the 2024 edition and the under-13 option (the
                    # checker asks for a right answer under every school protocol).
                    *(
                        {
                            "id": f"{edition}-{under_13}",
                            "label": f"{edition}, {under_13}",
                            "value": [*EDITION_TRIGGERS[edition], *extra],
                        }
                        for edition in EDITION_TRIGGERS
                        for under_13, extra in (("", ()), ("always", PROTOCOL_TRIGGERS))
                        if (edition, under_13) != (DEFAULT_PROTOCOL.edition, "")
                    ),
                    {"id": "none", "label": "None of them", "value": []},
                ],
                "next": "steps",
            },
            "steps": {
                "kind": "decision",
                "select": "many",
                "facts": EVERY_NEW_STEP,
                "ask": "next_steps",
                "prompt": "Which steps does the DSL take?",
                "choices": [
                    *({"id": s, "label": s, "value": s} for s in STEP_SOURCES),
                    {"id": "delete", "label": "Delete it", "value": "arrange_deletion"},
                ],
                "next": "end",
            },
        },
    )


EVERYTHING = [
    *(f"trigger:{t}" for t in TRIGGERS),
    *(f"action:{a}" for a in ACTION_IDS),
    *(f"step:{s}" for s in STEP_SOURCES),
]


def full_pages(teaches: list[str] | None = None) -> dict[str, str]:
    return {
        "index.md": front_matter(INDEX),
        "01-everything.md": teaching_page(EVERYTHING if teaches is None else teaches),
    }


def run(tmp_path: Path, *args: str) -> Any:
    app = Flask(__name__)
    app.config.update(
        SCENARIOS_DIR=str(tmp_path / "scenarios"), QUIZZES_DIR=str(tmp_path / "quizzes")
    )
    app.cli.add_command(content)
    runner: FlaskCliRunner = app.test_cli_runner()
    return runner.invoke(args=["content", "coverage", *args])


def question(library: Library, node_id: str) -> Any:
    return library.quizzes["m"].nodes[node_id]


# --- Tested: computed from the engine -----------------------------------------------------


def test_a_decision_node_tests_its_ask_the_triggers_behind_it_and_the_facts_it_sets(
    build: Build,
) -> None:
    refer = question(build(quiz()), "refer")  # facts: one pupil of 15, an adult involved
    tested = ids_tested(refer, PROTOCOLS)
    assert {"decision:refer_immediately", "trigger:adult_involved"} <= tested
    assert {"field:age", "field:adult_involved"} <= tested
    assert "trigger:coercion_or_blackmail" not in tested and "field:pictured" not in tested
    # The engine's explanation of the answer cites §3.3: the node tests that section too.
    assert "guidance:UKCCIS-2016 §3.3" in tested


def test_an_action_node_tests_every_action_on_offer_and_the_rules_sources(build: Build) -> None:
    tell = question(build(quiz()), "tell")
    tested = ids_tested(tell, PROTOCOLS)
    assert {"action:report_to_dsl_immediately", "action:forward_imagery_to_dsl"} <= tested
    cited = {
        c for rule in action_rules() if rule.id == "forward_imagery_to_dsl" for c in rule.citations
    }
    assert {f"guidance:{c}" for c in cited} <= tested


def test_a_knowledge_node_tests_the_sections_it_cites(build: Build) -> None:
    law = question(build(quiz()), "law")
    assert ids_tested(law, PROTOCOLS) == {"guidance:UKCCIS-2016 §2.0"}


def test_an_id_counts_only_if_tested_under_every_school_protocol(build: Build) -> None:
    # Nude imagery, no trigger: only a Dorset-threshold school involves the police.
    data = quiz()
    data["nodes"]["refer"].update(
        facts={"pupils": [{"age": 15}], "content": "nude"},
        ask="agencies",
        choices=[
            {"id": "none", "label": "Nobody", "value": []},
            {"id": "police", "label": "The police", "value": ["police"]},
        ],
    )
    refer = question(build(data), "refer")
    dorset = LocalProtocol(police_threshold="dorset")
    assert "agency:police" in ids_tested(refer, [dorset])
    assert "agency:police" not in ids_tested(refer, PROTOCOLS)
    assert "decision:agencies" in ids_tested(refer, PROTOCOLS)


def test_bound_fields_are_the_facts_set_away_from_their_defaults() -> None:
    facts = parse_facts(
        {
            "pupils": [{"age": 14, "pictured": False}, {"age": 14, "social_care_involved": True}],
            "content": "nude",
            "parents_pose_risk": True,
        }
    )
    assert bound_fields(facts) == {
        "field:age",
        "field:pictured",
        "field:social_care_involved",
        "field:content",
        "field:parents_pose_risk",
    }
    assert bound_fields(parse_facts({"pupils": [{"age": 9}], "content": "unknown"})) == {
        "field:age"
    }


def test_info_nodes_test_nothing(build: Build) -> None:
    assert ids_tested(question(build(quiz()), "aside"), PROTOCOLS) == frozenset()


# --- Taught: declared in front matter, and checked ----------------------------------------


def test_a_declared_and_cited_item_is_taught(build: Build) -> None:
    library = build(quiz(), full_pages(["trigger:adult_involved", "field:content"]))
    assert check(library) == []
    [page] = [p for p in library.module("m").pages if p.slug == "everything"]
    assert {"trigger:adult_involved", "field:content", "guidance:UKCCIS-2016 §3.3"} <= taught_ids(
        page
    )


def test_unknown_teaches_id_is_a_problem_with_a_suggestion(build: Build) -> None:
    pages = full_pages()
    pages["01-everything.md"] = teaching_page(
        ["trigger:adult_involvd"], "Text [[UKCCIS-2016 §3.3]]."
    )
    problem = only(build(quiz(), pages))
    assert (problem.file, problem.field) == ("scenarios/m/01-everything.md", "teaches")
    assert problem.message == "unknown id 'trigger:adult_involvd'"
    assert problem.hint == "did you mean trigger:adult_involved?"


def test_teaches_without_citing_the_rules_sources_is_a_problem(build: Build) -> None:
    pages = full_pages()
    # §2.0 is not a source of the view_imagery rule, so the claim is not backed by the page.
    pages["01-everything.md"] = teaching_page(
        ["action:view_imagery"], "Don't [[UKCCIS-2016 §2.0]]."
    )
    library = build(quiz(), pages)
    problem = only(library)
    assert (
        problem.message
        == "the page says it teaches action:view_imagery but cites none of its sources"
    )
    assert problem.hint.startswith('cite one of: RUTLAND-2017 "For any setting where there are')
    [page] = [p for p in library.module("m").pages if p.slug == "everything"]
    assert "action:view_imagery" not in taught_ids(page)


def test_teaches_on_the_index_page_too(build: Build) -> None:
    meta = {**INDEX, "teaches": ["field:nope"]}
    problem = only(build(quiz(), {"index.md": front_matter(meta)}))
    assert (problem.file, problem.message) == ("scenarios/m/index.md", "unknown id 'field:nope'")


def test_a_section_is_taught_by_any_page_that_cites_it_in_its_text(build: Build) -> None:
    library = build(quiz(), {"index.md": front_matter(INDEX, "See [[UKCCIS-2016 §2.4]].\n")})
    report = coverage(library, PROTOCOLS)
    row = {r.id: r for r in report.rows}["guidance:UKCCIS-2016 §2.4"]
    assert row.taught == (("m", "index"),) and row.gap == "untested"


# --- The report ---------------------------------------------------------------------------


def test_every_trigger_action_field_and_section_has_a_row(build: Build) -> None:
    rows = coverage(build(quiz()), PROTOCOLS).rows
    ids = [r.id for r in rows]
    assert ids[: len(TRIGGERS)] == [f"trigger:{t}" for t in TRIGGERS]
    assert {f"action:{a}" for a in ACTION_IDS} <= set(ids)
    fields = {"age", *PUPIL_FIELDS[1:], *FACT_FIELDS[1:]}
    assert {r.id for r in rows if r.category == "fields"} == {f"field:{f}" for f in fields}
    sections = [r.id for r in rows if r.category == "sections"]
    assert sections[0] == "guidance:UKCCIS-2016 §2.0"
    assert sections[-1] == "guidance:UKCCIS-2016 §9.3 (Annex C)"


def test_the_new_dsl_steps_have_rows_and_fail_when_uncovered(build: Build) -> None:
    report = coverage(build(quiz()), PROTOCOLS)
    steps = [r for r in report.rows if r.category == "steps"]
    assert [r.id for r in steps] == [
        "step:call_emergency_services",
        "step:contact_other_school",
        "step:report_remove",
    ]
    assert {r.id for r in report.failures} >= {r.id for r in steps}


def test_a_next_steps_node_tests_the_offered_steps_the_engine_takes(build: Build) -> None:
    library = build(full_quiz(), full_pages())
    tested = ids_tested(question(library, "steps"), PROTOCOLS)
    assert {f"step:{s}" for s in STEP_SOURCES} <= tested
    # Offered but not taken (the police may need the imagery), and never listed as tested.
    assert "step:arrange_deletion" not in tested
    assert "field:other_school_pupils_involved" in tested


def test_sections_that_are_only_a_heading_are_left_out() -> None:
    labels = [s.label for s in ukccis_sections()]
    assert "§3.0" not in labels and "§5.0" not in labels and "§9.0" not in labels
    assert "§1.6" not in labels and {"§2.4", "§2.5", "§3.3", "§9.1 (Annex A)"} <= set(labels)


def test_full_coverage_passes(tmp_path: Path, build: Build) -> None:
    library = build(full_quiz(), full_pages())
    assert check(library) == []
    report = coverage(library, PROTOCOLS)
    assert report.failures == ()
    # Fields and sections have gaps here, and are reported without failing.
    assert any(r.gap for r in report.rows if r.category in ("fields", "sections"))
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert "OK: every trigger and action is taught and tested." in result.stdout
    assert "Reported only:" in result.stdout


def test_an_untaught_trigger_and_an_untested_action_fail(tmp_path: Path, build: Build) -> None:
    data = full_quiz()
    data["nodes"]["actions"]["choices"] = [
        c for c in data["nodes"]["actions"]["choices"] if c["action"] != "power_off_device"
    ]
    build(data, full_pages([i for i in EVERYTHING if i != "trigger:vulnerable_pupil"]))
    result = run(tmp_path)
    assert result.exit_code == 1
    assert result.stdout.endswith(
        "FAIL: 2 trigger(s) or action(s) untaught or untested:\n"
        "  trigger:vulnerable_pupil: untaught\n"
        "  action:power_off_device: untested\n"
        f"Reported only: {result.stdout.split('Reported only: ')[1]}"
    )
    assert "2 trigger(s) or action(s) not covered" in result.stderr
    table = result.stdout.splitlines()
    [line] = [row for row in table if row.lstrip().startswith("vulnerable_pupil ")]
    assert line.rstrip().endswith("<- untaught") and "m: triggers" in line


def test_json_output(tmp_path: Path, build: Build) -> None:
    build(quiz(), full_pages(["trigger:adult_involved"]))
    result = run(tmp_path, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert set(report) == {
        "ok",
        "triggers",
        "actions",
        "steps",
        "fields",
        "sections",
        "failures",
        "skipped_nodes",
    }
    adult = report["triggers"][0]
    assert adult == {
        "id": "trigger:adult_involved",
        "name": "An adult is involved",
        "taught": [{"module": "m", "page": "everything"}],
        "tested": [{"module": "m", "node": "refer"}],
        "gap": "",
    }
    assert "trigger:vulnerable_pupil" in report["failures"]
    assert "field:age" not in report["failures"]


def test_broken_nodes_are_left_out_with_a_note(tmp_path: Path, build: Build) -> None:
    data = full_quiz()
    data["nodes"]["triggers"]["facts"] = {"pupils": []}  # invalid: reported by the checker
    build(data, full_pages())
    result = run(tmp_path)
    assert result.exit_code == 1
    assert "note: the content has problems (nodes left out: m:triggers)" in result.stderr


def test_field_sources_follow_the_decision_contract() -> None:
    assert set(FIELD_SOURCES) == {*PUPIL_FIELDS, *FACT_FIELDS[1:]}
    assert all(is_valid_citation(c) for sources in FIELD_SOURCES.values() for c in sources)
    assert {i for i in TEACHABLE if i.startswith("trigger:")} == {
        f"trigger:{r.id}" for r in TRIGGER_RULES
    }


# --- The real content ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Library:
    return load_library(REPO / "scenarios", REPO / "quizzes")


def test_every_first_responder_action_is_taught_and_tested_by_that_module(real: Library) -> None:
    rows = coverage(real, PROTOCOLS).rows
    for row in (r for r in rows if r.category == "actions"):
        assert ("first-responder" in {m for m, _ in row.taught}) and (
            "first-responder" in {m for m, _ in row.tested}
        ), row.id


def test_the_law_module_teaches_and_tests_the_law(real: Library) -> None:
    rows = {r.id: r for r in coverage(real, PROTOCOLS).rows}
    for section in ("2.0", "2.1", "2.2", "2.3", "2.4", "2.5"):
        row = rows[f"guidance:UKCCIS-2016 §{section}"]
        assert "law-and-outcome-21" in {m for m, _ in row.taught}, section
        assert "law-and-outcome-21" in {m for m, _ in row.tested}, section
    tested = rows["trigger:coercion_or_blackmail"].tested
    assert ("law-and-outcome-21", "later_triggers") in tested


def test_the_law_module_shape(real: Library) -> None:
    module = real.module("law-and-outcome-21")
    quiz_ = module.quiz
    assert quiz_ is not None and quiz_.pass_mark == 80 and quiz_.cases
    assert module.audiences == ("staff", "dsl")
    assert 5 <= len(module.pages) <= 7  # index + 4-6 pages
    assert len(quiz_.questions) >= 8
    branching = [n for n in quiz_.questions if len({c.next or n.next for c in n.choices}) > 1]
    assert len(branching) >= 2
    kinds = {n.kind for n in quiz_.questions}
    assert {"knowledge", "decision", "action"} <= kinds
    asks = {n.ask for n in quiz_.questions if n.kind == "decision"}
    assert {"classification", "refer_immediately"} <= asks
    text = "\n".join(page.body for page in module.pages)
    assert "{{protocol.police_threshold}}" in text and 'DORSET "Dealing with the incident"' in text


def test_the_real_content_reports_without_crashing(real: Library) -> None:
    report = coverage(real, [DEFAULT_PROTOCOL])
    categories = {r.category for r in report.rows}
    assert categories == {"triggers", "actions", "steps", "fields", "sections"}
    ours = {"first-responder", "law-and-outcome-21"}
    assert [node for node in report.skipped if node[0] in ours] == []


def test_the_law_quiz_right_answers_score_full_marks_in_every_school(real: Library) -> None:
    quiz_ = real.module("law-and-outcome-21").quiz
    assert quiz_ is not None
    for protocol in PROTOCOLS:
        path: list[list[str]] = []
        answers, stop = follow_path(quiz_, path)
        while stop != "end":
            node = quiz_.nodes[stop]
            right = evaluate(node, [node.choice_ids()[0]], protocol).correct_choice_ids
            path.append(list(right) if node.select == "many" else [right[0]])
            answers, stop = follow_path(quiz_, path)
        assert score(quiz_, answers, protocol).percent == 100
