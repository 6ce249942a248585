"""Steps and notes for the harms the 2016-based policy predates, used under every edition.

Sextortion and contact by someone known only online (Report Remove / Take It Down), imagery made
or altered with AI, pupils at another school, immediate danger (999 first), and the age-gap flag.
Steps cite the group policy where it speaks to the point (``cite_for`` maps those citations to
the 2024 advice for a school that follows it) and the described outside pages otherwise.
"""

from __future__ import annotations

from .facts import Facts
from .model import NextStep

# Our threshold for *flagging* an age gap to the DSL: the guidance says only "significant", so
# this is a prompt to weigh it in the risk assessment, never a trigger on its own.
AGE_GAP_FLAG_YEARS = 3
AGE_GAP_CITATIONS: tuple[str, ...] = (
    'RUTLAND-2017 "Other considerations include"',
    "UKCCIS-2016 §9.1 (Annex A)",
    "UKCIS-2024 §2.3",
)
AGE_GAP_QUOTE = (
    "Is there a significant age difference between the sender/recipient? Even if both are under "
    "18, a large age gap could be cause for concern."
)
_REPORT_REMOVE = 'CHILDLINE-REPORT-REMOVE "How it works"'
_TAKE_IT_DOWN = 'TAKE-IT-DOWN "How it works"'
_NCA_RESPOND = 'NCA-SEXTORTION-2024 "How to respond"'


def age_gap(facts: Facts) -> int:
    """Return the years between the youngest and the oldest pupil involved (0 for one pupil)."""
    ages = [p.age for p in facts.pupils]
    return max(ages) - min(ages)


def age_gap_flag(facts: Facts) -> str:
    """Return the plain-words flag for a significant age gap, or "" if there is none to flag."""
    gap = age_gap(facts)
    if gap < AGE_GAP_FLAG_YEARS:
        return ""
    ages = sorted({p.age for p in facts.pupils})
    return (
        f"There is a {gap}-year age gap between the pupils (aged {ages[0]} to {ages[-1]}): being "
        "older can give one of them power in the relationship, so the younger may have felt "
        "under pressure to share. Weigh it in the risk assessment; on its own it is not an "
        "immediate-referral criterion."
    )


def emergency_step() -> NextStep:
    """Return the first step when a pupil is at immediate risk of harm: 999, then the rest."""
    return NextStep(
        "call_emergency_services",
        "First make the young person safe: if they are in immediate danger (for example "
        "suicidal, self-harming or facing a threat of violence), call 999 now and stay with them. "
        "Then carry on with the steps below.",
        ("APPX8 Step 1", "UKCCIS-2016 §3.3", "UKCCIS-2016 §9.2 (Annex B)", "UKCIS-2024 §2.6"),
    )


def other_school_step() -> NextStep:
    """Return the step for pupils at another school: tell that school's DSL."""
    return NextStep(
        "contact_other_school",
        "Pupils at another school are involved: contact that school's designated safeguarding "
        "lead so they can safeguard their pupils, sharing only what they need to know and never "
        "the imagery, and agree who tells which parents.",
        ("UKCCIS-2016 §3.3", "UKCIS-2024 §2.2"),
    )


def wants_report_remove(facts: Facts) -> bool:
    """Return True if the young person should be helped to use Report Remove / Take It Down."""
    online = facts.perpetrator_unknown_online or facts.financially_motivated_extortion
    return online or (facts.imagery_ai_generated_or_altered and facts.shared_online)


def report_remove_step(facts: Facts) -> NextStep:
    """Return the Report Remove / Take It Down step, with sextortion advice when it applies."""
    text = (
        "Help the young person use Report Remove (Childline and the Internet Watch Foundation, "
        "for under-18s) to get nude or semi-nude imagery of them taken down and blocked online, "
        "or Take It Down for imagery that someone may share. They make the report themselves: "
        "no member of staff views, downloads or sends the imagery."
    )
    citations: tuple[str, ...] = (_REPORT_REMOVE, _TAKE_IT_DOWN, "UKCIS-2024 §2.10")
    if facts.financially_motivated_extortion or facts.perpetrator_unknown_online:
        text += (
            " Tell them clearly that it is not their fault and that they have done the right "
            "thing by telling you. Advise them to stop replying, not to pay or send anything "
            "more, and to keep the messages, usernames and any payment details rather than "
            "delete them: the police and CEOP may need them."
        )
        citations += (_NCA_RESPOND,)
    if facts.imagery_ai_generated_or_altered:
        text += " This applies just the same to imagery made or altered with AI."
        citations += ("UKCIS-2024 §1.7",)
    return NextStep("report_remove", text, citations)


def ai_imagery_note(facts: Facts) -> tuple[str, tuple[str, ...]]:
    """Return the talk step's note on AI-made or altered imagery, and its citations."""
    if not facts.imagery_ai_generated_or_altered:
        return "", ()
    return (
        " The imagery was made or altered with AI or editing tools: handle it exactly as imagery "
        "of the pupil it shows. The same law applies to making or sharing it, and the pupil "
        "shown is a victim whose distress is just as real.",
        ("UKCIS-2024 §1.7", "UKCIS-2024 Annex D"),
    )
