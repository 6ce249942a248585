"""The content library, parsed once per process and shared by every request."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from flask import current_app, url_for

from training_app.content.loader import load_library
from training_app.content.model import Library, Module
from training_app.content.render import render_markdown
from training_app.learning.guidance_text import human_heading
from training_app.rules import (
    ACTION_IDS,
    TRIGGERS,
    LocalProtocol,
    action_rule,
    is_valid_citation,
    trigger_rule,
)
from training_app.rules.citations import section

_lock = threading.Lock()


def library() -> Library:
    """Return the app's content library, loaded on first use (at start-up in production)."""
    extensions = current_app.extensions
    loaded = extensions.get("content_library")
    if loaded is None:
        with _lock:
            loaded = extensions.get("content_library")
            if loaded is None:
                loaded = load_library(
                    current_app.config["SCENARIOS_DIR"], current_app.config["QUIZZES_DIR"]
                )
                extensions["content_library"] = loaded
    return loaded


def staff_modules() -> list[Module]:
    """Modules taken by adults in the player (pupil lessons are run in class instead)."""
    return [m for m in library().modules.values() if "pupil" not in m.audiences]


def guidance_link(citation: str) -> str:
    """URL of the page that shows a cited guidance passage."""
    return url_for("learning.guidance", citation=citation)


@lru_cache(maxsize=4096)
def _render_cached(text: str, protocol: LocalProtocol, link_prefix: str) -> str:
    return render_markdown(
        text, protocol=protocol, guidance_url=lambda c: link_prefix + quote(c, safe="")
    )


@lru_cache(maxsize=4096)
def render_for_pupils(text: str, protocol: LocalProtocol) -> str:
    """Render a class lesson's Markdown: no citation codes (the teacher's notes keep them)."""
    return render_markdown(text, protocol=protocol, hide_citations=True)


def render(text: str, protocol: LocalProtocol) -> str:
    """Render content Markdown for a school's protocol, cached (content is immutable)."""
    # The prefix (not each link) comes from url_for, so the cache key stays small and the
    # links stay right if the app is mounted under a path.
    prefix = url_for("learning.guidance", citation="-")[:-1]
    return _render_cached(text, protocol, prefix)


@dataclass(frozen=True)
class RuleSummary:
    """A rule a learner missed, in words, with where the guidance says it."""

    rule_id: str
    text: str
    citations: tuple[str, ...]


def describe_rules(rule_ids: list[str], protocol: LocalProtocol | None = None) -> list[RuleSummary]:
    """Explain missed rule ids (action:…, trigger:…, decision:…, guidance:…) in plain words.

    Action rules are stated as the rule under the attempt's protocol ("do" or "don't"), and of
    two opposite options (flight mode or switching off) only the one to follow is listed.
    """
    ids = list(dict.fromkeys(rule_ids))
    summaries = []
    for rule_id in ids:
        kind, _, key = rule_id.partition(":")
        if _said_by_partner(kind, key, ids, protocol):
            continue
        summary = _describe(kind, key, protocol)
        if summary is not None:
            summaries.append(RuleSummary(rule_id, *summary))
    return summaries


# Options that exclude each other: missing one means missing both, so one line says it.
_OPPOSITES = {
    "switch_device_to_flight_mode": "power_off_device",
    "power_off_device": "switch_device_to_flight_mode",
}


def _said_by_partner(kind: str, key: str, ids: list[str], protocol: LocalProtocol | None) -> bool:
    # The option not to take, when its partner (the option to follow) is listed too.
    return (
        kind == "action"
        and key in _OPPOSITES
        and f"action:{_OPPOSITES[key]}" in ids
        and protocol is not None
        and action_rule(key, protocol).verdict == "dont"
    )


def _as_rule(text: str, verdict: str) -> str:
    # A "don't" rule whose text is the action itself (the device option not chosen) is
    # stated as the rule, so the list never reads as advice to do it.
    if verdict == "dont" and not text.startswith(("Don't", "Never")):
        return f"Don't {text[:1].lower()}{text[1:]}"
    return text


def _describe(
    kind: str, key: str, protocol: LocalProtocol | None = None
) -> tuple[str, tuple[str, ...]] | None:
    if kind == "action" and key in ACTION_IDS:
        rule = action_rule(key, protocol)
        return _as_rule(rule.text, rule.verdict), tuple(rule.citations)
    if kind == "trigger" and key in TRIGGERS:
        trigger = trigger_rule(key)
        return f"Immediate referral: {trigger.label}", tuple(trigger.citations)
    if kind == "decision":
        return DECISION_TOPICS.get(key), ("UKCCIS-2016 §3.3",)  # type: ignore[return-value]
    if kind == "agency":
        return f"Which agencies to involve: {AGENCY_NAMES.get(key, key)}", ("UKCCIS-2016 §3.6",)
    if kind == "guidance":
        # Named by the section's own title: a learner cannot act on a code like "§3.3".
        title = human_heading(section(key).heading) if is_valid_citation(key) else key
        return f"What the guidance says: {title}", (key,)
    return None


DECISION_TOPICS = {
    "refer_immediately": "Whether to refer to the police or children's social care at once",
    "triggers": "Which immediate-referral criteria apply",
    "agencies": "Which agencies to involve",
    "classification": "Whether an incident is experimental or aggravated",
    "inform_parents": "Whether to tell the parents or carers",
    "view_imagery": "Whether anyone should view the imagery",
    "headteacher_signoff_required": "When the headteacher must sign off the decision",
    "record_reasons_for_not_referring": "Recording the reasons for not referring",
}

AGENCY_NAMES = {
    "police": "the police",
    "childrens_social_care": "children's social care",
    "ceop": "CEOP (the National Crime Agency's child protection command)",
}
