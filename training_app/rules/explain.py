"""``explain_text``: a decision as a DSL would read it, with the guidance quoted and cited."""

from __future__ import annotations

import textwrap

from .editions import UKCIS_2024, cite_for, edition
from .facts import Facts, Pupil
from .model import AGENCY_NAMES, Decision, Reason
from .newer_harms import AGE_GAP_CITATIONS, AGE_GAP_QUOTE, age_gap_flag
from .protocol import LocalProtocol, protocol_to_dict
from .triggers import REFERRAL_LEAD_IN, trigger_rule

WIDTH = 100
_RECORD_STEPS = ("record_the_incident", "record_reasons_and_get_signoff")
_FACT_LABELS = {
    "adult_involved": "an adult is involved",
    "coercion_or_blackmail": "a child was coerced, pressured, blackmailed or groomed",
    "immediate_risk_of_harm": "a pupil is at immediate risk of harm",
    "shared_without_consent": "shared without the consent of the pupil pictured",
    "malicious_intent": "shared with intent to harm, bully or humiliate",
    "shared_online": "posted on social media or elsewhere online",
    "contacted_by_strangers": "a pupil is being contacted by strangers who have seen it",
    "parents_pose_risk": "telling the parents could put the child at risk",
    "perpetrator_unknown_online": "the person asking, threatening or receiving is known only "
    "online",
    "financially_motivated_extortion": "someone is demanding money (financially motivated sexual "
    "extortion)",
    "imagery_ai_generated_or_altered": "the imagery was made or altered with AI or editing tools",
    "capacity_to_consent_concern": "there are concerns about a young person's capacity to consent",
    "other_school_pupils_involved": "pupils at another school are involved",
}
# The 2024 advice is described, not vendored: its criteria are summarised, never quoted.
_LEAD_IN_2024 = (
    "UKCIS-2024 §2.2 (our summary): an immediate referral to the police and/or children's social "
    "care is made if any of its five criteria applies."
)


def _wrap(text: str, indent: str = "  ", hang: str = "") -> list[str]:
    # Continuation lines line up under the text, whatever the first line starts with.
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=" " * len(indent) + hang,
        break_on_hyphens=False,
    )


def _cited(reason: Reason, indent: str = "  ") -> list[str]:
    lines = _wrap(reason.text, indent)
    if reason.quote:
        lines += _wrap(f"“{reason.quote}”", indent + "  ", " ")
    lines += _wrap("Sources: " + "; ".join(reason.citations), indent + "  ", "  ")
    return lines


def _pupil(index: int, pupil: Pupil) -> str:
    notes = ["pictured" if pupil.pictured else "not pictured"]
    notes += [
        label
        for flag, label in (
            (pupil.vulnerable, "vulnerable"),
            (pupil.previously_abused, "previously abused"),
            (pupil.social_care_involved, "involved with children's social care"),
        )
        if flag
    ]
    return f"Pupil {index}: aged {pupil.age}, {', '.join(notes)}"


def _facts_section(facts: Facts) -> list[str]:
    lines = ["The facts"]
    lines += [f"  {_pupil(i, p)}" for i, p in enumerate(facts.pupils, start=1)]
    lines.append(f"  What the imagery is said to show: {facts.content.replace('_', ' ')}")
    known = [label for name, label in _FACT_LABELS.items() if getattr(facts, name)]
    lines += _wrap("Also known: " + ("; ".join(known) if known else "nothing else"), "  ", "  ")
    return lines


def _triggers_section(decision: Decision) -> list[str]:
    lines = ["Immediate-referral triggers"]
    if not decision.triggers:
        return lines + _cited(decision.reasons["refer_immediately"])
    if decision.edition == UKCIS_2024:
        lines += _wrap(_LEAD_IN_2024, "  ", "  ")
    else:
        lines += _wrap(f"UKCCIS-2016 §3.3: “{REFERRAL_LEAD_IN}”", "  ", "  ")
    for trigger in decision.triggers:
        rule = trigger_rule(trigger, decision.edition)
        lines.append(f"  - {rule.label} [{trigger}]")
        lines += _cited(decision.reasons[f"trigger:{trigger}"], "    ")
    return lines


def _flags_section(facts: Facts, edition_id: str) -> list[str]:
    flag = age_gap_flag(facts)
    if not flag:
        return []
    reason = Reason(flag, cite_for(edition_id, AGE_GAP_CITATIONS), AGE_GAP_QUOTE)
    return ["Flags for the risk assessment", *_cited(reason)]


def _agencies_section(decision: Decision) -> list[str]:
    lines = ["Who to involve"]
    if not decision.agencies:
        return lines + _cited(decision.reasons["agencies"])
    for agency in decision.agencies:
        lines.append(f"  - {AGENCY_NAMES[agency][0].upper()}{AGENCY_NAMES[agency][1:]}")
        lines += _cited(decision.reasons[f"agency:{agency}"], "    ")
    return lines


def _steps_section(decision: Decision) -> list[str]:
    lines = ["Next steps, in order"]
    for number, step in enumerate(decision.actions, start=1):
        lines += _wrap(step.text, f"  {number:>2}. ")
        lines += _wrap("Sources: " + "; ".join(step.citations), "        ", "  ")
    return lines


def _record_section(decision: Decision) -> list[str]:
    lines = ["What to record"]
    for step in decision.actions:
        if step.id in _RECORD_STEPS:
            lines += _wrap(f"- {step.text}", "  ", "  ")
    reason = decision.reasons["record_reasons_for_not_referring"]
    if not decision.record_reasons_for_not_referring:
        lines += _wrap(f"- {reason.text}", "  ", "  ")
    if reason.quote:
        lines += _wrap(f"“{reason.quote}”", "    ", " ")
    return lines + _wrap("Sources: " + "; ".join(reason.citations), "    ", "  ")


def _headline(decision: Decision) -> str:
    if decision.refer_immediately:
        return "REFER IMMEDIATELY"
    if not decision.record_reasons_for_not_referring:
        # Referred, but only because this school's protocol is stricter than §3.3.
        return "REFER UNDER THIS SCHOOL'S PROTOCOL (no immediate-referral criterion applies)"
    if decision.agencies:
        return f"MANAGE IN SCHOOL (and report to {_list(decision.agencies)})"
    return "MANAGE IN SCHOOL"


def _list(agencies: tuple[str, ...]) -> str:
    return " and ".join(AGENCY_NAMES[a] for a in agencies)


def explain_text(decision: Decision, facts: Facts, protocol: LocalProtocol | None = None) -> str:
    """Return the decision as readable text: triggers with quotes, steps, records, parents."""
    sections = [
        [
            f"DSL decision: {_headline(decision)}",
            f"Incident type: {decision.classification}",
            f"Guidance followed: {edition(decision.edition).title}",
        ]
    ]
    flags = _flags_section(facts, decision.edition)
    sections += [
        _facts_section(facts),
        _triggers_section(decision),
        *([flags] if flags else []),
        ["Classification", *_cited(decision.reasons["classification"])],
        _agencies_section(decision),
        _steps_section(decision),
        _record_section(decision),
        ["Who signs off", *_cited(decision.reasons["headteacher_signoff_required"])],
        [
            "Parents: " + ("tell them" if decision.inform_parents else "do not tell them for now"),
            *_cited(decision.reasons["inform_parents"]),
        ],
        [
            "Viewing the imagery: " + ("view it" if decision.view_imagery else "do not view it"),
            *_cited(decision.reasons["view_imagery"]),
        ],
    ]
    if protocol is not None:
        settings = protocol_to_dict(protocol)
        sections.append(
            ["This school's protocol"]
            + [f"  {name}: {value or '(national wording)'}" for name, value in settings.items()]
        )
    sections.append(["All sources cited", *(f"  {c}" for c in decision.citations)])
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
