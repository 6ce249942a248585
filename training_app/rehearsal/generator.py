"""Mock incidents for DSL rehearsal, generated from a seed (pure: no Flask, no database).

``generate(seed, difficulty)`` chooses a combination of the engine's facts and writes the account
of the disclosure from ``narrative``'s templates. All randomness comes from one
``random.Random(seed)``, so the same seed and difficulty always give the same incident: a trainer
can give a whole group the same case.

How a case is built: first the immediate-referral triggers it should meet (none, one, or several),
then "twists" that make it harder without adding a trigger (a pupil aged exactly 13, a vulnerable
pupil who is not in the image, parents who may pose a risk, sharing without consent but without
malice, strangers making contact), then facts that meet exactly those triggers. The engine checks
the result: ``find_triggers(facts)`` must be the planned set.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from training_app.rehearsal import narrative, questions
from training_app.rehearsal.narrative import Scene
from training_app.rules import TRIGGERS, Facts, Pupil, find_triggers

GENERATOR_VERSION = 1
MAX_SEED = 999_999_999
DIFFICULTIES: tuple[str, ...] = ("foundation", "intermediate", "advanced")
DIFFICULTY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "foundation": "Foundation: one clear trigger, or none",
        "intermediate": "Intermediate: up to two triggers, with a complication",
        "advanced": "Advanced: mixed and ambiguous cases",
    }
)
# Complications that never add a trigger by themselves.
TWISTS: tuple[str, ...] = (
    "shared_on",  # passed on without consent, but without malice
    "online",  # posted online
    "strangers",  # strangers who have seen it make contact (CEOP, not a trigger)
    "parents",  # telling the parents may put the child at risk
    "thirteen",  # the pupil in the image is exactly 13 and it shows sexual acts
    "young_not_pictured",  # a pupil under 13 is involved but not in the image
    "vulnerable_not_pictured",  # the vulnerable pupil is not the one in the image
)
SEXUAL_CONTENT = frozenset({"sexual_acts", "extreme_or_violent"})
_VULNERABILITIES = ("vulnerable", "previously_abused", "social_care_involved")


class SeedError(ValueError):
    """A seed or difficulty the generator does not accept."""


@dataclass(frozen=True)
class Incident:
    """A generated incident: its facts for the engine, and its words for the DSL."""

    seed: int
    difficulty: str
    facts: Facts
    scene: Scene
    account: tuple[str, ...]
    answers: Mapping[str, str] = field(hash=False)
    twists: frozenset[str] = frozenset()

    @property
    def triggers(self) -> tuple[str, ...]:
        """Return the immediate-referral triggers these facts meet (the engine's answer)."""
        return find_triggers(self.facts)

    @property
    def labels(self) -> tuple[str, ...]:
        """Return each pupil's label with their age, as a record writes it: "Pupil A (14)"."""
        return tuple(narrative.record_label(i, p) for i, p in enumerate(self.facts.pupils))


def check_seed(seed: object, difficulty: object) -> tuple[int, str]:
    """Return a valid ``(seed, difficulty)``; raise ``SeedError`` with a readable message."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise SeedError(f"The case number must be a whole number from 0 to {MAX_SEED}.")
    if difficulty not in DIFFICULTIES:
        raise SeedError(f"The difficulty must be one of: {', '.join(DIFFICULTIES)}.")
    return seed, str(difficulty)


def generate(seed: int, difficulty: str = "foundation") -> Incident:
    """Return the incident for ``seed`` at ``difficulty``; the same inputs give the same case."""
    seed, difficulty = check_seed(seed, difficulty)
    # One stream per (seed, difficulty), so one seed at two difficulties gives unrelated cases.
    stream = seed * len(DIFFICULTIES) + DIFFICULTIES.index(difficulty)
    rng = random.Random(stream)  # noqa: S311 - reproducible practice cases, not security
    triggers, twists = _plan(rng, difficulty)
    facts, scene = _build(rng, difficulty, triggers, twists)
    assert frozenset(find_triggers(facts)) == triggers, (seed, difficulty)
    return Incident(
        seed=seed,
        difficulty=difficulty,
        facts=facts,
        scene=scene,
        account=narrative.account(facts, scene),
        answers=questions.answers(facts, scene),
        twists=twists,
    )


def _compatible(twist: str, triggers: frozenset[str]) -> bool:
    if twist in ("thirteen", "young_not_pictured"):
        # The pupil in the image must be 13 or over, or the under-13 trigger would hold.
        return "under_13_sexual_acts" not in triggers
    if twist == "vulnerable_not_pictured":
        return "vulnerable_pupil" in triggers
    if twist == "shared_on":
        return "malicious_sharing" not in triggers
    return True


def _plan(rng: random.Random, difficulty: str) -> tuple[frozenset[str], frozenset[str]]:
    """Choose the triggers the case should meet and the twists that complicate it."""
    if difficulty == "foundation":
        chosen = rng.choice((None, *TRIGGERS))
        return (frozenset() if chosen is None else frozenset({chosen})), frozenset()
    if difficulty == "intermediate":
        count, twist_count = rng.choice((0, 1, 1, 2)), rng.choice((1, 1, 2))
    else:
        count, twist_count = rng.choice((0, 0, 1, 2, 3)), rng.choice((2, 2, 3))
    triggers = frozenset(rng.sample(TRIGGERS, count))
    allowed = [t for t in TWISTS if _compatible(t, triggers)]
    return triggers, frozenset(rng.sample(allowed, min(twist_count, len(allowed))))


def _content(
    rng: random.Random, difficulty: str, triggers: frozenset[str], twists: frozenset[str]
) -> str:
    if "extreme_or_violent_content" in triggers:
        return "extreme_or_violent"
    if "under_13_sexual_acts" in triggers or twists & {"thirteen", "young_not_pictured"}:
        return "sexual_acts"
    if difficulty == "foundation":
        return rng.choice(("unknown", "semi_nude", "nude", "nude"))
    return rng.choice(("unknown", "semi_nude", "nude", "nude", "sexual_acts"))


def _roles(
    rng: random.Random, difficulty: str, adult: bool, twists: frozenset[str], shared_on: bool
) -> tuple[str, ...]:
    """Who the pupils are in the story: A is always the pupil in the image."""
    roles = ["pictured"]
    if not adult:
        roles.append("recipient")
    elif twists & {"young_not_pictured", "vulnerable_not_pictured"} or rng.random() < 0.5:
        roles.append("friend")
    if shared_on and difficulty != "foundation" and not adult:
        roles.append("onward")
    return tuple(roles)


def _ages(
    rng: random.Random,
    difficulty: str,
    roles: tuple[str, ...],
    content: str,
    triggers: frozenset[str],
    twists: frozenset[str],
) -> list[int]:
    if "under_13_sexual_acts" in triggers:
        first = rng.choice((11, 12))
    elif "thirteen" in twists:
        first = 13
    elif difficulty == "foundation":
        first = rng.randint(13, 16)
    elif content in SEXUAL_CONTENT:
        first = rng.randint(13, 17)
    else:
        first = rng.randint(11, 17)
    ages = [first] + [min(17, max(11, first + rng.choice((-1, 0, 0, 1, 1, 2)))) for _ in roles[1:]]
    if "young_not_pictured" in twists:
        ages[rng.randrange(1, len(roles))] = rng.choice((11, 12))
    return ages


def _pupils(
    rng: random.Random,
    difficulty: str,
    roles: tuple[str, ...],
    ages: list[int],
    triggers: frozenset[str],
    twists: frozenset[str],
) -> tuple[Pupil, ...]:
    pupils = [
        Pupil(age=age, pictured=(role == "pictured")) for role, age in zip(roles, ages, strict=True)
    ]
    if "vulnerable_pupil" in triggers:
        if "vulnerable_not_pictured" in twists:
            candidates = list(range(1, len(pupils)))
        elif difficulty == "foundation":
            candidates = [0]
        else:
            candidates = list(range(len(pupils)))
        index = rng.choice(candidates)
        kinds = rng.sample(_VULNERABILITIES, 2 if difficulty == "advanced" else 1)
        pupils[index] = replace(pupils[index], **dict.fromkeys(kinds, True))
    return tuple(pupils)


def _build(
    rng: random.Random, difficulty: str, triggers: frozenset[str], twists: frozenset[str]
) -> tuple[Facts, Scene]:
    adult = "adult_involved" in triggers
    malicious = "malicious_sharing" in triggers
    shared_on = malicious or "shared_on" in twists
    content = _content(rng, difficulty, triggers, twists)
    roles = _roles(rng, difficulty, adult, twists, shared_on)
    ages = _ages(rng, difficulty, roles, content, triggers, twists)
    facts = Facts(
        pupils=_pupils(rng, difficulty, roles, ages, triggers, twists),
        adult_involved=adult,
        coercion_or_blackmail="coercion_or_blackmail" in triggers,
        content=content,
        immediate_risk_of_harm="immediate_risk_of_harm" in triggers,
        shared_without_consent=shared_on,
        malicious_intent=malicious,
        shared_online=bool(twists & {"online", "strangers"}),
        contacted_by_strangers="strangers" in twists,
        parents_pose_risk="parents" in twists,
    )
    return facts, _scene(rng, facts, roles, ages)


def _scene(rng: random.Random, facts: Facts, roles: tuple[str, ...], ages: list[int]) -> Scene:
    disclosers = ["pictured", "friend"]
    if "recipient" in roles and not (facts.coercion_or_blackmail or facts.malicious_intent):
        disclosers.append("recipient")
    if not facts.parents_pose_risk:
        disclosers.append("parent")
    discloser = rng.choice(disclosers)
    staff = rng.choice(narrative.PARENT_STAFF if discloser == "parent" else narrative.PUPIL_STAFF)
    moments = tuple(narrative.MOMENTS)
    adult_kind = rng.choice(narrative.ADULT_KINDS) if facts.adult_involved else ""
    low, high = narrative.ADULT_AGES.get(adult_kind, (0, 0))
    return Scene(
        staff=staff,
        moment=rng.choice(narrative.PARENT_MOMENTS if discloser == "parent" else moments),
        discloser=discloser,
        roles=roles,
        years=tuple(rng.choice(narrative.valid_years(age)) for age in ages),
        adult_kind=adult_kind,
        adult_age=rng.randint(low, high) if adult_kind else 0,
        picks=tuple((name, rng.randrange(1_000)) for name in _PICKS),
    )


_PICKS = (
    "adult_intro",
    "channel",
    "coercion",
    "content",
    "malice",
    "online",
    "parent",
    "parents",
    "risk",
    "when",
    *(f"vulnerable{i}" for i in range(len(narrative.ROLES))),
)
