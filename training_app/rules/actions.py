"""First-responder action rules: for any member of staff, is an action a do or a don't, and why?

Two actions (device power state) are ``local_policy``: the sources disagree, so a school's
``LocalProtocol.device_power`` decides. ``action_rules(protocol)`` resolves them to do/don't.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from .protocol import LocalProtocol

VERDICTS: tuple[str, ...] = ("do", "dont", "local_policy")

_RUTLAND_SETTING = 'RUTLAND-2017 "For any setting where there are concerns"'
_FLIGHT_QUOTE = (
    "Flight mode is better than powering down, because switching a device off can sometimes "
    "interfere with data that could be required in an investigation."
)
_POWER_OFF_QUOTE = (
    "The phone should be turned off and placed under lock and key until the police are able to "
    "come and retrieve it."
)


@dataclass(frozen=True)
class ActionRule:
    """One first-responder action; ``quote`` is verbatim from ``citations[0]``."""

    id: str
    verdict: str
    text: str
    why: str
    citations: tuple[str, ...]
    quote: str

    def to_dict(self) -> dict[str, object]:
        """Return the contract's JSON object ``{"id", "verdict", "text", "why", "citations"}``."""
        return {
            "id": self.id,
            "verdict": self.verdict,
            "text": self.text,
            "why": self.why,
            "citations": list(self.citations),
        }


_RULES: tuple[ActionRule, ...] = (
    ActionRule(
        "report_to_dsl_immediately",
        "do",
        "Report it to the DSL straight away.",
        "Every incident goes to the Designated Safeguarding Lead as soon as possible. The DSL is "
        "trained in the safeguarding procedures and may know more about the child.",
        ("UKCCIS-2016 §3.1", _RUTLAND_SETTING, "APPX8 Step 4"),
        "The incident should be referred to the Designated Safeguarding Lead as soon as possible.",
    ),
    ActionRule(
        "view_imagery",
        "dont",
        "Don't look for the imagery or look at it.",
        "Viewing it is not needed to pass the concern on and could upset the child; the DSL "
        "decides from what they are told and views imagery only in rare, set circumstances.",
        (_RUTLAND_SETTING, "UKCCIS-2016 §5.1", "APPX8 Step 3"),
        "Don't try to find/view the image or forward/send it to anyone else, under any "
        "circumstances.",
    ),
    ActionRule(
        "copy_print_or_share_imagery",
        "dont",
        "Never copy, print or share the imagery.",
        "Copying, printing or sharing a nude or semi-nude image of a child is illegal, even for a "
        "member of staff acting with good intentions.",
        ("UKCCIS-2016 §5.1", 'DORSET "Searching a device"', "APPX8 Step 3"),
        "Never copy, print or share the imagery. This is illegal.",
    ),
    ActionRule(
        "forward_imagery_to_dsl",
        "dont",
        "Don't forward or send the imagery to the DSL, or to anyone else.",
        "Sending it on is sharing it. Describe what you were told instead; the DSL decides from "
        "that.",
        ("APPX8 Step 3", _RUTLAND_SETTING, "UKCCIS-2016 §5.1"),
        "Don't send, share or save the image anywhere;",
    ),
    ActionRule(
        "confiscate_device",
        "do",
        "Confiscate the device(s) involved and keep them secure.",
        "It stops the imagery spreading further and keeps what may be needed later; schools "
        "have the power to confiscate and store a device believed to hold indecent images.",
        ("APPX8 Step 3", 'DORSET "Searching a device"', _RUTLAND_SETTING),
        "Confiscate and secure the device;",
    ),
    ActionRule(
        "search_device_yourself",
        "dont",
        "Don't search the device yourself.",
        "Devices are searched only by the staff your school's protocol names, after senior "
        "colleagues have been told, and only with good reason: searching can distress the "
        "young person.",
        ('DORSET "Searching a device"', "APPX8 Step 2", "UKCCIS-2016 §5.2"),
        "Devices should not be searched until relevant colleagues and senior management team "
        "have been informed.",
    ),
    ActionRule(
        "delete_imagery_yourself",
        "dont",
        "Don't delete the imagery yourself.",
        "It may have to go to the police, and deletion is decided by the DSL, who normally asks "
        "the pupils to delete it once the police are not involved.",
        ("UKCCIS-2016 §5.2", 'DORSET "Dealing with the incident"'),
        "However, just as in most circumstances it is not recommended that teachers view "
        "imagery, you should also not search through devices and delete imagery unless there "
        "is good reason to do so.",
    ),
    ActionRule(
        "ask_why_they_did_it",
        "dont",
        "Don't ask the pupil why they did it.",
        "Questions like 'why have you done this?' can stop a young person talking. Stay focused "
        "on what has happened and what to do next.",
        ("UKCCIS-2016 §6.0", "UKCCIS-2016 §9.2 (Annex B)"),
        "Remains solution focused and avoids questions such as ‘why have you done this?’ which "
        "may prevent the young person from talking about what has happened.",
    ),
    ActionRule(
        "reassure_the_child",
        "do",
        "Reassure the pupil that they are not alone and that you will help.",
        "A young person who tells you is likely to be embarrassed and worried about what happens "
        "next; telling may have been their last resort.",
        ("UKCCIS-2016 §6.0", "UKCCIS-2016 §3.2"),
        "Reassures the young person that they are not alone and will do everything that they "
        "can to help and support them.",
    ),
    ActionRule(
        "investigate_yourself",
        "dont",
        "Don't investigate the incident yourself.",
        "If you are not the DSL, pass it on rather than dealing with it: the DSL is trained in "
        "the safeguarding procedures and decides what happens.",
        (_RUTLAND_SETTING, "APPX8 Step 4"),
        "If you're not the designated safeguarding lead, don't try to deal with the incident "
        "yourself.",
    ),
    ActionRule(
        "record_what_you_were_told",
        "do",
        "Write down what you were told or found, with dates, times and names, and give it to "
        "the DSL.",
        "Every incident must be recorded in school, whether or not it is referred on.",
        ("UKCCIS-2016 §7.0", "UKCCIS-2016 §3.1"),
        "All incidents relating to youth produced sexual imagery need to be recorded in school.",
    ),
    ActionRule(
        "promise_to_keep_it_secret",
        "dont",
        "Don't promise to keep it secret.",
        "You must pass it to the DSL, and the child needs to know that a record will be kept. "
        "Tell them who will need to know and why.",
        ("UKCCIS-2016 §3.1", "UKCCIS-2016 §6.0"),
        "The incident should be referred to the Designated Safeguarding Lead as soon as possible.",
    ),
    ActionRule(
        "switch_device_to_flight_mode",
        "local_policy",
        "Switch the confiscated device to flight mode.",
        "The sources disagree, so follow your school's protocol. RUTLAND-2017 says flight mode "
        "is better than switching off, which can interfere with data an investigation needs; "
        "UKCCIS-2016 §3.8 says to turn a phone off and lock it away when it is going to the "
        "police.",
        (_RUTLAND_SETTING, "UKCCIS-2016 §3.8"),
        _FLIGHT_QUOTE,
    ),
    ActionRule(
        "power_off_device",
        "local_policy",
        "Switch the confiscated device off.",
        "The sources disagree, so follow your school's protocol. UKCCIS-2016 §3.8 says to turn a "
        "phone off and lock it away when it is going to the police; RUTLAND-2017 says flight "
        "mode is better, because switching off can interfere with data an investigation needs.",
        ("UKCCIS-2016 §3.8", _RUTLAND_SETTING),
        _POWER_OFF_QUOTE,
    ),
    ActionRule(
        "stop_others_viewing_or_sharing",
        "do",
        "Stop other pupils viewing, sending, sharing or saving the imagery.",
        "Every further view or copy harms the child pictured, and sharing it is illegal.",
        ("APPX8 Step 3", "UKCCIS-2016 §6.0"),
        "Don't allow students to view images or send, share or save them anywhere.",
    ),
)

ACTION_IDS: tuple[str, ...] = tuple(rule.id for rule in _RULES)
_BY_ID: Mapping[str, ActionRule] = MappingProxyType({rule.id: rule for rule in _RULES})


_DEVICE_WHY = {
    ("flight_mode", True): "This school's protocol is flight mode, following RUTLAND-2017: it "
    "keeps data that an investigation may need, which switching a device off can interfere with.",
    ("flight_mode", False): "Don't switch it off: this school's protocol is flight mode, "
    "following RUTLAND-2017, because switching a device off can interfere with data that an "
    "investigation may need.",
    ("power_off", True): "This school's protocol is to switch devices off and lock them away, "
    "following UKCCIS-2016 §3.8 for devices that may go to the police.",
    ("power_off", False): "Don't leave it on in flight mode: this school's protocol is to switch "
    "devices off and lock them away, following UKCCIS-2016 §3.8 for devices that may go to the "
    "police.",
}
_SEARCHER = {
    "ukccis": " In this school, if imagery must be viewed, only one member of staff does it: the "
    "DSL or a safeguarding-team member the headteacher has authorised.",
    "appx8": " In this school, only the headteacher or someone they authorise searches a device, "
    "with a member of the safeguarding team present.",
}


def _resolve(rule: ActionRule, protocol: LocalProtocol) -> ActionRule:
    if rule.id == "search_device_yourself":
        extra = () if protocol.viewing_rule == "appx8" else ("UKCCIS-2016 §5.1",)
        return replace(
            rule,
            why=rule.why + _SEARCHER[protocol.viewing_rule],
            citations=(*rule.citations, *extra),
        )
    if rule.verdict != "local_policy":
        return rule
    flight = protocol.device_power == "flight_mode"
    chosen = rule.id == ("switch_device_to_flight_mode" if flight else "power_off_device")
    if flight:
        # The school chose flight mode following RUTLAND-2017; §3.8 says the opposite (switch
        # off), so it is not cited as the reason for this school's rule.
        citations: tuple[str, ...] = (_RUTLAND_SETTING,)
        quote = _FLIGHT_QUOTE
    else:
        citations = ("UKCCIS-2016 §3.8", _RUTLAND_SETTING)
        quote = _POWER_OFF_QUOTE
    return replace(
        rule,
        verdict="do" if chosen else "dont",
        why=_DEVICE_WHY[(protocol.device_power, chosen)],
        citations=citations,
        quote=quote,
    )


def action_rules(protocol: LocalProtocol | None = None) -> tuple[ActionRule, ...]:
    """Return every action rule; with a ``protocol``, ``local_policy`` verdicts become do/dont."""
    if protocol is None:
        return _RULES
    return tuple(_resolve(rule, protocol) for rule in _RULES)


def action_rule(action_id: str, protocol: LocalProtocol | None = None) -> ActionRule:
    """Return one action rule by id (resolved under ``protocol`` if given); KeyError if unknown."""
    try:
        rule = _BY_ID[action_id]
    except KeyError:
        raise KeyError(f"unknown action: {action_id!r}") from None
    return rule if protocol is None else _resolve(rule, protocol)
