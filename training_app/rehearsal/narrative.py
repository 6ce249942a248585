"""The words of a generated incident: the cast, the scene and the account of the disclosure.

Pure text templates (standard library and the engine's types only). Everything here is a function
of the incident's facts and its ``Scene`` (how the story is told), so the same seed always reads
the same.

House rules the tests hold this module to:
- pupils are role labels ("Pupil A"), never names; their age is written "Pupil A is 14" and their
  year group "Pupil A (Year 9)"; only pupils listed in the facts are given an age or a label;
- the word "adult" and any age of 18 or over appear only when an adult is involved;
- only the pupil in the imagery is ever described as in it;
- nothing graphic or sexual: the imagery is described the way staff learn of it, second hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from training_app.rules import Facts, Pupil

LETTERS = "ABCDEFGH"
# Pupils' roles in the story, one per pupil in the facts (the first is always "pictured").
ROLES: tuple[str, ...] = ("pictured", "recipient", "friend", "onward")


@dataclass(frozen=True)
class Staff:
    """The member of staff who received the disclosure, and where."""

    title: str
    place: str


STAFF: Mapping[str, Staff] = MappingProxyType(
    {
        "form_tutor": Staff("form tutor", "in their form room"),
        "pe_teacher": Staff("PE teacher", "outside the changing rooms"),
        "teaching_assistant": Staff("teaching assistant", "in the learning support base"),
        "head_of_year": Staff("head of year", "in the corridor outside the year office"),
        "science_teacher": Staff("science teacher", "in the science lab"),
        "librarian": Staff("school librarian", "in the library"),
        "receptionist": Staff("school receptionist", "on the school's main phone line"),
    }
)
PUPIL_STAFF: tuple[str, ...] = tuple(k for k in STAFF if k != "receptionist")
PARENT_STAFF: tuple[str, ...] = ("head_of_year", "receptionist")

# (how the account opens, the clock time written in the record)
MOMENTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "registration": ("During morning registration", "08:50"),
        "break": ("At morning break", "10:45"),
        "after_pe": ("After a PE lesson", "11:40"),
        "lunch": ("At lunchtime", "12:50"),
        "end_of_day": ("At the end of the school day", "15:20"),
    }
)

PARENT_MOMENTS: tuple[str, ...] = ("break", "lunch", "end_of_day")
PARENTS = ("mother", "father", "carer")

ADULT_KINDS: tuple[str, ...] = ("online", "club", "former_pupil")
ADULT_AGES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"online": (18, 24), "club": (19, 31), "former_pupil": (18, 20)}
)


@dataclass(frozen=True)
class Scene:
    """How the story is told: who told whom, when and where; the facts live in ``Facts``.

    ``roles`` and ``years`` have one entry per pupil in the facts. ``picks`` chooses among
    equivalent wordings, so the generator's random choices are all made in one place.
    """

    staff: str
    moment: str
    discloser: str
    roles: tuple[str, ...]
    years: tuple[int, ...]
    adult_kind: str = ""
    adult_age: int = 0
    picks: tuple[tuple[str, int], ...] = ()

    def pick(self, name: str, options: Sequence[str]) -> str:
        """Return the wording this scene uses among ``options`` for the slot ``name``."""
        return options[dict(self.picks).get(name, 0) % len(options)]


def label(index: int) -> str:
    """Return the role label of the pupil at ``index``: "Pupil A", "Pupil B", ..."""
    return f"Pupil {LETTERS[index]}"


def record_label(index: int, pupil: Pupil) -> str:
    """Return the label a practice record uses, with the age: "Pupil A (14)"."""
    return f"{label(index)} ({pupil.age})"


def valid_years(age: int) -> tuple[int, ...]:
    """Return the secondary-school year groups a pupil of ``age`` can be in (Year 7 to 13)."""
    return tuple(y for y in (age - 5, age - 4) if 7 <= y <= 13) or (min(max(age - 4, 7), 13),)


def staff_title(scene: Scene) -> str:
    """Return the job title of the member of staff who received the disclosure."""
    return STAFF[scene.staff].title


def disclosure_time(scene: Scene) -> str:
    """Return the clock time of the disclosure, for the record (e.g. "10:45")."""
    return MOMENTS[scene.moment][1]


def _index(scene: Scene, role: str) -> int | None:
    return scene.roles.index(role) if role in scene.roles else None


def named(scene: Scene, role: str) -> str:
    """Return the label of the pupil with ``role`` in the story ("" if there is none)."""
    index = _index(scene, role)
    return "" if index is None else label(index)


def _recipient(scene: Scene) -> str:
    """How the story names whoever Pupil A sent the image to."""
    if scene.adult_kind:
        return scene.pick(
            "adult_intro",
            ("someone they met online", "someone they know from outside school"),
        )
    return named(scene, "recipient")


def holder(scene: Scene, *, told_by_a: bool = False) -> str:
    """Whoever Pupil A sent the image to, named again later in the story."""
    if scene.adult_kind:
        return "the person they sent it to" if told_by_a else "the person Pupil A sent it to"
    return named(scene, "recipient")


def capital(text: str) -> str:
    """Return ``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


_SELF_REPORTED: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "unknown": ("Pupil A did not want to say what the image shows.",),
        "semi_nude": (
            "Pupil A says it is a photo of them in their underwear.",
            "Pupil A says it is a photo of them partly undressed, but not naked.",
        ),
        "nude": ("Pupil A says it is a topless photo.", "Pupil A says it is a naked photo."),
        "sexual_acts": ("Pupil A describes it as showing sexual activity.",),
        "extreme_or_violent": (
            "Pupil A says it shows something sexual that they describe as extreme and violent.",
        ),
    }
)
_SECOND_HAND: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "unknown": (
            "{source} did not say what the image shows.",
            "{source} does not know what the image shows.",
        ),
        "semi_nude": (
            "{source} says it is a photo of Pupil A in their underwear.",
            "{source} says it is a photo of Pupil A partly undressed, but not naked.",
        ),
        "nude": (
            "{source} says it is a topless photo of Pupil A.",
            "{source} describes it as a naked photo of Pupil A.",
        ),
        "sexual_acts": (
            "{source} says it has been described to them as a video of Pupil A showing sexual "
            "activity.",
            "{source} says other pupils describe it as showing sexual activity, with Pupil A in "
            "it.",
        ),
        "extreme_or_violent": (
            "{source} says pupils who have heard about it describe it as sexual, and as extreme "
            "and violent, with Pupil A in it.",
        ),
    }
)


def content_line(facts: Facts, scene: Scene, source: str) -> str:
    """Return what ``source`` says the imagery shows: second hand, never graphic."""
    if source == "Pupil A":
        return scene.pick("content", _SELF_REPORTED[facts.content])
    return scene.pick("content", _SECOND_HAND[facts.content]).format(source=source)


def _when_sent(scene: Scene) -> str:
    return scene.pick("when", ("last weekend", "last night", "a few days ago"))


def opening(facts: Facts, scene: Scene) -> tuple[str, str]:
    """Return the first paragraph, and how it names the person whose words are reported."""
    moment = MOMENTS[scene.moment][0]
    staff = STAFF[scene.staff]
    if scene.discloser == "parent":
        parent = scene.pick("parent", PARENTS)
        return (
            f"{moment}, Pupil A's {parent} phoned the school and asked to speak to the "
            f"{staff.title}, who took the call {staff.place}.",
            f"Pupil A's {parent}",
        )
    if scene.discloser == "recipient":
        who = named(scene, "recipient")
        return (
            f"{moment}, {who} (Year {scene.years[1]}) came to find the {staff.title} "
            f"{staff.place}, looking worried.",
            who,
        )
    if scene.discloser == "friend" and "friend" in scene.roles:
        who = named(scene, "friend")
        index = scene.roles.index("friend")
        return (
            f"{moment}, {who} (Year {scene.years[index]}), a friend of Pupil A, came to the "
            f"{staff.title} {staff.place}.",
            who,
        )
    if scene.discloser == "friend":
        # A friend who is not otherwise involved: no label and no age, as they are not in the
        # facts.
        return (
            f"{moment}, a friend of Pupil A came to the {staff.title} {staff.place}, "
            "upset on Pupil A's behalf.",
            "The friend",
        )
    return (
        f"{moment}, Pupil A (Year {scene.years[0]}) came to the {staff.title} "
        f"{staff.place}, upset.",
        "Pupil A",
    )


def _what_happened(facts: Facts, scene: Scene, speaker: str) -> str:
    channel = scene.pick(
        "channel",
        ("in a private message", "on a messaging app", "through a photo-sharing app"),
    )
    to = _recipient(scene)
    if not scene.adult_kind and scene.discloser != "recipient":
        to += f" (Year {scene.years[scene.roles.index('recipient')]})"
    if speaker == "Pupil A":
        said = (
            f"They said they had sent an image of themselves to {to} {channel} {_when_sent(scene)}"
        )
    elif scene.discloser == "recipient":
        said = (
            f"{speaker} said that Pupil A (Year {scene.years[0]}) had sent them an image of "
            f"themselves {channel} {_when_sent(scene)}"
        )
    else:
        said = (
            f"{speaker} said that Pupil A (Year {scene.years[0]}) had sent an image of "
            f"themselves to {to} {channel} {_when_sent(scene)}"
        )
    if facts.shared_without_consent:
        said += ", and that it has since been passed on to others"
    return said + "."


def account(facts: Facts, scene: Scene) -> tuple[str, ...]:
    """Return the account of the disclosure as the DSL first hears it, in paragraphs."""
    first, speaker = opening(facts, scene)
    staff = staff_title(scene)
    return (
        first,
        _what_happened(facts, scene, speaker),
        content_line(facts, scene, speaker) + " Nobody at school has seen it.",
        f"The {staff} came straight to you, the Designated Safeguarding Lead. You have called "
        "an initial review meeting with the safeguarding team to decide what happens next.",
    )
