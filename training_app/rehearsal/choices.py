"""The answers a DSL chooses among: worded neutrally, so no label gives the right answer away.

Pure data. Which choices are right is never stored here: ``scoring.answer_key`` asks the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from training_app.rules import ACTION_IDS, Facts, Pupil, aggravating_factors

NONE = "none"


@dataclass(frozen=True)
class Choice:
    """One answer a DSL can pick."""

    id: str
    label: str


# What someone might do on being told, worded neutrally: the engine's own wording says "don't".
_ACTION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "report_to_dsl_immediately": "Tell the DSL straight away",
        "view_imagery": "Look at the image to see how serious it is",
        "reassure_the_child": "Reassure the pupil that they are not alone and will be helped",
        "copy_print_or_share_imagery": "Take a screenshot of the image as evidence",
        "confiscate_device": "Take the phone and keep it somewhere secure",
        "forward_imagery_to_dsl": "Have the image sent to the DSL so they can see it",
        "ask_why_they_did_it": "Ask the pupil why they did it",
        "stop_others_viewing_or_sharing": "Stop other pupils looking at or sending on the image",
        "search_device_yourself": "Look through the phone for other images",
        "record_what_you_were_told": "Write down what they were told, with the date, time "
        "and names",
        "delete_imagery_yourself": "Delete the image from the phone",
        "switch_device_to_flight_mode": "Put the phone in flight mode",
        "promise_to_keep_it_secret": "Promise the pupil that it will stay between the two of them",
        "investigate_yourself": "Find out who else has the image by questioning the pupils",
        "power_off_device": "Switch the phone off",
    }
)


def action_label(action_id: str) -> str:
    """Return the neutral label of a first-responder action (its rule id if none is written)."""
    return _ACTION_LABELS.get(action_id, action_id.replace("_", " ").capitalize())


# The aggravating factors, by id, in the engine's own words (probed so nothing is copied).
_FACTOR_PROBES: Mapping[str, Mapping[str, object]] = MappingProxyType(
    {
        "adult": {"adult_involved": True},
        "coercion": {"coercion_or_blackmail": True},
        "malice": {"malicious_intent": True},
        "without_consent": {"shared_without_consent": True},
        "extreme": {"content": "extreme_or_violent"},
    }
)
FACTOR_TEXTS: Mapping[str, str] = MappingProxyType(
    {
        factor: aggravating_factors(Facts(pupils=(Pupil(age=14),), **probe))[0]  # type: ignore[arg-type]
        for factor, probe in _FACTOR_PROBES.items()
    }
)
FACTOR_IDS: Mapping[str, str] = MappingProxyType({t: f for f, t in FACTOR_TEXTS.items()})

# The next steps a DSL is asked to choose among when managing or handing over: the engine's
# step ids are right when the decision lists them; the action ids are first-responder rules that
# are right only if the engine says "do" (it never does for these).
MANAGE_CHOICES: tuple[Choice, ...] = (
    Choice("assess_risks", "Carry out a further risk assessment in school (the Annex A questions)"),
    Choice("talk_to_the_pupils", "Talk to the pupils involved, staying solution focused"),
    Choice(
        "consider_police_referral",
        "Weigh up a police referral, because the incident is aggravated, and record the decision",
    ),
    Choice("delete_imagery_yourself", "Search the phones yourself and delete every copy you find"),
    Choice(
        "arrange_deletion",
        "Ask the pupils to delete the imagery everywhere by a deadline, and confirm they have",
    ),
    Choice(
        "keep_imagery_as_evidence",
        "Leave the imagery alone for now: it may be needed as evidence",
    ),
    Choice("get_imagery_removed_online", "Help get the imagery taken down from the sites it is on"),
    Choice(
        "consider_social_care_referral",
        "Consider a referral to children's social care about the risk at home",
    ),
    Choice("ask_why_they_did_it", "Ask the pupils why they did it, so they see how serious it is"),
    Choice("support_the_pupils", "Put support in place for every pupil involved"),
)
DEVICE_CHOICES: tuple[Choice, ...] = (
    Choice("switch_device_to_flight_mode", "Locked away, in flight mode"),
    Choice("power_off_device", "Locked away, switched off"),
    Choice("give_back", "Given back to the pupils once they say the imagery is deleted"),
)
RECORD_CHOICES: tuple[Choice, ...] = (
    Choice(
        "record_the_incident",
        "The incident: dates, times and names, what you decided and did, and who you told",
    ),
    Choice(
        "reasons_for_not_referring",
        "Why you decided not to refer it to the police or children's social care",
    ),
    Choice("copy_print_or_share_imagery", "A screenshot of the image, as evidence"),
    Choice("reasons_for_not_telling_parents", "Why you did not tell the parents or carers"),
    Choice("who_viewed", "Who viewed the imagery, why, and what followed"),
)

# The order the first-responder actions are offered in (dos and don'ts mixed); any action the
# engine adds later is still offered, after these.
_FIRST_ORDER = (
    "report_to_dsl_immediately",
    "view_imagery",
    "reassure_the_child",
    "copy_print_or_share_imagery",
    "confiscate_device",
    "forward_imagery_to_dsl",
    "ask_why_they_did_it",
    "stop_others_viewing_or_sharing",
    "search_device_yourself",
    "record_what_you_were_told",
    "delete_imagery_yourself",
    "switch_device_to_flight_mode",
    "promise_to_keep_it_secret",
    "investigate_yourself",
    "power_off_device",
)
FIRST_ACTIONS: tuple[str, ...] = (
    *(a for a in _FIRST_ORDER if a in ACTION_IDS),
    *(a for a in ACTION_IDS if a not in _FIRST_ORDER),
)
