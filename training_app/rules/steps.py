"""The DSL's ordered next steps for a decision, each with the guidance it comes from."""

from __future__ import annotations

from dataclasses import dataclass

from .agencies import AgencyChoice
from .facts import Facts
from .model import NextStep
from .newer_harms import (
    AGE_GAP_CITATIONS,
    age_gap_flag,
    ai_imagery_note,
    emergency_step,
    other_school_step,
    report_remove_step,
    wants_report_remove,
)
from .protocol import LocalProtocol

# Every step id a decision can contain, in the order they appear when present.
NEXT_STEP_IDS: tuple[str, ...] = (
    "call_emergency_services",
    "hold_initial_review_meeting",
    "refer_to_police",
    "refer_to_childrens_social_care",
    "report_to_ceop",
    "assess_risks",
    "consider_police_referral",
    "contact_other_school",
    "inform_headteacher",
    "do_not_view_imagery",
    "secure_devices",
    "inform_parents",
    "do_not_inform_parents",
    "consider_social_care_referral",
    "talk_to_the_pupils",
    "keep_imagery_as_evidence",
    "arrange_deletion",
    "get_imagery_removed_online",
    "report_remove",
    "support_the_pupils",
    "record_the_incident",
    "record_reasons_and_get_signoff",
    "review_the_response",
)

_RUTLAND_SETTING = 'RUTLAND-2017 "For any setting where there are concerns"'
_POLICE_ROUTE = (
    "through your existing arrangements (your safer schools officer, a PCSO, your local "
    "neighbourhood police or 101)"
)
_SOCIAL_CARE_ROUTE = (
    "through your local authority's initial point of contact for children's social care (for "
    "example its MASH)"
)


@dataclass(frozen=True)
class StepInputs:
    """What the step builder needs from the decision made so far."""

    facts: Facts
    protocol: LocalProtocol
    triggers: tuple[str, ...]
    agencies: tuple[AgencyChoice, ...]
    aggravating_factors: tuple[str, ...]
    inform_parents: bool
    referred: bool


def _has(inputs: StepInputs, agency: str) -> bool:
    return any(choice.agency == agency for choice in inputs.agencies)


def _agency_steps(inputs: StepInputs) -> list[NextStep]:
    protocol = inputs.protocol
    # Only §3.3's triggers make a referral immediate; a protocol's extra police referral is not.
    now = " now" if inputs.triggers else ""
    steps: list[NextStep] = []
    for choice in inputs.agencies:
        cited = choice.reason.citations
        if choice.agency == "police":
            route = (
                f"through {protocol.police_contact}" if protocol.police_contact else _POLICE_ROUTE
            )
            text = (
                f"Refer the incident to the police{now}, {route}: {choice.why} Once it is "
                "reported, the police must record and investigate it, which may include seizing "
                "devices and interviewing the children."
            )
            steps.append(NextStep("refer_to_police", text, _unique((*cited, "UKCCIS-2016 §3.7"))))
        elif choice.agency == "childrens_social_care":
            route = (
                f"through {protocol.social_care_contact}"
                if protocol.social_care_contact
                else _SOCIAL_CARE_ROUTE
            )
            text = f"Contact children's social care{now}, {route}: {choice.why}"
            citations = _unique((*cited, "UKCCIS-2016 §4.0", "UKCCIS-2016 §3.6"))
            steps.append(NextStep("refer_to_childrens_social_care", text, citations))
        else:
            text = (
                "Report the incident to CEOP (www.ceop.police.uk/ceop-report) so that law "
                f"enforcement can assess it and act with the provider: {choice.why}"
            )
            steps.append(NextStep("report_to_ceop", text, _unique((*cited, "APPX8 Step 2"))))
    return steps


def _unique(citations: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(citations))


def _assess_step(inputs: StepInputs) -> NextStep:
    flag = age_gap_flag(inputs.facts)
    flag = f" {flag}" if flag else ""
    return NextStep(
        "assess_risks",
        "Carry out a further review to establish the facts and assess the risks, using the "
        "risk-assessment questions: how and why the imagery was made, who has shared it and "
        "where, its impact on the pupils and any additional vulnerabilities. Escalate it if you "
        f"come to think a child might be at risk, or you are not sure.{flag}",
        (
            "UKCCIS-2016 §3.4",
            "UKCCIS-2016 §9.1 (Annex A)",
            'RUTLAND-2017 "Escalating the incident"',
        )
        + (AGE_GAP_CITATIONS[:1] if flag else ()),
    )


def _police_choice_step(inputs: StepInputs) -> NextStep:
    # Only reached when the school's police threshold did not already add the police: the
    # sources disagree here, so the DSL weighs it rather than the engine deciding silently.
    return NextStep(
        "consider_police_referral",
        "Weigh up a police referral and record what you decide: the incident is aggravated "
        f"({', '.join(inputs.aggravating_factors)}). APPX8 and DORSET treat referring "
        "aggravated sharing as generally proportionate, while the national criteria let the "
        "school manage it when no immediate-referral criterion applies.",
        ("APPX8 Step 2", 'DORSET "Dealing with the incident"', "UKCCIS-2016 §3.3"),
    )


def _viewing_step(inputs: StepInputs) -> NextStep:
    if inputs.protocol.viewing_rule == "appx8":
        who = (
            "only the headteacher or someone they authorise searches the device, with a member "
            "of the safeguarding team present and of the same sex as the pupil pictured"
        )
        extra: tuple[str, ...] = ("APPX8 Step 2",)
    else:
        who = (
            "only one member of staff views it (you, or a safeguarding-team member the "
            "headteacher has authorised), of the same sex as the pupil pictured, after telling "
            "the headteacher why"
        )
        extra = ()
    return NextStep(
        "do_not_view_imagery",
        "Don't view the imagery, and don't let anyone else: decide from what the pupils tell you "
        f"about it. If viewing ever becomes unavoidable, {who}; never copy, print or share it, "
        "and record who viewed it, why and what followed.",
        ("UKCCIS-2016 §5.1", "UKCCIS-2016 §3.3", *extra),
    )


def _devices_step(inputs: StepInputs) -> NextStep:
    flight = inputs.protocol.device_power == "flight_mode"
    police = _has(inputs, "police")
    state = "in flight mode" if flight else "switched off"
    why = (
        "this school's protocol is flight mode, because switching a device off can interfere "
        "with data an investigation needs"
        if flight
        else "this school's protocol is to switch devices off and lock them away"
    )
    # Flight mode is this school's protocol following RUTLAND-2017; §3.8 says switch off, so it
    # is cited only when the protocol chose that.
    source = (_RUTLAND_SETTING,) if flight else ("UKCCIS-2016 §3.8", _RUTLAND_SETTING)
    if police:
        text = (
            f"Keep the confiscated device(s) {state} and under lock and key until the police "
            f"collect them, and don't search them: {why}."
        )
        return NextStep("secure_devices", text, source)
    text = (
        f"Keep any confiscated device(s) secure and {state} while you manage the incident, and "
        f"don't search them unless there is good reason: {why}."
    )
    return NextStep("secure_devices", text, ("APPX8 Step 3", *source, "UKCCIS-2016 §5.2"))


def _parent_steps(inputs: StepInputs) -> list[NextStep]:
    if inputs.inform_parents:
        extra = (
            " Tell them that you are informing the police and why, and why any device was removed."
            if _has(inputs, "police")
            else " If you remove a device from their child, tell them why."
        )
        return [
            NextStep(
                "inform_parents",
                "Tell the parents or carers at an early stage and invite them into school to "
                "discuss the incident; nothing suggests that involving them would put the child "
                f"at risk.{extra}",
                ("UKCCIS-2016 §3.5", "UKCCIS-2016 §3.1", "UKCCIS-2016 §9.2 (Annex B)"),
            )
        ]
    steps = [
        NextStep(
            "do_not_inform_parents",
            "Don't tell the parents or carers for now, and record your reasons: there is good "
            "reason to believe that informing them would put the child at risk of harm.",
            ("UKCCIS-2016 §3.5", "UKCCIS-2016 §9.1 (Annex A)", "UKCCIS-2016 §3.1"),
        )
    ]
    if not _has(inputs, "childrens_social_care"):
        steps.append(
            NextStep(
                "consider_social_care_referral",
                "Consider a referral to children's social care about the risk from the child's "
                "parents or carers: if there are wider issues that meet the threshold for "
                "social care involvement, refer in line with your child protection procedures.",
                ("UKCCIS-2016 §4.0", "UKCCIS-2016 §9.1 (Annex A)"),
            )
        )
    return steps


def _talk_step(inputs: StepInputs) -> NextStep:
    police = _has(inputs, "police")
    first = "Once the pupils are safe, talk" if inputs.facts.immediate_risk_of_harm else "Talk"
    text = (
        f"{first} to the pupils involved (yourself if possible, or a teacher they prefer): "
        "reassure them they are not alone, stay solution focused, don't ask 'why have you done "
        "this?', and tell them a record will be kept."
    )
    note, note_citations = ai_imagery_note(inputs.facts)
    if police:
        text += " Leave questioning about the offence to the police, who may interview them."
        citations: tuple[str, ...] = ("UKCCIS-2016 §6.0", "UKCCIS-2016 §3.7")
    else:
        text += (
            " Find out, without looking, what the imagery shows, who has seen or shared it and "
            "how to stop it spreading."
        )
        citations = ("UKCCIS-2016 §6.0",)
    return NextStep("talk_to_the_pupils", text + note, citations + note_citations)


def _deletion_step(inputs: StepInputs) -> NextStep:
    # CEOP is law enforcement too: its assessment may need the imagery, as the police's would.
    if _has(inputs, "police") or _has(inputs, "ceop"):
        who = "the police" if _has(inputs, "police") else "CEOP"
        return NextStep(
            "keep_imagery_as_evidence",
            "Don't delete the imagery or ask the pupils to delete it yet: it may need to be "
            f"passed to {who} as evidence.",
            ('DORSET "Dealing with the incident"', "UKCCIS-2016 §5.2"),
        )
    if inputs.aggravating_factors:
        # A police referral is still being weighed (consider_police_referral): never advise
        # deleting what the police may need before that is decided.
        return NextStep(
            "arrange_deletion",
            "Decide on the police referral first: until you have decided not to involve the "
            "police, don't delete the imagery or ask anyone to, because the police may need it. "
            "Once you have decided, ask the pupils to delete it from every device, online "
            "storage and social media account by a deadline, and to confirm they have; refusing, "
            "or keeping it, is a criminal offence. Don't search devices and delete it yourself.",
            ('DORSET "Dealing with the incident"', "UKCCIS-2016 §5.2", "APPX8 Step 2"),
        )
    return NextStep(
        "arrange_deletion",
        "Ask the pupils to delete the imagery from every device, online storage and social "
        "media account by a deadline, and to confirm they have: tell them that refusing, or "
        "keeping it, is a criminal offence and the police may become involved. Don't search "
        "devices and delete it yourself unless there is good reason.",
        ("UKCCIS-2016 §5.2", 'DORSET "Dealing with the incident"'),
    )


def _online_step() -> NextStep:
    return NextStep(
        "get_imagery_removed_online",
        "Help the pupil get the imagery taken down: ask whoever posted it to delete it and "
        "report it to every site hosting it, acting especially quickly if it shows nudity or "
        "could identify a child. If it is not removed, contact ChildLine or the Professionals "
        "Online Safety Helpline; if a site has no reporting function, report it to the Internet "
        "Watch Foundation. A young person under 18 can also use Report Remove themselves.",
        (
            "UKCCIS-2016 §8.0",
            "UKCCIS-2016 §9.1 (Annex A)",
            "UKCCIS-2016 §9.3 (Annex C)",
            "APPX8 Step 2",
        ),
    )


def _closing_steps(inputs: StepInputs) -> list[NextStep]:
    parents = "" if inputs.inform_parents else ", and why you did not tell the parents"
    steps = [
        NextStep(
            "support_the_pupils",
            "Put support in place for every pupil involved, such as pastoral support, "
            "counselling or education, and make sure the pupil pictured is cared for and "
            "protected: they are likely to be anxious about who has seen the imagery.",
            ('DORSET "Dealing with the incident"', "APPX8 Step 7", "APPX8 Step 1"),
        ),
        NextStep(
            "record_the_incident",
            "Record the incident in the safeguarding records, with dates, times and names, what "
            f"you decided and did, who you referred it to and why{parents}.",
            (
                "UKCCIS-2016 §7.0",
                "UKCCIS-2016 §3.1",
                'RUTLAND-2017 "For Designated Safeguarding Leads"',
            )
            + (() if inputs.inform_parents else ("UKCCIS-2016 §9.1 (Annex A)",)),
        ),
    ]
    if not inputs.referred:
        steps.append(
            NextStep(
                "record_reasons_and_get_signoff",
                "Record why you are not referring the incident to the police or children's "
                "social care, and have the headteacher sign it off.",
                ("UKCCIS-2016 §7.0", "APPX8 Step 2", 'RUTLAND-2017 "Escalating the incident"'),
            )
        )
    steps.append(
        NextStep(
            "review_the_response",
            "Review how the incident was handled once it is closed, so that the school learns "
            "from it and can prevent further incidents.",
            ("APPX8 Step 8",),
        )
    )
    return steps


def _headteacher_step(inputs: StepInputs) -> NextStep:
    if inputs.referred:
        return NextStep(
            "inform_headteacher",
            "Tell the headteacher what has happened and what you have decided: senior "
            "management should always be informed.",
            ("APPX8 Step 4",),
        )
    return NextStep(
        "inform_headteacher",
        "Make the decision to manage the incident in school together with the headteacher, in "
        "the best interests of the pupils involved.",
        ("UKCCIS-2016 §3.3", "APPX8 Step 4"),
    )


def next_steps(inputs: StepInputs) -> tuple[NextStep, ...]:
    """Return the DSL's next steps for a decision, in the order to take them."""
    steps = [
        *([emergency_step()] if inputs.facts.immediate_risk_of_harm else []),
        NextStep(
            "hold_initial_review_meeting",
            "Hold an initial review meeting with the safeguarding team now: establish whether any "
            "pupil is at immediate risk, whether to refer to the police or social care, what else "
            "you need to know, how widely the imagery has been shared, and whether to contact "
            "parents.",
            ("UKCCIS-2016 §3.3", "UKCCIS-2016 §3.1"),
        ),
        *_agency_steps(inputs),
    ]
    if not inputs.referred:
        steps.append(_assess_step(inputs))
    if inputs.aggravating_factors and not _has(inputs, "police"):
        steps.append(_police_choice_step(inputs))
    if inputs.facts.other_school_pupils_involved:
        steps.append(other_school_step())
    steps.append(_headteacher_step(inputs))
    steps.append(_viewing_step(inputs))
    steps.append(_devices_step(inputs))
    steps.extend(_parent_steps(inputs))
    steps.append(_talk_step(inputs))
    steps.append(_deletion_step(inputs))
    if inputs.facts.shared_online:
        steps.append(_online_step())
    if wants_report_remove(inputs.facts):
        steps.append(report_remove_step(inputs.facts))
    steps.extend(_closing_steps(inputs))
    return tuple(steps)
