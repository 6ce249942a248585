"""The rehearsal's steps, in the order the guidance lays them down, and the choices at each.

Pure data (standard library and the engine only). A step asks for the decision *and* the
reasoning behind it (which criteria, which agencies, which next steps), so the key steps cannot
be got right by luck. The right answers are never stored here: ``scoring.answer_key`` asks the
engine for them, under the school's protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from training_app.rehearsal.choices import (
    DEVICE_CHOICES,
    FACTOR_TEXTS,
    FIRST_ACTIONS,
    MANAGE_CHOICES,
    NONE,
    RECORD_CHOICES,
    Choice,
    action_label,
)
from training_app.rehearsal.narrative import capital
from training_app.rules import AGENCIES, AGENCY_NAMES, TRIGGERS, trigger_rule


@dataclass(frozen=True)
class Field:
    """One question within a step: pick one (``many`` False) or tick all that apply."""

    name: str
    legend: str
    many: bool
    choices: tuple[Choice, ...]
    required: str
    hint: str = ""
    # The id of a "none of these" choice, which must be ticked on its own.
    none: str = ""

    def label_of(self, choice_id: str) -> str:
        """Return the label of one of this field's choices."""
        return next(c.label for c in self.choices if c.id == choice_id)

    @property
    def choice_ids(self) -> tuple[str, ...]:
        """Return the ids of the choices, in the order they are shown."""
        return tuple(c.id for c in self.choices)


@dataclass(frozen=True)
class Step:
    """One stage of the response; ``{staff}`` in texts is the member of staff's job title."""

    key: str
    title: str
    lead: str
    fields: tuple[Field, ...]
    citations: tuple[str, ...]
    scored: bool = True

    def field(self, name: str) -> Field:
        """Return the field called ``name``; KeyError if the step has none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


STEPS: tuple[Step, ...] = (
    Step(
        "first_response",
        "What the first member of staff should have done",
        "Before the {staff} came to you, what should they have done? Think about what the "
        "guidance asks of any member of staff who is told about imagery.",
        (
            Field(
                "actions",
                "What should the {staff} have done?",
                True,
                tuple(Choice(a, action_label(a)) for a in FIRST_ACTIONS),
                "Tick everything the {staff} should have done.",
                "Tick every answer that applies. Your school's protocol decides what happens to "
                "a confiscated phone.",
            ),
        ),
        ("UKCCIS-2016 §3.1", 'RUTLAND-2017 "For any setting where there are concerns"'),
    ),
    Step(
        "review",
        "The initial review meeting",
        "Ask the questions you need answered. As in a real meeting, you learn a fact only when "
        "you ask about it. When you have asked enough, end the meeting and decide.",
        (),
        ("UKCCIS-2016 §3.3", "UKCCIS-2016 §9.1 (Annex A)"),
        scored=False,
    ),
    Step(
        "referral",
        "The immediate-referral decision",
        "From what you have learned, decide whether this needs an immediate referral to the "
        "police or children's social care, and which of the criteria apply.",
        (
            Field(
                "refer",
                "Will you make an immediate referral to the police or children's social care?",
                False,
                (
                    Choice("yes", "Yes: make an immediate referral"),
                    Choice("no", "No: the school can decide to manage it itself"),
                ),
                "Choose whether you will make an immediate referral.",
            ),
            Field(
                "criteria",
                "Which of the immediate-referral criteria apply?",
                True,
                (
                    *(Choice(t, trigger_rule(t).label) for t in TRIGGERS),
                    Choice(NONE, "None of these applies"),
                ),
                "Tick the criteria that apply, or 'None of these applies'.",
                "Tick every criterion that applies.",
                none=NONE,
            ),
        ),
        ("UKCCIS-2016 §3.3",),
    ),
    Step(
        "classification",
        "Experimental or aggravated?",
        "Decide what kind of incident this is, and what (if anything) makes it aggravated.",
        (
            Field(
                "classification",
                "What kind of incident is this?",
                False,
                (
                    Choice(
                        "experimental",
                        "Experimental: no criminal or abusive element beyond creating and "
                        "sending the image",
                    ),
                    Choice(
                        "aggravated",
                        "Aggravated: criminal or abusive elements beyond creating the image",
                    ),
                ),
                "Choose experimental or aggravated.",
            ),
            Field(
                "factors",
                "What makes it aggravated?",
                True,
                (
                    *(Choice(f, capital(t)) for f, t in FACTOR_TEXTS.items()),
                    Choice(NONE, "None of these"),
                ),
                "Tick what makes it aggravated, or 'None of these'.",
                "Tick everything that applies.",
                none=NONE,
            ),
        ),
        ('APPX8 "What is sexting?"', 'DORSET "Definition"'),
    ),
    Step(
        "agencies",
        "Who to involve",
        "Decide which other agencies, if any, you will involve.",
        (
            Field(
                "agencies",
                "Who will you involve?",
                True,
                (
                    *(Choice(a, capital(AGENCY_NAMES[a])) for a in AGENCIES),
                    Choice(NONE, "No other agency for now: the school manages it"),
                ),
                "Tick who you will involve, or 'No other agency for now'.",
                "Tick everyone you will involve.",
                none=NONE,
            ),
        ),
        ("UKCCIS-2016 §3.6", "UKCCIS-2016 §4.0", "UKCCIS-2016 §9.1 (Annex A)"),
    ),
    Step(
        "parents",
        "Informing parents",
        "Decide whether to tell the parents or carers now, and why.",
        (
            Field(
                "parents",
                "Will you tell the parents or carers?",
                False,
                (
                    Choice("inform", "Yes: tell them at an early stage and invite them in"),
                    Choice("withhold", "No: don't tell them for now, and record why"),
                ),
                "Choose whether you will tell the parents or carers.",
            ),
            Field(
                "why",
                "Why?",
                False,
                (
                    Choice("no_risk", "Nothing suggests telling them would put the child at risk"),
                    Choice(
                        "risk",
                        "There is good reason to believe telling them would put the child at risk",
                    ),
                    Choice("pupil_asked", "The pupil asked you not to tell them"),
                    Choice("wait", "The police or social care decide whether parents are told"),
                ),
                "Choose the reason for your decision.",
            ),
        ),
        ("UKCCIS-2016 §3.5", "UKCCIS-2016 §9.1 (Annex A)"),
    ),
    Step(
        "viewing",
        "Viewing the imagery",
        "Decide whether anyone should view the imagery, and who could if it ever became "
        "unavoidable under your school's protocol.",
        (
            Field(
                "view",
                "Should you, or anyone at school, view the imagery?",
                False,
                (
                    Choice("no", "No: decide from what you have been told about it"),
                    Choice("yes", "Yes: look at it to judge how serious it is"),
                    Choice("copy", "Yes: have a copy sent to you for the safeguarding file"),
                ),
                "Choose whether anyone should view the imagery.",
            ),
            Field(
                "who",
                "If viewing ever became unavoidable, who could do it in your school?",
                False,
                (
                    Choice(
                        "ukccis",
                        "One member of staff only (you, or a safeguarding-team member the "
                        "headteacher authorises), the same sex as the pupil pictured, after "
                        "telling the headteacher",
                    ),
                    Choice(
                        "appx8",
                        "The headteacher or someone they authorise, with a member of the "
                        "safeguarding team present, the same sex as the pupil pictured",
                    ),
                    Choice("two_staff", "Any two members of staff together, so there is a witness"),
                ),
                "Choose who could view it if it became unavoidable.",
            ),
        ),
        ("UKCCIS-2016 §5.1", "APPX8 Step 2"),
    ),
    Step(
        "manage",
        "Managing the incident, or handing it over",
        "Decide what happens next in school: the devices, the imagery and the pupils.",
        (
            Field(
                "devices",
                "How will any confiscated phones be kept?",
                False,
                DEVICE_CHOICES,
                "Choose how the phones will be kept.",
            ),
            Field(
                "next",
                "Which of these will you do next?",
                True,
                MANAGE_CHOICES,
                "Tick what you will do next.",
                "Tick everything that applies to this incident.",
            ),
        ),
        ("UKCCIS-2016 §3.4", "UKCCIS-2016 §5.2", "UKCCIS-2016 §6.0", "APPX8 Step 7"),
    ),
    Step(
        "record",
        "Recording and sign-off",
        "Decide what goes in the safeguarding record, and who signs it off.",
        (
            Field(
                "record",
                "What goes in the record?",
                True,
                RECORD_CHOICES,
                "Tick what goes in the record.",
                "Tick everything that belongs in the record of this incident.",
            ),
            Field(
                "signoff",
                "Who needs to sign off your decision?",
                False,
                (
                    Choice("headteacher", "The headteacher signs off the decision not to refer"),
                    Choice(
                        "informed",
                        "No sign-off: it is being referred, so keep the headteacher informed",
                    ),
                    Choice("governors", "The chair of governors signs off the record"),
                    Choice("nobody", "Nobody: the DSL's own record is enough"),
                ),
                "Choose who needs to sign off your decision.",
            ),
        ),
        ("UKCCIS-2016 §7.0", "APPX8 Step 4"),
    ),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)
SCORED_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS if s.scored)
_BY_KEY: Mapping[str, Step] = MappingProxyType({s.key: s for s in STEPS})


def step(key: str) -> Step:
    """Return the step with this key; KeyError if there is none."""
    return _BY_KEY[key]


def next_key(done: set[str] | frozenset[str]) -> str | None:
    """Return the first step not yet done, or None when every step is."""
    return next((k for k in STEP_KEYS if k not in done), None)


class AnswerError(ValueError):
    """An answer that does not fit its step; ``field`` names the field, ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def clean_answer(key: str, answer: Mapping[str, object]) -> dict[str, list[str]]:
    """Check an answer against its step and return it as ``{field: [choice ids]}``.

    Raise ``AnswerError`` for a missing field, an unknown choice, several picks where one is
    asked for, or "none of these" ticked together with something else.
    """
    result: dict[str, list[str]] = {}
    for f in step(key).fields:
        raw = answer.get(f.name)
        picked = [raw] if isinstance(raw, str) else list(raw or [])  # type: ignore[call-overload]
        if not picked:
            raise AnswerError(f.name, f.required)
        if any(not isinstance(p, str) or p not in f.choice_ids for p in picked):
            raise AnswerError(f.name, "Choose from the answers listed.")
        if len(set(picked)) != len(picked) or (not f.many and len(picked) != 1):
            raise AnswerError(f.name, "Choose one answer." if not f.many else f.required)
        if f.none and f.none in picked and len(picked) > 1:
            raise AnswerError(
                f.name, f"'{f.label_of(f.none)}' can't be ticked together with other answers."
            )
        result[f.name] = sorted(picked, key=f.choice_ids.index)
    return result
