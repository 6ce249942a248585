"""The initial review meeting: the questions a DSL may ask, and each answer in words.

Facts come out only when asked, as in real life. Pure text templates, like ``narrative``; an
answer that says its fact does *not* hold opens with "No" or "Nothing", and one that says it does
never does (the tests hold every yes/no answer to this).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from training_app.rehearsal.narrative import (
    PARENTS,
    Scene,
    capital,
    content_line,
    holder,
    label,
    named,
    opening,
    staff_title,
)
from training_app.rules import Facts

NEGATIVE_OPENINGS: tuple[str, ...] = ("No", "Nothing")


@dataclass(frozen=True)
class Question:
    """A question the DSL may ask at the initial review meeting, and the facts it brings out."""

    id: str
    prompt: str
    facts: tuple[str, ...]


QUESTIONS: tuple[Question, ...] = (
    Question("ages", "How old are the pupils?", ("pupils.age",)),
    Question("pictured", "Who is in the image?", ("pupils.pictured",)),
    Question("content", "What do we know about what the image shows?", ("content",)),
    Question("adult", "Is an adult involved?", ("adult_involved",)),
    Question("coercion", "Has anyone been pressured or threatened?", ("coercion_or_blackmail",)),
    Question(
        "vulnerable",
        "Is any pupil known to social care or vulnerable?",
        ("pupils.vulnerable", "pupils.previously_abused", "pupils.social_care_involved"),
    ),
    Question(
        "sharing",
        "Has it been passed on beyond the person it was sent to?",
        ("shared_without_consent",),
    ),
    Question("malice", "Was it shared to hurt or embarrass anyone?", ("malicious_intent",)),
    Question("online", "Has it been shared online?", ("shared_online",)),
    Question(
        "strangers",
        "Has anyone been contacted by people they don't know?",
        ("contacted_by_strangers",),
    ),
    Question("risk", "Is any pupil at risk of harm right now?", ("immediate_risk_of_harm",)),
    Question("parents", "Is there any reason not to tell the parents?", ("parents_pose_risk",)),
    Question("devices", "Where are the phones now?", ()),
)
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
# The yes/no questions, with the one fact each answers (used for the wording rules above).
YES_NO: Mapping[str, str] = MappingProxyType(
    {
        "adult": "adult_involved",
        "coercion": "coercion_or_blackmail",
        "sharing": "shared_without_consent",
        "malice": "malicious_intent",
        "online": "shared_online",
        "strangers": "contacted_by_strangers",
        "risk": "immediate_risk_of_harm",
        "parents": "parents_pose_risk",
    }
)


def question(question_id: str) -> Question:
    """Return the question with this id; KeyError if there is none."""
    for q in QUESTIONS:
        if q.id == question_id:
            return q
    raise KeyError(question_id)


def _ages(facts: Facts, scene: Scene) -> str:
    return " ".join(
        f"{label(i)} is {p.age} and in Year {scene.years[i]}." for i, p in enumerate(facts.pupils)
    )


def _pictured(facts: Facts, scene: Scene) -> str:
    inside = [label(i) for i, p in enumerate(facts.pupils) if p.pictured]
    outside = [label(i) for i, p in enumerate(facts.pupils) if not p.pictured]
    text = (
        f"As far as anyone knows, only {_join(inside)} {'is' if len(inside) == 1 else 'are'} in it."
    )
    if outside:
        text += f" {_join(outside)} {'is' if len(outside) == 1 else 'are'} not in it."
    return text


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _adult(facts: Facts, scene: Scene) -> str:
    if not facts.adult_involved:
        return "No. As far as anyone knows, only pupils are involved."
    age = scene.adult_age
    description = {
        "online": f"an adult Pupil A met on a gaming site, who says they are {age}",
        "club": f"{_article(age)} {age}-year-old adult Pupil A knows from a sports club",
        "former_pupil": f"{_article(age)} {age}-year-old former pupil of the school, now an adult",
    }[scene.adult_kind]
    return f"Yes. The person Pupil A sent the image to is {description}."


def _article(number: int) -> str:
    return "an" if number in (11, 18) or str(number).startswith("8") else "a"


def _coercion(facts: Facts, scene: Scene) -> str:
    if not facts.coercion_or_blackmail:
        return "No. Pupil A says they chose to send it, and nobody pressured or threatened them."
    who = holder(scene, told_by_a=True)
    return "Yes. " + scene.pick(
        "coercion",
        (
            f"Pupil A says {who} kept asking for the image for days and said they would tell "
            "everyone private things about Pupil A unless they sent it.",
            f"Pupil A says {who} threatened to send their earlier messages to Pupil A's family "
            "unless Pupil A did what they asked.",
        ),
    )


_VULNERABLE_TEXT = (
    "{who} has special educational needs and an education, health and care plan.",
    "{who} is in foster care (a looked-after child).",
)
_ABUSED_TEXT = "{who}'s safeguarding file records that they were abused when they were younger."
_SOCIAL_CARE_TEXT = "{who} has a social worker: children's social care are working with the family."


def _vulnerable(facts: Facts, scene: Scene) -> str:
    notes: list[str] = []
    for i, p in enumerate(facts.pupils):
        who = label(i)
        if p.vulnerable:
            notes.append(scene.pick(f"vulnerable{i}", _VULNERABLE_TEXT).format(who=who))
        if p.previously_abused:
            notes.append(_ABUSED_TEXT.format(who=who))
        if p.social_care_involved:
            notes.append(_SOCIAL_CARE_TEXT.format(who=who))
    if not notes:
        return (
            "No. None of the pupils is known to children's social care, and nothing on their "
            "files suggests they are vulnerable."
        )
    return "Yes. " + " ".join(notes)


def _sharing(facts: Facts, scene: Scene) -> str:
    who = holder(scene)
    if not facts.shared_without_consent:
        return f"No. As far as anyone knows, it has not gone any further than {who}."
    onward = named(scene, "onward")
    to = f"{onward} and others in a group chat" if onward else "several others"
    return f"Yes. {capital(who)} sent it on to {to}. Pupil A did not agree to that."


def _malice(facts: Facts, scene: Scene) -> str:
    who = holder(scene)
    if facts.malicious_intent:
        return "Yes. " + scene.pick(
            "malice",
            (
                f"{capital(who)} passed it on after a falling-out, and told "
                "others they wanted to embarrass Pupil A.",
                f"Messages sent with it make fun of Pupil A, and {who} has said they wanted "
                "to humiliate them.",
            ),
        )
    if facts.shared_without_consent:
        return (
            f"No. {capital(who)} says they passed it on as a joke without "
            "thinking, and nothing suggests they meant to hurt Pupil A."
        )
    return "No. Nothing suggests anyone meant to hurt or embarrass Pupil A."


def _online(facts: Facts, scene: Scene) -> str:
    if not facts.shared_online:
        return (
            "No. As far as anyone knows, it has only been sent in private messages, not posted "
            "on social media or any website."
        )
    return "Yes. " + scene.pick(
        "online",
        (
            "It has been posted on an anonymous social media account that other pupils follow.",
            "It has been posted on a social media page, and pupils say it is still there.",
        ),
    )


def _strangers(facts: Facts, scene: Scene) -> str:
    if not facts.contacted_by_strangers:
        return "No. Nobody has mentioned messages from people they don't know."
    return (
        "Yes. Since it was posted, Pupil A has had messages from people they don't know who say "
        "they have seen it."
    )


def _risk(facts: Facts, scene: Scene) -> str:
    if not facts.immediate_risk_of_harm:
        return (
            "Nothing suggests that any pupil is at risk of harm right now. Pupil A is upset, "
            "and is with a member of the pastoral team."
        )
    return "Yes. " + scene.pick(
        "risk",
        (
            "A friend says Pupil A has talked about harming themselves since the image went "
            "round, and is very worried about them.",
            "Other pupils have told Pupil A they will hurt them after school because of the "
            "image, and Pupil A is frightened to leave the building.",
        ),
    )


def _parents(facts: Facts, scene: Scene) -> str:
    if not facts.parents_pose_risk:
        return (
            "No. Nothing suggests that telling the parents or carers would put any pupil at risk."
        )
    return "Yes. " + scene.pick(
        "parents",
        (
            "Pupil A is frightened of how their family will react and has said they would be "
            "made to leave home. The head of year, who knows the family, shares that worry.",
            "Pupil A says their family would see this as bringing shame on them and is scared "
            "of what they would do. The pastoral team has had the same worry before.",
        ),
    )


def _devices(facts: Facts, scene: Scene) -> str:
    if scene.discloser == "parent":
        parent = scene.pick("parent", PARENTS)
        return (
            f"Pupil A's {parent} has taken Pupil A's phone and is keeping it at home. Nobody at "
            "school has looked at any phone."
        )
    holder = named(scene, "recipient") or "Pupil A"
    return (
        f"{holder} handed their phone to the {staff_title(scene)}, who put it in a locked "
        "drawer in the school office without looking at it."
    )


def _content(facts: Facts, scene: Scene) -> str:
    speaker = opening(facts, scene)[1]
    return (
        content_line(facts, scene, speaker)
        + " Nobody at school has looked at it, and nobody should."
    )


_ANSWERS = {
    "ages": _ages,
    "pictured": _pictured,
    "content": _content,
    "adult": _adult,
    "coercion": _coercion,
    "vulnerable": _vulnerable,
    "sharing": _sharing,
    "malice": _malice,
    "online": _online,
    "strangers": _strangers,
    "risk": _risk,
    "parents": _parents,
    "devices": _devices,
}


def answers(facts: Facts, scene: Scene) -> Mapping[str, str]:
    """Return the answer to every question in ``QUESTIONS``, by question id."""
    return MappingProxyType({q.id: _ANSWERS[q.id](facts, scene) for q in QUESTIONS})


def is_negative(answer: str) -> bool:
    """Return True if an answer says its fact does not hold (it opens with "No" or "Nothing")."""
    return answer.split(maxsplit=1)[0].rstrip(".,") in NEGATIVE_OPENINGS


def telling(facts: Facts) -> tuple[str, ...]:
    """Return the ids of the questions whose answers bear on the decision for these facts.

    A DSL who leaves one of these unasked decides without a fact that matters: the result page
    says which, so the lesson is "ask", not only "you were wrong".
    """
    found = {q for q, name in YES_NO.items() if getattr(facts, name)}
    if any(p.vulnerable or p.previously_abused or p.social_care_involved for p in facts.pupils):
        found.add("vulnerable")
    if facts.content in ("sexual_acts", "extreme_or_violent"):
        # The under-13 criterion turns on who is in the image and how old they are.
        found.update(("ages", "pictured"))
    return tuple(q.id for q in QUESTIONS if q.id in found)
