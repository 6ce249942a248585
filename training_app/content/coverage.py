"""Coverage: which pages teach, and which quiz nodes test, each rule of the guidance.

`flask content coverage` lists every immediate-referral trigger, first-responder action, DSL
step the 2024 advice added (999 first, another school, Report Remove), facts field of the
decision contract and section of UKCCIS-2016 (§2.0-§9.3), with the modules that teach it and the
quiz nodes that test it. It fails when a trigger, an action or one of those steps is untaught or
untested; fields and sections are reported only. A `next_steps` question tests the offered steps
the engine takes.

**Tested is computed, never declared.** A question node tests, under a school's protocol:
- what `evaluate.rule_ids` says it tests (`action:<id>` for each choice of an action node;
  `decision:<ask>` and the `trigger:`/`agency:` ids behind the engine's answer for a decision
  node; `guidance:<citation>` for a knowledge node);
- `field:<name>` for each fact a decision node sets away from its default (every pupil's
  `age`, `pictured: false`, each flag set to true, a known `content`);
- `guidance:<citation>` for every citation of the explanations `evaluate` gives for its
  choices: the guidance a learner is shown as the reason.
A node counts as testing an id only if it does so under every school protocol the caller
passes (the checker's `PROTOCOLS`), so one school's setting never hides a gap.

**Taught is declared, and the declaration is checked.** A page names what it teaches in its
front matter, `teaches: [trigger:adult_involved, action:view_imagery, field:content]`. The
checker refuses an unknown id, and refuses a declaration unless the page's text cites one of
the item's own sources: a trigger's or action's rule citations (`training_app.rules`), or for a
facts field the sources of the decision contract's facts table (`FIELD_SOURCES`). So "taught"
means the author says the page explains it *and* the page points to the guidance the rule
comes from; citing §3.3 alone does not teach all seven triggers. A UKCCIS-2016 section is
taught by every page whose text cites it. Sections that are only a heading (§3.0, §5.0, §9.0)
have nothing to teach and are left out.
"""

from __future__ import annotations

import difflib
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

from training_app import rules
from training_app.content.evaluate import AnswerError, evaluate, rule_ids
from training_app.content.guidance import passage
from training_app.content.model import Library, Node, Page
from training_app.content.render import references
from training_app.content.schema import Reader
from training_app.rules.newer_harms import emergency_step, other_school_step, report_remove_step

_ANNEX_A = "UKCCIS-2016 §9.1 (Annex A)"
_NCA_WHAT = 'NCA-SEXTORTION-2024 "What it is"'

# The "meaning (source)" column of the facts table in decision-contract.md: the engine cites
# triggers and actions itself, but not the facts fields, so they are written out here. The
# table gives none for `age` and `pictured`; theirs are §3.3 item 5 ("any pupil in the imagery
# is under 13") and Annex A's "How old is the pupil or pupils involved?".
FIELD_SOURCES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "age": ("UKCCIS-2016 §3.3", _ANNEX_A),
        "pictured": ("UKCCIS-2016 §3.3",),
        "vulnerable": ("UKCCIS-2016 §3.3", _ANNEX_A),
        "previously_abused": (
            "UKCCIS-2016 §3.3",
            'RUTLAND-2017 "For Designated Safeguarding Leads"',
        ),
        "social_care_involved": ("UKCCIS-2016 §3.3", "UKCCIS-2016 §4.0"),
        "adult_involved": ("UKCCIS-2016 §3.3",),
        "coercion_or_blackmail": ("UKCCIS-2016 §3.3", _ANNEX_A),
        "content": ("UKCCIS-2016 §3.3",),
        "immediate_risk_of_harm": ("UKCCIS-2016 §3.3",),
        "shared_without_consent": (_ANNEX_A,),
        "malicious_intent": ("UKCCIS-2016 §3.3", _ANNEX_A),
        "shared_online": (_ANNEX_A, "UKCCIS-2016 §8.0"),
        "contacted_by_strangers": (_ANNEX_A,),
        "parents_pose_risk": ("UKCCIS-2016 §3.1", "UKCCIS-2016 §3.5", _ANNEX_A),
        # The 2024 facts: the group policy's passage first where it has one, then the 2024
        # advice (described: cite it, never quote it) and the outside pages.
        "perpetrator_unknown_online": (_ANNEX_A, "UKCIS-2024 §1.6", _NCA_WHAT),
        "financially_motivated_extortion": (_NCA_WHAT, "UKCIS-2024 §1.6", "UKCCIS-2016 §3.3"),
        "imagery_ai_generated_or_altered": ("UKCIS-2024 §1.7", "UKCIS-2024 Annex D"),
        "capacity_to_consent_concern": ("UKCIS-2024 §2.2", _ANNEX_A, "UKCCIS-2016 §3.3"),
        "other_school_pupils_involved": ("UKCCIS-2016 §3.3", "UKCIS-2024 §2.2"),
    }
)

# The DSL steps the 2024 advice added, with the engine's own citations for each (a step's
# citations are its rule's): these are taught and tested like the first-responder actions.
_ANY_PUPIL = rules.Facts(pupils=(rules.Pupil(age=15),))
STEP_SOURCES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        step.id: step.citations
        for step in (emergency_step(), other_school_step(), report_remove_step(_ANY_PUPIL))
    }
)

# Every id a page may declare in `teaches`, with the sources one of which it must cite.
TEACHABLE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        **{f"trigger:{rule.id}": rule.citations for rule in rules.TRIGGER_RULES},
        **{f"action:{rule.id}": rule.citations for rule in rules.action_rules()},
        **{f"field:{name}": sources for name, sources in FIELD_SOURCES.items()},
        **{f"step:{name}": sources for name, sources in STEP_SOURCES.items()},
    }
)

_PUPIL_DEFAULTS = {f.name: f.default for f in fields(rules.Pupil)}
_FACT_DEFAULTS = {f.name: f.default for f in fields(rules.Facts)}
_CATEGORIES = {
    "triggers": "Immediate-referral triggers",
    "actions": "First-responder actions",
    "steps": "DSL steps added by the 2024 advice",
    "fields": "Decision-contract facts fields",
    "sections": "UKCCIS-2016 sections",
}
FAILING = ("triggers", "actions", "steps")  # the categories whose gaps fail the command
_TAUGHT_WIDTH = 30
_TESTED_WIDTH = 50


def check_teaches(found: Reader, page: Page) -> None:
    """Record a problem for each `teaches` id that is unknown or that the page does not cite."""
    cited = set(references(page.body).citations)
    for item in page.teaches:
        sources = TEACHABLE.get(item)
        if sources is None:
            close = difflib.get_close_matches(item, TEACHABLE, n=1)
            hint = (
                f"did you mean {close[0]}?"
                if close
                else "use trigger:<id>, action:<id> or field:<name>"
            )
            found.problem("", "teaches", f"unknown id '{item}'", hint)
        elif not _backed(item, cited):
            message = f"the page says it teaches {item} but cites none of its sources"
            found.problem("", "teaches", message, "cite one of: " + "; ".join(sources))


def taught_ids(page: Page) -> frozenset[str]:
    """What a page teaches: its checked `teaches` ids, and `guidance:` for every citation."""
    cited = set(references(page.body).citations)
    declared = {i for i in page.teaches if _backed(i, cited)}
    return frozenset(declared | {f"guidance:{c}" for c in cited})


def _backed(item: str, cited: set[str]) -> bool:
    """Whether a page citing `cited` cites one of the item's own sources."""
    return not cited.isdisjoint(TEACHABLE.get(item, ()))


def bound_fields(facts: rules.Facts) -> frozenset[str]:
    """`field:<name>` for each fact set away from its default (a pupil's age is always set)."""
    found = {"field:age"}
    for pupil in facts.pupils:
        found |= {
            f"field:{name}"
            for name, default in _PUPIL_DEFAULTS.items()
            if name != "age" and getattr(pupil, name) != default
        }
    found |= {
        f"field:{name}"
        for name, default in _FACT_DEFAULTS.items()
        if name != "pupils" and getattr(facts, name) != default
    }
    return frozenset(found)


def ids_tested(node: Node, protocols: Sequence[rules.LocalProtocol]) -> frozenset[str]:
    """What a question tests under every one of `protocols`; AnswerError/KeyError if broken."""
    if not node.is_question or not protocols:
        return frozenset()
    return frozenset.intersection(*(_tested_under(node, p) for p in protocols))


def _tested_under(node: Node, protocol: rules.LocalProtocol) -> frozenset[str]:
    tested = set(rule_ids(node, protocol))
    for choice_id in node.choice_ids():
        for explanation in evaluate(node, [choice_id], protocol).explanations:
            tested |= {f"guidance:{c}" for c in explanation.citations}
    if node.facts is not None:
        tested |= bound_fields(node.facts)
    return frozenset(tested)


@dataclass(frozen=True)
class Row:
    """One thing to cover: who teaches it (module/page) and which nodes test it (module:node)."""

    id: str
    category: str
    name: str
    taught: tuple[tuple[str, str], ...]  # (module, page slug)
    tested: tuple[tuple[str, str], ...]  # (module, node id)

    @property
    def gap(self) -> str:
        """'' when covered, else 'untaught', 'untested' or 'untaught, untested'."""
        return ", ".join(
            word
            for word, empty in (("untaught", not self.taught), ("untested", not self.tested))
            if empty
        )

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "taught": [{"module": m, "page": p} for m, p in self.taught],
            "tested": [{"module": m, "node": n} for m, n in self.tested],
            "gap": self.gap,
        }


@dataclass(frozen=True)
class Coverage:
    """Every row, grouped by category, and the nodes that could not be evaluated."""

    rows: tuple[Row, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (module, node id) of broken question nodes

    @property
    def failures(self) -> tuple[Row, ...]:
        """Triggers and actions that are untaught or untested: these fail the command."""
        return tuple(r for r in self.rows if r.category in FAILING and r.gap)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        data: dict[str, Any] = {"ok": not self.failures}
        for category in _CATEGORIES:
            data[category] = [r.to_dict() for r in self.rows if r.category == category]
        data["failures"] = [r.id for r in self.failures]
        data["skipped_nodes"] = [f"{m}:{n}" for m, n in self.skipped]
        return data


def coverage(library: Library, protocols: Sequence[rules.LocalProtocol]) -> Coverage:
    """Compute what every module teaches and every quiz tests, under the given protocols."""
    taught: dict[str, list[tuple[str, str]]] = {}
    for module in library.modules.values():
        for page in module.pages:
            for item in taught_ids(page):
                taught.setdefault(item, []).append((module.id, page.slug))
    tested: dict[str, list[tuple[str, str]]] = {}
    skipped: list[tuple[str, str]] = []
    for module_id, quiz in library.quizzes.items():
        for node in quiz.questions:
            try:
                ids = ids_tested(node, protocols)
            except (AnswerError, KeyError):  # the checker reports what is wrong with it
                skipped.append((module_id, node.id))
                continue
            for item in ids:
                tested.setdefault(item, []).append((module_id, node.id))
    rows = [
        Row(item, category, name, tuple(taught.get(item, ())), tuple(tested.get(item, ())))
        for category, item, name in _items()
    ]
    return Coverage(tuple(rows), tuple(skipped))


def _items() -> Iterable[tuple[str, str, str]]:
    for trigger in rules.TRIGGER_RULES:
        yield "triggers", f"trigger:{trigger.id}", trigger.label
    for action in rules.action_rules():
        yield "actions", f"action:{action.id}", action.text
    for name in STEP_SOURCES:
        yield "steps", f"step:{name}", name
    for name in FIELD_SOURCES:
        yield "fields", f"field:{name}", name
    for section in ukccis_sections():
        yield "sections", f"guidance:{section.citation}", section.heading


def ukccis_sections() -> tuple[rules.Section, ...]:
    """UKCCIS-2016 §2.0 to §9.3, without the sections that are only a heading."""
    ukccis = [s for s in rules.known_sections() if s.source == "UKCCIS-2016"]
    labels = [s.label for s in ukccis]
    chosen = ukccis[labels.index("§2.0") : labels.index("§9.3 (Annex C)") + 1]
    return tuple(s for s in chosen if _has_text(s))


def _has_text(section: rules.Section) -> bool:
    text = rules.normalise_text(passage(section.citation).text)
    return text != rules.normalise_text(section.heading)


def format_table(report: Coverage) -> str:
    """The report as readable text: one table per category, then the gaps."""
    lines: list[str] = []
    for category, title in _CATEGORIES.items():
        rows = [r for r in report.rows if r.category == category]
        lines += [f"{title} ({len(rows)})", *_table(rows), ""]
    gaps = [r for r in report.rows if r.gap and r.category not in FAILING]
    if report.failures:
        lines.append(f"FAIL: {len(report.failures)} trigger(s) or action(s) untaught or untested:")
        lines += [f"  {r.id}: {r.gap}" for r in report.failures]
    else:
        lines.append("OK: every trigger and action is taught and tested.")
    if gaps:
        lines.append(f"Reported only: {len(gaps)} field(s) or section(s) untaught or untested.")
    return "\n".join(lines) + "\n"


def _table(rows: list[Row]) -> list[str]:
    """Rows with wrapped cells: the lists of pages and nodes can be long."""
    header = ("id", "taught by module (pages)", "tested by module: nodes", "")
    cells = [
        (r.id.split(":", 1)[1], _modules(r.taught), _nodes(r.tested), r.gap and f"<- {r.gap}")
        for r in rows
    ]
    widths = (max(len(c[0]) for c in [header, *cells]), _TAUGHT_WIDTH, _TESTED_WIDTH)
    lines = []
    for cell in [header, *cells]:
        columns = [
            textwrap.wrap(text, width, break_on_hyphens=False) or [""]
            for text, width in zip(cell[:3], widths, strict=True)
        ]
        for index in range(max(map(len, columns))):
            parts = [
                (c[index] if index < len(c) else "").ljust(w)
                for c, w in zip(columns, widths, strict=True)
            ]
            flag = cell[3] if index == 0 else ""
            lines.append(("  " + "  ".join(parts) + "  " + flag).rstrip())
    return lines


def _modules(pairs: Iterable[tuple[str, str]]) -> str:
    counts = Counter(module for module, _ in pairs)
    return ", ".join(f"{m} ({n})" for m, n in sorted(counts.items())) or "-"


def _nodes(pairs: Iterable[tuple[str, str]]) -> str:
    grouped: dict[str, list[str]] = {}
    for module, node in pairs:
        grouped.setdefault(module, []).append(node)
    return "; ".join(f"{m}: {', '.join(sorted(ns))}" for m, ns in sorted(grouped.items())) or "-"
