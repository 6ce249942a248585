"""``decide``: facts in, the DSL's decision out, every part of it explained and cited."""

from __future__ import annotations

from .agencies import AgencyChoice, choose_agencies
from .citations import section, sort_citations
from .editions import EDITION_IDS, UKCIS_2024, cite_for
from .facts import Facts
from .model import AGENCY_NAMES, Decision, NextStep, Reason
from .protocol import DEFAULT_PROTOCOL, LocalProtocol
from .steps import StepInputs, next_steps
from .triggers import REFERRAL_LEAD_IN, find_triggers, trigger_rule

_ANNEX_A = "UKCCIS-2016 §9.1 (Annex A)"
_SECTION_7 = "UKCCIS-2016 §7.0"
_SIGNOFF_QUOTE = (
    "In addition, where schools do not refer incidents out to police or social care they should "
    "record their reason for doing so and ensure that this is appropriately signed off by the "
    "headteacher in school."
)


def aggravating_factors(facts: Facts) -> tuple[str, ...]:
    """Return what makes the incident aggravated in the APPX8/DORSET sense (empty: experimental).

    Extreme or violent content counts: it suggests abuse or a lack of willing participation,
    which APPX8 says an experimental incident does not have.
    """
    factors = (
        (facts.adult_involved, "an adult is involved"),
        (facts.coercion_or_blackmail, "a child was coerced or blackmailed"),
        (facts.financially_motivated_extortion, "a young person is being blackmailed for money"),
        (facts.malicious_intent, "it was shared with intent to harm"),
        (facts.shared_without_consent, "it was shared without the consent of the pupil pictured"),
        (facts.content == "extreme_or_violent", "the content is extreme or violent"),
    )
    return tuple(text for holds, text in factors if holds)


def _names(agencies: tuple[str, ...]) -> str:
    names = [AGENCY_NAMES[a] for a in agencies]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _refer_reason(triggers: tuple[str, ...], edition: str) -> Reason:
    main = "UKCIS-2024 §2.2" if edition == UKCIS_2024 else "UKCCIS-2016 §3.3"
    if triggers:
        labels = "; ".join(trigger_rule(t, edition).label.lower() for t in triggers)
        others = sort_citations(c for t in triggers for c in trigger_rule(t, edition).citations)
        return Reason(
            f"Refer immediately: the incident meets the immediate-referral criteria ({labels}).",
            (main, *(c for c in others if c != main)),
            "" if edition == UKCIS_2024 else REFERRAL_LEAD_IN,
        )
    if edition == UKCIS_2024:
        return Reason(
            "Don't make an immediate referral: none of the 2024 advice's five criteria applies, "
            "so the school may handle the incident itself after assessing the risks, if the DSL "
            "is confident they can be managed.",
            (main, "UKCIS-2024 §2.3"),
        )
    return Reason(
        "Don't make an immediate referral: none of the immediate-referral criteria applies, so "
        "the school may manage the incident itself if the DSL is confident the risks can be "
        "managed.",
        ("UKCCIS-2016 §3.3", 'WHAT-IS "What Is Sexting?"'),
        "If none of the above apply you may decide to respond to the incident as a school "
        "without involving other agencies.",
    )


def _classification_reason(factors: tuple[str, ...]) -> Reason:
    citations = ('APPX8 "What is sexting?"', 'DORSET "Definition"')
    if factors:
        return Reason(
            f"Treat it as aggravated: {'; '.join(factors)}. These are criminal or abusive "
            "elements beyond creating and sending the image.",
            citations,
            "Aggravated incidents of sexting involve criminal or abusive elements beyond the "
            "creation of an image.",
        )
    return Reason(
        "Treat it as experimental: nothing suggests an adult, coercion, malice, extreme content "
        "or sharing without consent.",
        citations,
        "There is no criminal element (and certainly no criminal intent) beyond the creation and "
        "sending of the images and no apparent malice or lack of willing participation.",
    )


def _agencies_reason(chosen: tuple[AgencyChoice, ...]) -> Reason:
    if chosen:
        citations: list[str] = []
        for choice in chosen:
            citations.extend(c for c in choice.reason.citations if c not in citations)
        return Reason(
            # Each agency's reason already opens with "Involve ...", so no summary sentence.
            " ".join(c.reason.text for c in chosen),
            tuple(citations),
            chosen[0].reason.quote,
        )
    return Reason(
        "Don't involve other agencies for now: the school can manage the risks itself. Escalate "
        "if you come to think a child might be at risk, or you are not sure.",
        ("UKCCIS-2016 §3.3", 'RUTLAND-2017 "Escalating the incident"'),
        "The decision to respond to the incident without involving other agencies would be made "
        "in cases when a Designated Safeguarding Lead is confident that they have enough "
        "information to assess the risks to pupils involved and the risks can be managed within "
        "the school’s pastoral support and disciplinary framework.",
    )


def _parents_reason(inform: bool) -> Reason:
    if inform:
        return Reason(
            "Tell the parents or carers at an early stage and involve them: nothing suggests "
            "that doing so would put the child at risk of harm.",
            ("UKCCIS-2016 §3.1", "UKCCIS-2016 §3.5", _ANNEX_A),
            "Parents should be informed at an early stage and involved in the process unless "
            "there is good reason to believe that involving parents would put the child at risk "
            "of harm.",
        )
    return Reason(
        "Don't tell the parents or carers for now: there is good reason to believe it would put "
        "the child at risk of harm. Record the reasons for not involving them.",
        (_ANNEX_A, "UKCCIS-2016 §3.5", "UKCCIS-2016 §3.1"),
        "If a school chooses not to involve a parent they must clearly record the reasons for "
        "not doing so.",
    )


def _record_reasons(referred: bool, agencies: tuple[str, ...]) -> tuple[Reason, Reason]:
    if not referred:
        return (
            Reason(
                "Record why you are not referring the incident to the police or children's "
                "social care.",
                (_SECTION_7, "APPX8 Step 2", 'RUTLAND-2017 "Escalating the incident"'),
                _SIGNOFF_QUOTE,
            ),
            Reason(
                "Have the headteacher sign off the decision not to refer.",
                (_SECTION_7, "UKCCIS-2016 §3.3"),
                _SIGNOFF_QUOTE,
            ),
        )
    referred_to = _names(tuple(a for a in agencies if a != "ceop"))
    return (
        Reason(
            f"No reasons for not referring are needed: the incident is being referred to "
            f"{referred_to}. Record the incident and the referral.",
            (_SECTION_7,),
            "All incidents relating to youth produced sexual imagery need to be recorded in "
            "school. This includes incidents that have been referred to external agencies and "
            "those that have not.",
        ),
        Reason(
            "No headteacher sign-off is needed: sign-off is for a decision not to refer, and "
            "this incident is being referred. Keep the headteacher informed.",
            (_SECTION_7, "APPX8 Step 4"),
            _SIGNOFF_QUOTE,
        ),
    )


def _viewing_reason(facts: Facts, police: bool) -> Reason:
    # None of the facts can show one of §5.1's three conditions for viewing (the only way to
    # decide, needed to report it, or unavoidable), so the answer is always "don't view".
    text = "Don't view the imagery: decide from what you are told about it."
    if facts.content == "unknown":
        text += " Ask the pupils what it shows rather than looking."
    if police:
        text += " The police will deal with the imagery as evidence."
    text += (
        " Nothing here shows that viewing is the only way to decide, is needed to report it, or "
        "is unavoidable."
    )
    return Reason(
        text,
        ("UKCCIS-2016 §5.1", "UKCCIS-2016 §3.3", 'RUTLAND-2017 "Other considerations include"'),
        "You should not view youth produced sexual images or videos unless there is good reason "
        "to do so.",
    )


def _for_edition(reason: Reason, edition: str) -> Reason:
    citations = cite_for(edition, reason.citations)
    # A quote belongs to the first citation: if that is now a described source, drop it.
    quote = reason.quote if citations[0] == reason.citations[0] else ""
    return Reason(reason.text, citations, "" if section(citations[0]).described else quote)


def decide(
    facts: Facts, protocol: LocalProtocol = DEFAULT_PROTOCOL, edition: str | None = None
) -> Decision:
    """Return the DSL's decision for ``facts`` under a school's ``protocol`` (pure function).

    ``edition`` (``"group-policy-2016"`` or ``"ukcis-2024"``) defaults to ``protocol.edition``.
    """
    if not isinstance(facts, Facts):
        raise TypeError(f"facts must be Facts, not {type(facts).__name__}")
    if not isinstance(protocol, LocalProtocol):
        raise TypeError(f"protocol must be LocalProtocol, not {type(protocol).__name__}")
    edition = protocol.edition if edition is None else edition
    if edition not in EDITION_IDS:
        raise ValueError(f"unknown edition: {edition!r} (known: {', '.join(EDITION_IDS)})")
    triggers = find_triggers(facts, protocol, edition)
    factors = aggravating_factors(facts)
    chosen = choose_agencies(facts, triggers, bool(factors), protocol)
    agencies = tuple(choice.agency for choice in chosen)
    # §7.0: the record and the sign-off are for not referring "to police or social care".
    referred = "police" in agencies or "childrens_social_care" in agencies
    inform_parents = not facts.parents_pose_risk
    record, signoff = _record_reasons(referred, agencies)
    reasons: dict[str, Reason] = {
        "refer_immediately": _refer_reason(triggers, edition),
        "classification": _classification_reason(factors),
        "agencies": _agencies_reason(chosen),
        "inform_parents": _parents_reason(inform_parents),
        "record_reasons_for_not_referring": record,
        "headteacher_signoff_required": signoff,
        "view_imagery": _viewing_reason(facts, "police" in agencies),
    }
    for t in triggers:
        rule = trigger_rule(t, edition)
        reasons[f"trigger:{t}"] = Reason(rule.text, rule.citations, rule.quote)
    for choice in chosen:
        reasons[f"agency:{choice.agency}"] = choice.reason
    actions = next_steps(
        StepInputs(facts, protocol, triggers, chosen, factors, inform_parents, referred)
    )
    if edition == UKCIS_2024:
        # The rules are written against the group policy; a 2024 school is pointed at the 2024
        # advice's matching sections instead (its own trigger rules already cite them).
        reasons = {key: _for_edition(reason, edition) for key, reason in reasons.items()}
        actions = tuple(
            NextStep(step.id, step.text, cite_for(edition, step.citations)) for step in actions
        )
    cited = [c for r in reasons.values() for c in r.citations]
    cited.extend(c for step in actions for c in step.citations)
    return Decision(
        refer_immediately=bool(triggers),
        triggers=triggers,
        classification="aggravated" if factors else "experimental",
        agencies=agencies,
        inform_parents=inform_parents,
        record_reasons_for_not_referring=not referred,
        headteacher_signoff_required=not referred,
        view_imagery=False,
        actions=actions,
        citations=sort_citations(cited),
        reasons=reasons,
        edition=edition,
    )
