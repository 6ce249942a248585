"""The written account never contradicts the facts: property-based over seeds and difficulties."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from training_app.rehearsal.generator import DIFFICULTIES, MAX_SEED, Incident, generate
from training_app.rehearsal.narrative import label, valid_years
from training_app.rehearsal.questions import (
    QUESTION_IDS,
    QUESTIONS,
    YES_NO,
    is_negative,
    question,
    telling,
)

PROPERTIES = settings(max_examples=300)
incidents = st.builds(
    generate, st.integers(min_value=0, max_value=MAX_SEED), st.sampled_from(DIFFICULTIES)
)

PUPIL_AGE = re.compile(r"(Pupil [A-H]) is (\d+) and in Year (\d+)")
PUPIL_YEAR = re.compile(r"(Pupil [A-H]) \(Year (\d+)\)")
ADULT_AGE = re.compile(r"(\d+)-year-old|says they are (\d+)")
YEAR = re.compile(r"Year (\d+)")
LABEL = re.compile(r"Pupil [A-H]\b")
# Words that would suggest a trigger: allowed only where that fact holds (negative answers aside).
SUGGESTS = {
    "adult_involved": ("adult", "-year-old"),
    "coercion_or_blackmail": ("kept asking", "threatened to"),
    "extreme_or_violent": ("extreme", "violent"),
    "vulnerable": ("foster", "special educational needs", "social worker", "abused"),
    "immediate_risk_of_harm": ("harming themselves", "hurt them"),
    "malicious_intent": ("embarrass", "humiliate"),
    "contacted_by_strangers": ("people they don't know who",),
}
NEVER = ("genital", "penis", "vagina", "breast", "masturbat", "porn", "explicit", "intercourse")


def _text(incident: Incident) -> str:
    return "\n".join([*incident.account, *incident.answers.values()])


def _positive_text(incident: Incident) -> str:
    kept = [a for q, a in incident.answers.items() if not is_negative(a) or q not in YES_NO]
    return "\n".join([*incident.account, *kept])


def _holds(incident: Incident, fact: str) -> bool:
    facts = incident.facts
    if fact == "vulnerable":
        return any(
            p.vulnerable or p.previously_abused or p.social_care_involved for p in facts.pupils
        )
    if fact == "extreme_or_violent":
        return facts.content == "extreme_or_violent"
    return bool(getattr(facts, fact))


@PROPERTIES
@given(incidents)
def test_every_age_and_year_group_matches_the_facts(incident):
    pupils = {label(i): p for i, p in enumerate(incident.facts.pupils)}
    stated = PUPIL_AGE.findall(incident.answers["ages"])
    assert [who for who, _, _ in stated] == list(pupils)
    text = _text(incident)
    for who, age, year in PUPIL_AGE.findall(text):
        assert int(age) == pupils[who].age
        assert int(year) in valid_years(pupils[who].age)
    for who, year in PUPIL_YEAR.findall(text):
        assert int(year) in valid_years(pupils[who].age)
    # Only pupils in the facts are ever labelled.
    assert set(LABEL.findall(text)) <= set(pupils)


@PROPERTIES
@given(incidents)
def test_an_adult_is_described_exactly_when_one_is_involved_and_never_under_18(incident):
    text = _text(incident)
    assert ("adult" in text.lower()) == incident.facts.adult_involved
    ages = [int(a or b) for a, b in ADULT_AGE.findall(text)]
    assert all(age >= 18 for age in ages)
    if incident.facts.adult_involved:
        assert ages, "the adult's age is given when asked"
    else:
        assert ages == []


@PROPERTIES
@given(incidents)
def test_every_number_in_the_text_is_an_age_or_a_year_group(incident):
    text = _text(incident)
    for pattern in (PUPIL_AGE, ADULT_AGE, YEAR):
        text = pattern.sub("", text)
    assert re.findall(r"\d+", text) == []


@PROPERTIES
@given(incidents)
def test_a_pupil_not_pictured_is_never_described_as_in_the_image(incident):
    text = _text(incident)
    for i, pupil in enumerate(incident.facts.pupils):
        who = label(i)
        in_image = (
            f"of {who}" in text
            or f"with {who} in it" in text
            or re.search(rf"only [^.]*\b{who}\b[^.]* (is|are) in it", text) is not None
        )
        if not pupil.pictured:
            assert not in_image, who
    pictured_answer = incident.answers["pictured"]
    for i, pupil in enumerate(incident.facts.pupils):
        part = pictured_answer.split(" not in it")[0] if pupil.pictured else pictured_answer
        assert label(i) in part


@PROPERTIES
@given(incidents)
def test_yes_no_answers_agree_with_the_facts(incident):
    for question_id, fact in YES_NO.items():
        answer = incident.answers[question_id]
        assert is_negative(answer) == (not getattr(incident.facts, fact)), (question_id, answer)
        if not is_negative(answer):
            assert answer.startswith("Yes. ")
    vulnerable = incident.answers["vulnerable"]
    assert is_negative(vulnerable) == (not _holds(incident, "vulnerable"))


@PROPERTIES
@given(incidents)
def test_no_wording_implies_a_fact_that_does_not_hold(incident):
    text = _positive_text(incident).lower()
    for fact, words in SUGGESTS.items():
        if not _holds(incident, fact):
            found = [w for w in words if w in text]
            assert found == [], (fact, found)
    if not incident.triggers:
        # The account a DSL reads first never hints at a criterion.
        account = " ".join(incident.account).lower()
        assert not any(w in account for words in SUGGESTS.values() for w in words)


@PROPERTIES
@given(incidents)
def test_no_graphic_or_sexual_detail_and_imagery_only_described_second_hand(incident):
    text = _text(incident)
    assert not any(word in text.lower() for word in NEVER)
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if "sexual" in sentence:
            assert "describ" in sentence, sentence
    assert "Nobody at school has seen it." in incident.account[2]


@PROPERTIES
@given(incidents)
def test_every_question_has_an_answer_and_the_telling_ones_carry_a_fact(incident):
    assert tuple(incident.answers) == QUESTION_IDS
    assert all(incident.answers[q.id].strip() for q in QUESTIONS)
    for question_id in telling(incident.facts):
        if question_id in YES_NO:
            assert not is_negative(incident.answers[question_id])


def test_question_lookup():
    assert question("adult").prompt == "Is an adult involved?"
