"""Quotes of the guidance in pages and quiz text are checked verbatim against what they cite.

One small page per kind of problem, and the quotes the law module relies on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask import Flask

from tests.content.conftest import INDEX, REPO, Build, front_matter, only, quiz
from training_app.content import Library, Problem, check, load_library
from training_app.content.quotes import find_quotes
from training_app.content_cli import content
from training_app.rules import normalise_text

CHILD = (
    "The Sexual Offences Act 2003 (England and Wales) defines a child, for the purposes of "
    "indecent images, as anyone under the age of 18."
)
OUTCOME_21 = (
    "Further investigation, resulting from the crime report, which could provide evidence "
    "sufficient to support formal action being taken against the suspect is not in the public "
    "interest. This is a police decision."
)
NPCC = (
    "The National Police Chiefs Council (NPCC) in the UK is clear that incidents involving youth "
    "produced sexual imagery should primarily be treated as safeguarding issues."
)
DBS = (
    "Disclosure of an incident of youth produced sexual imagery with outcome 21 on a DBS "
    "certificate would therefore be unlikely."
)


def page(body: str) -> dict[str, str]:
    """A module whose index page has this body."""
    return {"index.md": front_matter(INDEX, body)}


def problem_in(build: Build, body: str) -> Problem:
    found = only(build(quiz(), page(body)))
    assert (found.file, found.node, found.field) == ("scenarios/m/index.md", "", "body")
    return found


# --- What counts as a quote ---------------------------------------------------------------


def test_a_verbatim_blockquote_passes_whatever_its_line_breaks(build: Build) -> None:
    body = (
        "> The Sexual Offences Act 2003 (England and Wales) defines\n> a child, for the purposes "
    )
    body += "of indecent images,\n> as anyone under the age of 18. [[UKCCIS-2016 §2.0]]\n"
    assert check(build(quiz(), page(body))) == []


def test_a_blockquote_without_a_citation_is_not_a_quote_of_the_guidance() -> None:
    assert find_quotes('> "Miss, you need to see this," says Callum.\n') == ()


def test_each_part_is_vouched_for_by_the_citations_after_it() -> None:
    body = (
        "> It was not intended to criminalise children. [[UKCCIS-2016 §2.1]] "
        "This is not the same as having a criminal record. [[UKCCIS-2016 §2.3]] "
        '[[APPX8 "The Law"]]\n'
    )
    found = [(q.text, q.citations) for q in find_quotes(body)]
    assert found == [
        ("It was not intended to criminalise children.", ("UKCCIS-2016 §2.1",)),
        (
            "This is not the same as having a criminal record.",
            ("UKCCIS-2016 §2.3", 'APPX8 "The Law"'),
        ),
    ]


def test_list_items_and_ellipses_are_checked_part_by_part(build: Build) -> None:
    # The PDF text of §3.3 has lost its list numbers' places, and item 6 has a slip of the pen
    # ("a pupil or pupil") that an author may leave out.
    body = (
        "> An immediate referral to police or social care should be made if at this initial "
        "stage:\n>\n> 1. The incident involves an adult\n"
        "> 2. You have reason to believe a pupil … is at immediate risk of harm owing to the "
        "sharing of the imagery\n>\n> [[UKCCIS-2016 §3.3]]\n"
    )
    assert [q.text for q in find_quotes(body)] == [
        "An immediate referral to police or social care should be made if at this initial stage:",
        "The incident involves an adult",
        "You have reason to believe a pupil",
        "is at immediate risk of harm owing to the sharing of the imagery",
    ]
    assert check(build(quiz(), page(body))) == []


def test_quoted_words_in_a_law_callout_are_quotes(build: Build) -> None:
    body = (
        "::: law\nThe guidance says it is an offence “to possess, distribute, show and make "
        'indecent images of children”, and that "‘Indecent’ is not defined in legislation." '
        "[[UKCCIS-2016 §2.0]]\n:::\n"
    )
    assert [q.text for q in find_quotes(body)] == [
        "to possess, distribute, show and make indecent images of children",
        "Indecent’ is not defined in legislation.",
    ]
    assert check(build(quiz(), page(body))) == []


def test_quote_marks_in_a_guidance_callout_are_checked_like_the_law_box(build: Build) -> None:
    body = (
        "::: guidance\nThe police “can record that they chose not to take further action as it "
        "was not in the public interest” [[UKCCIS-2016 §2.4]].\n:::\n"
    )
    assert [(q.kind, q.text) for q in find_quotes(body)] == [
        (
            "law",
            "can record that they chose not to take further action as it was not in the "
            "public interest",
        ),
    ]
    assert check(build(quiz(), page(body))) == []
    wrong = body.replace("§2.4", "§2.0")
    assert problem_in(build, wrong).message.startswith("quote “can record that they chose")


def test_a_law_callout_without_quote_marks_has_no_quotes() -> None:
    body = "::: law\nSharing an image of anyone under 18 is illegal [[UKCCIS-2016 §2.0]].\n:::\n"
    assert find_quotes(body) == ()


def test_a_blockquote_inside_a_law_callout_is_checked_as_a_blockquote() -> None:
    body = f"::: law\nThe law says:\n\n> {CHILD} [[UKCCIS-2016 §2.0]]\n:::\n"
    assert [(q.kind, q.text) for q in find_quotes(body)] == [("blockquote", CHILD)]


# --- One fixture per problem --------------------------------------------------------------


def test_quote_from_another_section_names_where_it_is(build: Build) -> None:
    found = problem_in(build, f"> {OUTCOME_21} [[UKCCIS-2016 §2.3]]\n")
    assert found.message == (
        "quote “Further investigation, resulting from the crime report, which…” is not in "
        "UKCCIS-2016 §2.3"
    )
    assert found.hint == "it is in UKCCIS-2016 §2.4: cite that"


def test_a_quote_citing_a_described_source_is_refused(build: Build) -> None:
    found = problem_in(build, "> An adult is involved. [[UKCIS-2024 §2.2]]\n")
    assert (
        found.message
        == "quote “An adult is involved.” cites UKCIS-2024 §2.2: UKCIS-2024 is not vendored"
    )
    assert found.hint.startswith("UKCIS-2024 is not vendored: paraphrase it and cite the section")


def test_a_paraphrase_citing_a_described_source_is_fine(build: Build) -> None:
    body = "An adult being involved means an immediate referral. [[UKCIS-2024 §2.2]]\n"
    assert check(build(quiz(), page(body))) == []


def test_quote_that_is_nowhere_in_the_guidance(build: Build) -> None:
    found = problem_in(build, "> Sexting is never illegal between friends. [[UKCCIS-2016 §2.0]]\n")
    assert found.message.startswith("quote “Sexting is never illegal between friends.” is not in")
    assert found.hint.startswith("copy it exactly from the guidance")


def test_quote_with_straight_quote_marks_where_the_guidance_has_curly_ones(build: Build) -> None:
    found = problem_in(build, "> 'Indecent' is not defined in legislation. [[UKCCIS-2016 §2.0]]\n")
    assert found.hint.startswith('the words are in UKCCIS-2016 §2.0, APPX8 "The Law", but its')
    assert "quote marks, apostrophes or dashes differ" in found.hint


def test_quote_with_a_word_changed(build: Build) -> None:
    reworded = CHILD.replace("anyone under", "everyone under")
    found = problem_in(build, f"> {reworded} [[UKCCIS-2016 §2.0]]\n")
    assert "is not in UKCCIS-2016 §2.0" in found.message
    assert found.hint.startswith("copy it exactly")


def test_blockquote_text_after_its_last_citation(build: Build) -> None:
    found = problem_in(build, f"> {DBS} [[UKCCIS-2016 §2.5]] So don't worry about it.\n")
    assert found.message == "quote “So don't worry about it.” has no citation after it"


def test_law_callout_quote_not_in_the_cited_section(build: Build) -> None:
    body = f"::: law\nOutcome 21 states: “{OUTCOME_21}” [[UKCCIS-2016 §2.5]]\n:::\n"
    found = problem_in(build, body)
    assert "is not in UKCCIS-2016 §2.5" in found.message
    assert found.hint == "it is in UKCCIS-2016 §2.4: cite that"


def test_law_callout_quote_after_the_last_citation(build: Build) -> None:
    body = "::: law\nIt is illegal [[UKCCIS-2016 §2.0]]; the police call it “a crime”.\n:::\n"
    found = problem_in(build, body)
    assert found.message == "quote “a crime” has no citation after it"


def test_a_quote_with_only_an_unknown_citation_reports_only_the_citation(build: Build) -> None:
    found = problem_in(build, f"> {CHILD} [[UKCCIS-2016 §2]]\n")
    assert found.message == "unknown citation 'UKCCIS-2016 §2'"


def test_quotes_in_quiz_text_are_checked_too(build: Build) -> None:
    data = quiz()
    data["nodes"]["aside"]["situation"] = f"> {NPCC} [[UKCCIS-2016 §2.1]]\n"
    found = only(build(data))
    assert (found.file, found.node, found.field) == ("quizzes/m.yaml", "aside", "situation")
    assert found.hint == "it is in UKCCIS-2016 §2.2: cite that"


def test_flask_content_check_reports_a_bad_quote(tmp_path: Path) -> None:
    scenarios, quizzes = tmp_path / "scenarios", tmp_path / "quizzes"
    (scenarios / "m").mkdir(parents=True)
    quizzes.mkdir()
    body = f"Outcome 21 states:\n\n> {OUTCOME_21} [[UKCCIS-2016 §2.5]]\n"
    (scenarios / "m" / "index.md").write_text(front_matter(INDEX, body), encoding="utf-8")
    (quizzes / "m.yaml").write_text(yaml.safe_dump(quiz()), encoding="utf-8")
    app = Flask(__name__)
    app.config.update(SCENARIOS_DIR=str(scenarios), QUIZZES_DIR=str(quizzes))
    app.cli.add_command(content)
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert result.stdout == (
        "scenarios/m/index.md::body: quote “Further investigation, resulting from the crime "
        "report, which…” is not in UKCCIS-2016 §2.5 (it is in UKCCIS-2016 §2.4: cite "
        "that)\n"
    )


# --- The law module quotes the sentences that matter, verbatim ----------------------------


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(REPO / "scenarios", REPO / "quizzes")


@pytest.mark.parametrize(
    ("sentence", "citation"),
    [
        (CHILD, "UKCCIS-2016 §2.0"),
        (OUTCOME_21, "UKCCIS-2016 §2.4"),
        (NPCC, "UKCCIS-2016 §2.2"),
        (DBS, "UKCCIS-2016 §2.5"),
        ("This is not the same as having a criminal record.", "UKCCIS-2016 §2.3"),
    ],
    ids=["child", "outcome-21", "npcc", "dbs", "crime-recording"],
)
def test_the_law_module_quotes_the_key_sentences(
    library: Library, sentence: str, citation: str
) -> None:
    quotes = [q for p in library.module("law-and-outcome-21").pages for q in find_quotes(p.body)]
    assert any(
        normalise_text(q.text) == normalise_text(sentence) and citation in q.citations
        for q in quotes
    ), sentence


def test_every_quote_in_the_law_module_is_verbatim(library: Library) -> None:
    module = library.module("law-and-outcome-21")
    files = {page.file for page in module.pages} | {module.quiz.file if module.quiz else ""}
    problems = [p for p in check(library) if p.file in files]
    assert problems == [], "\n".join(map(str, problems))
    assert sum(len(find_quotes(p.body)) for p in module.pages) >= 10
