"""The decision engine: pure Python (standard library only), every rule cited to the guidance.

Facts in, ``Decision`` out (``decide``), plus the first-responder do/don't rules
(``action_rules``). See ``/work/shared/design/decision-contract.md`` for the contract and
``training_app/guidance/README.md`` for the sources and how they are cited.
"""

from .actions import ACTION_IDS, VERDICTS, ActionRule, action_rule, action_rules
from .citations import (
    SECTIONS,
    SOURCES,
    Section,
    Source,
    is_valid_citation,
    known_sections,
    normalise_text,
    quote_in_section,
    section,
    section_text,
    sort_citations,
)
from .decision import aggravating_factors, decide
from .explain import explain_text
from .facts import (
    CONTENT_VALUES,
    FACT_FIELDS,
    MAX_AGE,
    MIN_AGE,
    PUPIL_FIELDS,
    Facts,
    FactsError,
    Pupil,
    facts_to_dict,
    load_facts_json,
    parse_facts,
)
from .model import (
    AGENCIES,
    AGENCY_NAMES,
    CLASSIFICATIONS,
    DECISION_KEYS,
    REASON_KEYS,
    Decision,
    NextStep,
    Reason,
)
from .protocol import (
    DEFAULT_PROTOCOL,
    PROTOCOL_FIELDS,
    LocalProtocol,
    ProtocolError,
    parse_protocol,
    protocol_to_dict,
)
from .steps import NEXT_STEP_IDS
from .triggers import TRIGGER_RULES, TRIGGERS, TriggerRule, find_triggers, trigger_rule

__all__ = [
    "ACTION_IDS",
    "AGENCIES",
    "AGENCY_NAMES",
    "CLASSIFICATIONS",
    "CONTENT_VALUES",
    "DECISION_KEYS",
    "DEFAULT_PROTOCOL",
    "FACT_FIELDS",
    "MAX_AGE",
    "MIN_AGE",
    "NEXT_STEP_IDS",
    "PROTOCOL_FIELDS",
    "PUPIL_FIELDS",
    "REASON_KEYS",
    "SECTIONS",
    "SOURCES",
    "TRIGGERS",
    "TRIGGER_RULES",
    "VERDICTS",
    "ActionRule",
    "Decision",
    "Facts",
    "FactsError",
    "LocalProtocol",
    "NextStep",
    "ProtocolError",
    "Pupil",
    "Reason",
    "Section",
    "Source",
    "TriggerRule",
    "action_rule",
    "action_rules",
    "aggravating_factors",
    "decide",
    "explain_text",
    "facts_to_dict",
    "find_triggers",
    "is_valid_citation",
    "known_sections",
    "load_facts_json",
    "normalise_text",
    "parse_facts",
    "parse_protocol",
    "protocol_to_dict",
    "quote_in_section",
    "section",
    "section_text",
    "sort_citations",
    "trigger_rule",
]
