"""The checker: one small fixture per kind of problem, each showing its own bad content."""

from __future__ import annotations

from tests.content.conftest import INDEX, QUIZ, Build, front_matter, node, only, quiz
from training_app.content import check


def test_the_valid_fixture_is_clean(build: Build) -> None:
    assert check(build(quiz())) == []


# --- Quiz schema ------------------------------------------------------------------------------


def test_missing_top_level_key(build: Build) -> None:
    data = quiz()
    del data["pass_mark"]
    problem = only(build(data))
    assert (problem.file, problem.node, problem.field) == ("quizzes/m.yaml", "", "pass_mark")
    assert "missing required key" in problem.message


def test_unknown_node_key_names_the_allowed_ones(build: Build) -> None:
    data = quiz()
    data["nodes"]["tell"]["anwser"] = "report"
    problem = only(build(data))
    assert (problem.node, problem.field) == ("tell", "anwser")
    assert "unknown key" in problem.message and "prompt" in problem.hint


def test_wrong_types(build: Build) -> None:
    data = quiz(pass_mark="eighty")
    data["nodes"]["law"]["weight"] = -1
    found = {(p.node, p.field): p.message for p in check(build(data))}
    assert found == {
        ("", "pass_mark"): "expected a whole number, got text",
        ("law", "weight"): "expected a positive number, got -1",
    }


def test_unquoted_yes_as_a_choice_id_is_caught_with_a_hint(build: Build) -> None:
    text = """
module: m
title: A quiz
pass_mark: 80
start: law
nodes:
  law:
    kind: knowledge
    prompt: Under 18?
    citations: [UKCCIS-2016 §2.0]
    quote: anyone under the age of 18.
    choices:
      - {id: yes, label: Yes, correct: true}
      - {id: nope, label: No}
    next: end
"""
    found = check(build(text))
    assert any(
        p.field == "choices[1].id" and "true/false" in p.message and p.hint == "quote it"
        for p in found
    ), found


def test_yaml_syntax_error_names_the_line(build: Build) -> None:
    problem = only(build("module: m\nnodes: [unclosed\n"))
    assert "not valid YAML" in problem.message and "line" in problem.message


def test_duplicate_node_ids_are_not_silently_merged(build: Build) -> None:
    text = "module: m\nnodes:\n  a: {kind: info}\n  a: {kind: info}\n"
    problem = only(build(text))
    assert "line 4: duplicate key 'a'" in problem.message


def test_unknown_kind(build: Build) -> None:
    data = quiz()
    data["nodes"]["aside"]["kind"] = "story"
    found = check(build(data))
    assert any(p.node == "aside" and p.field == "kind" for p in found), found


def test_duplicate_choice_ids(build: Build) -> None:
    data = quiz()
    data["nodes"]["law"]["choices"][1]["id"] = "u18"
    found = check(build(data))
    assert any(
        p.field == "choices[u18].id" and "duplicate choice id" in p.message for p in found
    ), found


# --- Quiz graph -------------------------------------------------------------------------------


def test_unreachable_node(build: Build) -> None:
    data = quiz()
    data["nodes"]["lost"] = {"kind": "info", "situation": "Nobody comes here.", "next": "end"}
    problem = only(build(data))
    assert (problem.node, problem.message) == ("lost", "unreachable from the start node")


def test_start_node_that_does_not_exist(build: Build) -> None:
    problem = only(build(quiz(start="begin")))
    assert (problem.field, problem.message) == ("start", "start node 'begin' does not exist")


def test_dangling_next(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"]["next"] = "nowhere"
    found = check(build(data))
    assert [(p.node, p.field, p.message) for p in found] == [
        ("refer", "next", "next 'nowhere' is not a node"),
        ("law", "", "unreachable from the start node"),
    ]


def test_cycle_without_an_exit(build: Build) -> None:
    data = quiz()
    data["nodes"]["aside"]["next"] = "aside2"
    data["nodes"]["aside2"] = {"kind": "info", "situation": "And again.", "next": "aside"}
    found = check(build(data))
    assert [(p.node, p.message) for p in found] == [
        ("aside", "cycle without an exit: aside, aside2")
    ]


def test_a_cycle_with_an_exit_is_fine(build: Build) -> None:
    data = quiz()
    # "Try again": the wrong choice loops back to the question, the right one moves on.
    data["nodes"]["aside"]["next"] = "tell"
    assert check(build(data)) == []


def test_path_that_never_ends(build: Build) -> None:
    data = quiz()
    data["nodes"]["law"]["next"] = "trap"
    data["nodes"]["trap"] = {"kind": "info", "situation": "Round and round.", "next": "trap"}
    messages = {(p.node, p.message) for p in check(build(data))}
    assert ("trap", "cycle without an exit: trap") in messages
    assert ("law", "no path from this node reaches 'end'") in messages


def test_choice_without_any_next(build: Build) -> None:
    data = quiz()
    del data["nodes"]["tell"]["next"]
    problem = only(build(data))
    assert (problem.node, problem.field) == ("tell", "next")
    assert "report lead nowhere" in problem.message


# --- Engine-bound questions -------------------------------------------------------------------


def test_decision_with_invalid_facts_names_the_facts_field(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"]["facts"] = {"pupils": [{"age": 18}]}
    problem = only(build(data))
    assert (problem.node, problem.field) == ("refer", "facts.pupils[0].age")
    assert "0 to 17" in problem.message


def test_unknown_action_id(build: Build) -> None:
    data = quiz()
    data["nodes"]["tell"]["choices"][0]["action"] = "phone_the_police"
    problem = only(build(data))
    assert (problem.node, problem.field) == ("tell", "choices[report].action")
    assert "unknown action id 'phone_the_police'" in problem.message


def test_decision_where_the_engine_finds_no_correct_choice(build: Build) -> None:
    data = quiz()
    # The engine says refer (an adult is involved), but neither choice says so.
    data["nodes"]["refer"]["choices"][0]["value"] = False
    problem = only(build(data))
    assert (problem.node, problem.field) == ("refer", "choices")
    assert problem.message == "no choice is correct (under every school protocol)"


def test_action_question_where_every_choice_is_correct(build: Build) -> None:
    data = quiz()
    data["nodes"]["tell"]["choices"][1]["action"] = "reassure_the_child"
    problem = only(build(data))
    assert problem.message == "every choice is correct (under every school protocol)"


def test_device_question_is_checked_under_both_device_protocols(build: Build) -> None:
    data = quiz()
    # Right in a flight-mode school, but no choice is right in a power-off school.
    data["nodes"]["tell"]["choices"] = [
        {"id": "flight", "label": "Flight mode", "action": "switch_device_to_flight_mode"},
        {"id": "search", "label": "Search it", "action": "search_device_yourself", "next": "aside"},
    ]
    problem = only(build(data))
    assert problem.message == (
        "no choice is correct (when the school's protocol has device_power=power_off)"
    )


def test_select_many_needs_every_answer_of_the_engine_on_offer(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"].update(
        facts={"pupils": [{"age": 14}], "adult_involved": True, "coercion_or_blackmail": True},
        ask="triggers",
        select="many",
        choices=[
            {"id": "adult", "label": "An adult", "value": "adult_involved"},
            {"id": "malice", "label": "Malice", "value": "malicious_sharing"},
        ],
    )
    problem = only(build(data))
    assert "includes 'coercion_or_blackmail', which no choice offers" in problem.message


STEPS_FACTS = {"pupils": [{"age": 15}], "immediate_risk_of_harm": True}


def test_next_steps_offers_some_steps_and_needs_select_many(build: Build) -> None:
    data = quiz()
    steps = {
        "facts": STEPS_FACTS,
        "ask": "next_steps",
        "select": "many",
        "choices": [
            {"id": "call", "label": "Call 999", "value": "call_emergency_services"},
            {"id": "other", "label": "Another school", "value": "contact_other_school"},
        ],
    }
    data["nodes"]["refer"].update(steps)
    # The engine takes many more steps than these two: offering some of them is enough.
    assert check(build(data)) == []
    data["nodes"]["refer"]["select"] = "one"
    data["nodes"]["refer"]["choices"][0]["value"] = ["call_emergency_services"]
    found = {(p.field, p.message) for p in check(build(data))}
    assert ("select", "ask: next_steps needs select: many") in found


def test_unknown_step_id_in_a_value(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"].update(
        facts=STEPS_FACTS,
        ask="next_steps",
        select="many",
        choices=[
            {"id": "call", "label": "Call 999", "value": "call_emergency_services"},
            {"id": "tea", "label": "Make tea", "value": "make_tea"},
        ],
    )
    problem = only(build(data))
    assert problem.field == "choices[tea].value" and "make_tea" in problem.message


def test_decision_values_must_fit_the_ask(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"]["choices"][0]["value"] = ["adult_involved"]
    data["nodes"]["refer"]["select"] = "many"
    found = {(p.field, p.message) for p in check(build(data))}
    assert ("select", "select: many needs a set-valued ask, not 'refer_immediately'") in found
    assert (
        "choices[yes].value",
        "ask 'refer_immediately' needs true or false, got a list",
    ) in found


def test_unknown_trigger_id_in_a_value(build: Build) -> None:
    data = quiz()
    data["nodes"]["refer"].update(
        ask="triggers",
        choices=[
            {"id": "a", "label": "An adult", "value": ["adult_involved"]},
            {"id": "b", "label": "Nothing", "value": ["nothing_at_all"]},
        ],
    )
    problem = only(build(data))
    assert problem.field == "choices[b].value" and "nothing_at_all" in problem.message


# --- Knowledge questions and citations -------------------------------------------------------


def test_knowledge_question_without_citation(build: Build) -> None:
    data = quiz()
    data["nodes"]["law"]["citations"] = []
    problem = only(build(data))
    assert problem.message == "a knowledge question needs at least one citation"


def test_knowledge_question_without_quote(build: Build) -> None:
    data = quiz()
    del data["nodes"]["law"]["quote"]
    problem = only(build(data))
    assert (problem.field, problem.message) == ("quote", "missing required key 'quote'")


def test_knowledge_question_without_a_correct_choice(build: Build) -> None:
    data = quiz()
    del data["nodes"]["law"]["choices"][0]["correct"]
    problem = only(build(data))
    assert problem.message == "no choice is correct"


def test_quote_not_in_the_cited_source(build: Build) -> None:
    data = quiz()
    data["nodes"]["law"]["quote"] = "Anyone under 16 is a child."
    problem = only(build(data))
    assert (problem.field, problem.message) == ("quote", "the quote is not in the cited section(s)")


def test_quote_from_another_section_says_where_it_is(build: Build) -> None:
    data = quiz()
    data["nodes"]["law"]["quote"] = "Never copy, print or share the imagery. This is illegal."
    problem = only(build(data))
    assert problem.hint == "it is in UKCCIS-2016 §5.1: cite that"


def test_quote_ignores_line_breaks_and_spacing(build: Build) -> None:
    data = quiz()
    data["nodes"]["law"]["quote"] = "defines a child,\n  for the purposes of indecent   images"
    assert check(build(data)) == []


def test_unknown_citation_in_a_node_and_in_its_markdown(build: Build) -> None:
    data = quiz()
    data["nodes"]["law"]["citations"] = ["UKCCIS-2016 §2.0", "KCSIE-2024 §1"]
    data["nodes"]["aside"]["situation"] = "See [[UKCCIS §3.3]]."
    found = {(p.node, p.field, p.message) for p in check(build(data))}
    assert found == {
        ("law", "citations", "unknown citation 'KCSIE-2024 §1'"),
        ("aside", "situation", "unknown citation 'UKCCIS §3.3'"),
    }


# --- Cases ------------------------------------------------------------------------------------


def test_cases_are_replayed(build: Build) -> None:
    data = quiz(
        cases=[
            {"path": ["report", "yes", "u18"], "expect_score": 100, "expect_pass": True},
            {"path": ["forward", "yes", "u18"], "expect_score": 66, "expect_pass": False},
            {"path": ["report", "yes", "u18"], "expect_score": 90},
            {"path": ["report", "yes"]},
            {"path": ["report", "maybe", "u18"]},
        ]
    )
    found = [(p.node, p.field, p.message) for p in check(build(data))]
    assert found == [
        ("", "cases[3].expect_score", "expected 90%, scored 100%"),
        ("law", "cases[4].path", "the path stops at 'law' before the end"),
        ("", "cases[5].path", "node 'refer' has no choice 'maybe'"),
    ]


def test_a_case_can_name_the_school_protocol(build: Build) -> None:
    data = quiz(
        cases=[{"path": ["report", "yes", "u18"], "protocol": {"device_power": "sideways"}}]
    )
    problem = only(build(data))
    assert problem.field == "cases[1].protocol.device_power"


# --- Modules and scenarios --------------------------------------------------------------------


def test_quiz_whose_module_has_no_scenarios_folder(build: Build) -> None:
    problem = only(build(quiz(), with_module=False))
    assert (problem.file, problem.field) == ("quizzes/m.yaml", "module")
    assert problem.message == "no scenarios folder for module 'm'"


def test_quiz_module_must_match_its_file_name(build: Build) -> None:
    problem = only(build(quiz(module="other")))
    assert problem.message == "module 'other' does not match the file name 'm.yaml'"


def test_page_without_front_matter(build: Build) -> None:
    pages = {"index.md": front_matter(INDEX), "01-start.md": "# Just text\n"}
    problem = only(build(pages=pages))
    assert (problem.file, problem.field) == ("scenarios/m/01-start.md", "front matter")
    assert "must start with '---'" in problem.message


def test_front_matter_with_bad_yaml_names_the_file_line(build: Build) -> None:
    pages = {"index.md": front_matter(INDEX), "01-start.md": "---\ntitle: [oops\n---\nText\n"}
    problem = only(build(pages=pages))
    assert problem.file == "scenarios/m/01-start.md" and "line" in problem.message


def test_index_front_matter_errors(build: Build) -> None:
    meta = dict(INDEX, module="other", audiences=["governor"], version=1.0, extra="x")
    del meta["outcomes"]
    found = {(p.field, p.message) for p in check(build(pages={"index.md": front_matter(meta)}))}
    assert found == {
        ("outcomes", "missing required key 'outcomes'"),
        ("extra", "unknown key 'extra'"),
        ("module", "module 'other' does not match the folder 'm'"),
        ("audiences", "unknown audience 'governor'"),
        ("version", "expected text, got a number"),
    }


def test_age_band_only_for_pupil_modules(build: Build) -> None:
    meta = dict(INDEX, age_band="11-14")
    problem = only(build(pages={"index.md": front_matter(meta)}))
    assert problem.message == "age_band is only for modules with audience pupil"


def test_module_without_index(build: Build) -> None:
    problem = only(build(pages={"01-start.md": front_matter({"title": "T", "citations": []})}))
    assert problem.message == "the module folder has no index.md"


def test_badly_named_page(build: Build) -> None:
    pages = {
        "index.md": front_matter(INDEX),
        "start.md": front_matter({"title": "T", "citations": []}),
    }
    problem = only(build(pages=pages))
    assert "is not NN-slug.md" in problem.message


def test_page_citations_tokens_and_callouts_are_checked(build: Build) -> None:
    body = "Cite [[UKCCIS-2016 §99]].\n\n{{protocol.phone_number}}\n\n::: warning\nHi\n:::\n"
    pages = {
        "index.md": front_matter(INDEX),
        "01-start.md": front_matter({"title": "T", "citations": ["APPX8 Step 9"]}, body),
    }
    found = {(p.field, p.message) for p in check(build(pages=pages))}
    assert found == {
        ("citations", "unknown citation 'APPX8 Step 9'"),
        ("body", "unknown citation 'UKCCIS-2016 §99'"),
        ("body", "unknown token '{{protocol.phone_number}}'"),
        ("body", "unknown callout '::: warning'"),
    }


def test_every_problem_is_reported_not_just_the_first(build: Build) -> None:
    data = quiz(pass_mark=120)
    data["nodes"]["tell"]["choices"][0]["action"] = "nope"
    data["nodes"]["law"]["citations"] = ["nope"]
    pages = {"index.md": front_matter(dict(INDEX, title=""))}
    assert len(check(build(data, pages=pages))) == 4


def test_problem_prints_as_file_node_field_message_hint(build: Build) -> None:
    data = quiz()
    data["nodes"]["tell"]["choices"][0]["action"] = "nope"
    line = str(only(build(data)))
    assert line.startswith("quizzes/m.yaml:tell:choices[report].action: unknown action id 'nope' (")


def test_the_valid_fixture_is_what_the_other_tests_edit() -> None:
    # Guards the fixtures: the tests above each change one thing in these.
    assert node("tell")["kind"] == "action" and QUIZ["start"] == "tell"


def test_a_page_has_one_top_heading_its_title(build: Build) -> None:
    """The player prints the title as the page's h1; a second h1 would confuse screen readers."""
    page = "---\ntitle: Start\ncitations: [UKCCIS-2016 §3.1]\n---\n# Start\n\nText.\n\n## Fine\n"
    problem = only(build(pages={"index.md": front_matter(INDEX), "01-start.md": page}))
    assert (problem.file, problem.field) == ("scenarios/m/01-start.md", "body")
    assert problem.message.startswith("level-1 heading '# Start'")
