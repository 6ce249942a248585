"""Scoring a rehearsal: each step's right answer comes from the engine, under the school protocol.

Pure (standard library and the engine only). ``answer_key`` asks ``decide`` and ``action_rules``
for the right choices at a step; ``judge`` compares an answer with them field by field (a tick
list must match exactly) and explains the result with the engine's reasons and guidance quotes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from training_app.rehearsal.choices import FACTOR_IDS, NONE
from training_app.rehearsal.narrative import capital, label
from training_app.rehearsal.steps import Field, Step, step
from training_app.rules import (
    ACTION_IDS,
    AGENCY_NAMES,
    NEXT_STEP_IDS,
    Decision,
    Facts,
    LocalProtocol,
    Reason,
    action_rule,
    action_rules,
    aggravating_factors,
    decide,
    trigger_rule,
)

_SEXUAL = ("sexual_acts", "extreme_or_violent")
_DEVICE_ACTIONS = ("switch_device_to_flight_mode", "power_off_device")


@dataclass(frozen=True)
class Case:
    """The facts of a rehearsal, the school's protocol it is judged under, and the decision."""

    facts: Facts
    protocol: LocalProtocol
    decision: Decision

    @classmethod
    def of(cls, facts: Facts, protocol: LocalProtocol) -> Case:
        """Return the case with the engine's decision for ``facts`` under ``protocol``."""
        return cls(facts, protocol, decide(facts, protocol))

    @property
    def step_ids(self) -> frozenset[str]:
        """Return the ids of the DSL's next steps in the decision."""
        return frozenset(s.id for s in self.decision.actions)


@dataclass(frozen=True)
class Explanation:
    """Why: the engine's reason, its citations and a verbatim quote of the guidance."""

    heading: str
    text: str
    citations: tuple[str, ...]
    quote: str = ""


@dataclass(frozen=True)
class FieldResult:
    """One field of an answer beside the right answer."""

    field: Field
    given: tuple[str, ...]
    expected: tuple[str, ...]

    @property
    def correct(self) -> bool:
        """Return True if the answer matches the right one exactly."""
        return set(self.given) == set(self.expected)

    @property
    def given_labels(self) -> tuple[str, ...]:
        """Return the labels of the choices given."""
        return tuple(self.field.label_of(c) for c in self.given)

    @property
    def expected_labels(self) -> tuple[str, ...]:
        """Return the labels of the right choices."""
        return tuple(self.field.label_of(c) for c in self.expected)


@dataclass(frozen=True)
class Verdict:
    """The result of one step: right or wrong, field by field, and why."""

    step: Step
    correct: bool
    fields: tuple[FieldResult, ...]
    explanations: tuple[Explanation, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Score:
    """How many scored steps were right, and the percentage."""

    correct: int
    total: int

    @property
    def percent(self) -> int:
        """Return the share of steps right, rounded to a whole percentage."""
        return round(100 * self.correct / self.total) if self.total else 0


def _do(action_id: str, protocol: LocalProtocol) -> bool:
    return action_rule(action_id, protocol).verdict == "do"


def _manage_key(case: Case, field: Field) -> frozenset[str]:
    return frozenset(
        c
        for c in field.choice_ids
        if (c in NEXT_STEP_IDS and c in case.step_ids)
        or (c in ACTION_IDS and _do(c, case.protocol))
    )


def _record_key(case: Case) -> frozenset[str]:
    d = case.decision
    wanted = {
        "record_the_incident": "record_the_incident" in case.step_ids,
        "reasons_for_not_referring": d.record_reasons_for_not_referring,
        "copy_print_or_share_imagery": _do("copy_print_or_share_imagery", case.protocol),
        "reasons_for_not_telling_parents": not d.inform_parents,
        "who_viewed": d.view_imagery,
    }
    return frozenset(c for c, yes in wanted.items() if yes)


def answer_key(key: str, case: Case) -> dict[str, frozenset[str]]:
    """Return the right choices at step ``key`` for this case, by field (from the engine)."""
    d, protocol = case.decision, case.protocol
    if key == "first_response":
        return {"actions": frozenset(r.id for r in action_rules(protocol) if r.verdict == "do")}
    if key == "referral":
        return {
            "refer": frozenset({"yes" if d.refer_immediately else "no"}),
            "criteria": frozenset(d.triggers) or frozenset({NONE}),
        }
    if key == "classification":
        factors = frozenset(FACTOR_IDS[t] for t in aggravating_factors(case.facts))
        return {
            "classification": frozenset({d.classification}),
            "factors": factors or frozenset({NONE}),
        }
    if key == "agencies":
        return {"agencies": frozenset(d.agencies) or frozenset({NONE})}
    if key == "parents":
        inform = d.inform_parents
        return {
            "parents": frozenset({"inform" if inform else "withhold"}),
            "why": frozenset({"no_risk" if inform else "risk"}),
        }
    if key == "viewing":
        return {
            "view": frozenset({"yes" if d.view_imagery else "no"}),
            "who": frozenset({protocol.viewing_rule}),
        }
    if key == "manage":
        return {
            "devices": frozenset(a for a in _DEVICE_ACTIONS if _do(a, protocol)),
            "next": _manage_key(case, step("manage").field("next")),
        }
    if key == "record":
        return {
            "record": _record_key(case),
            "signoff": frozenset({"headteacher" if d.headteacher_signoff_required else "informed"}),
        }
    raise KeyError(f"step {key!r} is not scored")


def _reason(heading: str, reason: Reason) -> Explanation:
    return Explanation(heading, reason.text, reason.citations, reason.quote)


def _first_response(case: Case, results: Sequence[FieldResult]) -> list[Explanation]:
    given, expected = set(results[0].given), set(results[0].expected)
    # Explain what was misjudged; when all is right, explain the do's.
    shown = (given ^ expected) or expected
    rules = [action_rule(a, case.protocol) for a in results[0].field.choice_ids if a in shown]
    return [Explanation(r.text, r.why, r.citations, r.quote) for r in rules]


def _referral(case: Case, results: Sequence[FieldResult]) -> list[Explanation]:
    d = case.decision
    found = [_reason("The decision", d.reasons["refer_immediately"])]
    found += [_reason(trigger_rule(t).label, d.reasons[f"trigger:{t}"]) for t in d.triggers]
    for t in results[1].given:
        if t != NONE and t not in d.triggers:
            rule = trigger_rule(t)
            found.append(
                Explanation(
                    f"Not met here: {rule.label.lower()}",
                    "What you learned does not meet this criterion. Check its exact words.",
                    rule.citations,
                    rule.quote,
                )
            )
    return found


def _agencies(case: Case) -> list[Explanation]:
    d = case.decision
    if not d.agencies:
        return [_reason("No other agency", d.reasons["agencies"])]
    return [_reason(capital(AGENCY_NAMES[a]), d.reasons[f"agency:{a}"]) for a in d.agencies]


def _steps(case: Case, ids: Sequence[str]) -> list[Explanation]:
    by_id = {s.id: s for s in case.decision.actions}
    return [Explanation("", by_id[i].text, by_id[i].citations) for i in ids if i in by_id]


def _manage(case: Case, results: Sequence[FieldResult]) -> list[Explanation]:
    found = _steps(case, ["secure_devices", *results[1].field.choice_ids])
    for a in results[1].given:
        if a in ACTION_IDS and not _do(a, case.protocol):
            rule = action_rule(a, case.protocol)
            found.append(Explanation(rule.text, rule.why, rule.citations, rule.quote))
    return found


def _explain(key: str, case: Case, results: Sequence[FieldResult]) -> list[Explanation]:
    reasons = case.decision.reasons
    if key == "first_response":
        return _first_response(case, results)
    if key == "referral":
        return _referral(case, results)
    if key == "classification":
        return [_reason("", reasons["classification"])]
    if key == "agencies":
        return _agencies(case)
    if key == "parents":
        return [_reason("", reasons["inform_parents"])]
    if key == "viewing":
        return [_reason("", reasons["view_imagery"]), *_steps(case, ["do_not_view_imagery"])]
    if key == "manage":
        return _manage(case, results)
    return [
        *_steps(case, ["record_the_incident"]),
        _reason("", reasons["record_reasons_for_not_referring"]),
        _reason("Sign-off", reasons["headteacher_signoff_required"]),
    ]


def notes(key: str, facts: Facts) -> tuple[str, ...]:
    """Return pointers for this step about the hard parts of these facts (empty if none)."""
    found: list[str] = []
    pupils = list(enumerate(facts.pupils))
    young_in_image = any(p.pictured and p.age < 13 for p in facts.pupils)
    if key == "referral" and facts.content in _SEXUAL:
        for i, p in pupils:
            if p.pictured and p.age == 13:
                found.append(
                    f"{label(i)} is 13. The criterion is a pupil in the imagery under 13, "
                    "so age 13 does not meet it."
                )
            if not p.pictured and p.age < 13 and not young_in_image:
                found.append(
                    f"{label(i)} is under 13 but is not in the imagery: the criterion is about "
                    "pupils in the imagery."
                )
    if key == "referral":
        for i, p in pupils:
            if not p.pictured and (p.vulnerable or p.previously_abused or p.social_care_involved):
                found.append(
                    f"{label(i)} is not in the image, but the criterion says 'a pupil "
                    "involved', so it still applies."
                )
        if facts.shared_without_consent and not facts.malicious_intent:
            found.append(
                "It was passed on without consent but without malice: that makes it aggravated, "
                "but is not by itself an immediate-referral criterion."
            )
    if key == "agencies" and facts.contacted_by_strangers:
        found.append(
            "Strangers who have seen the imagery are contacting a pupil: report it to CEOP."
        )
    return tuple(found)


def judge(key: str, answer: Mapping[str, Sequence[str]], case: Case) -> Verdict:
    """Judge a (cleaned) answer at step ``key``: right only if every field matches exactly."""
    the_step = step(key)
    key_sets = answer_key(key, case)
    results = tuple(
        FieldResult(
            f,
            tuple(answer.get(f.name, ())),
            tuple(c for c in f.choice_ids if c in key_sets[f.name]),
        )
        for f in the_step.fields
    )
    return Verdict(
        step=the_step,
        correct=all(r.correct for r in results),
        fields=results,
        explanations=tuple(_explain(key, case, results)),
        notes=notes(key, case.facts),
    )


def right_answer(key: str, case: Case) -> dict[str, list[str]]:
    """Return the right answer at step ``key`` in the form a DSL submits it."""
    the_step = step(key)
    key_sets = answer_key(key, case)
    return {f.name: [c for c in f.choice_ids if c in key_sets[f.name]] for f in the_step.fields}


def total(verdicts: Sequence[Verdict]) -> Score:
    """Return the score over the judged steps."""
    return Score(sum(v.correct for v in verdicts), len(verdicts))
