"""The practice incident record: laid out like the real one, as a page and as a PDF.

The guidance asks for a clear record "with dates, timings and names" (UKCCIS-2016 §3.1), the
decisions and their reasons, and the headteacher's sign-off of a decision not to refer (§7.0).
People in the incident appear only as role labels ("Pupil A (14)", "Member of staff who received
the disclosure"), never as invented names, and every part says it is practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from training_app.pdf import Document, latin1
from training_app.rehearsal import narrative, services
from training_app.rehearsal.generator import DIFFICULTY_LABELS
from training_app.rehearsal.models import Rehearsal
from training_app.rehearsal.questions import QUESTIONS
from training_app.rehearsal.reference import case_reference
from training_app.rehearsal.scoring import Verdict
from training_app.rehearsal.steps import SCORED_KEYS, step
from training_app.rules import AGENCY_NAMES

PRACTICE = "PRACTICE – NOT A REAL INCIDENT"
BLANK = "____________________"
_DISCLOSER = {
    "pictured": "Pupil A (the pupil in the image)",
    "friend": "A friend of Pupil A",
    "recipient": "Pupil B (who received the image)",
    "parent": "Pupil A's parent or carer, by phone",
}
_PROTOCOL = {
    "flight_mode": "confiscated devices kept in flight mode",
    "power_off": "confiscated devices switched off and locked away",
    "ukccis": "viewing, if unavoidable, by one member of staff (UKCCIS-2016 §5.1)",
    "appx8": "searching by the headteacher or someone they authorise (APPX8 Step 2)",
}


def uk_time(moment: datetime) -> datetime:
    """Return ``moment`` in UK time (UTC if the time zone database is missing)."""
    try:
        return moment.astimezone(ZoneInfo("Europe/London"))
    except ZoneInfoNotFoundError:
        return moment.astimezone(UTC)


def _when(moment: datetime | None) -> str:
    return uk_time(moment).strftime("%-d %B %Y, %H:%M") if moment else "Not yet"


@dataclass(frozen=True)
class Section:
    """One part of the record: a heading, label-value rows, and paragraphs of text."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PracticeRecord:
    """The whole record, ready for the page template and the PDF."""

    title: str
    sections: tuple[Section, ...]


def _about(rehearsal: Rehearsal, person: str, school: str) -> Section:
    reference = case_reference(rehearsal)
    protocol = rehearsal.protocol
    police = {
        "ukccis": "the police when a referral criterion applies (UKCCIS-2016 §3.3)",
        "aggravated": "the police for every aggravated incident (APPX8 Step 2)",
        "dorset": "the police for aggravated sharing or illegal images (DORSET)",
    }.get(protocol.get("police_threshold", ""), "")
    rows = [
        ("Rehearsed by", f"{person}, {school}"),
        ("Case reference", f"{reference.code} ({reference.described})"),
        ("Scenario", f"{rehearsal.seed} ({DIFFICULTY_LABELS[rehearsal.difficulty]})"),
        ("Started", _when(rehearsal.started_at)),
        ("Finished", _when(rehearsal.finished_at)),
        (
            "School protocol",
            "; ".join(
                p
                for p in (
                    _PROTOCOL.get(protocol.get("device_power", ""), ""),
                    _PROTOCOL.get(protocol.get("viewing_rule", ""), ""),
                    police,
                )
                if p
            ),
        ),
    ]
    if rehearsal.group is not None:
        rows.insert(2, ("Group rehearsal", rehearsal.group.code))
    if rehearsal.score is not None:
        rows.append(
            ("Score", f"{rehearsal.correct_steps} of {rehearsal.scored_steps} ({rehearsal.score}%)")
        )
    return Section("About this practice record", tuple(rows))


def _decisions(verdicts: dict[str, Verdict], staff: str) -> list[Section]:
    """One part per decision: what was decided, whether it matches the guidance, and why."""
    sections = []
    for number, key in enumerate(SCORED_KEYS, start=1):
        title = f"4.{number} {step(key).title}"
        verdict = verdicts.get(key)
        if verdict is None:
            sections.append(Section(title, (("Decision", "Not made in this rehearsal."),)))
            continue
        rows = [
            (r.field.legend.format(staff=staff), "; ".join(r.given_labels)) for r in verdict.fields
        ]
        wrong = [r for r in verdict.fields if not r.correct]
        rows.append(
            (
                "Matches the guidance",
                "Yes"
                if verdict.correct
                else "No. The guidance: " + " / ".join("; ".join(r.expected_labels) for r in wrong),
            )
        )
        why = next((e for e in verdict.explanations if e.text), None)
        if why is not None:
            rows += [("Reason", why.text), ("Sources", "; ".join(why.citations))]
        sections.append(Section(title, tuple(rows)))
    return sections


def build(rehearsal: Rehearsal, person: str, school: str) -> PracticeRecord:
    """Return the practice record of a rehearsal (finished or not) for ``person`` at ``school``."""
    incident = services.incident_of(rehearsal)
    case = services.case_of(rehearsal)
    scene = incident.scene
    when = uk_time(rehearsal.started_at)
    asked = [q.question for q in rehearsal.questions]
    review = next((a for a in rehearsal.answers if a.step == "review"), None)
    pupils = tuple(
        (
            narrative.record_label(i, p),
            f"Year {scene.years[i]}; {'in the image' if p.pictured else 'not in the image'}",
        )
        for i, p in enumerate(incident.facts.pupils)
    )
    meeting_rows = tuple((q.prompt, incident.answers[q.id]) for q in QUESTIONS if q.id in asked)
    not_asked = [q.prompt for q in QUESTIONS if q.id not in asked]
    decision = case.decision
    signoff: tuple[tuple[str, str], ...]
    if decision.headteacher_signoff_required:
        signoff = (
            ("Decision not to refer, and the reasons", BLANK),
            ("Signed off by the headteacher", f"Signature {BLANK}  Date {BLANK}"),
        )
    else:
        referred = ", ".join(AGENCY_NAMES[a] for a in decision.agencies if a != "ceop")
        signoff = (
            ("Headteacher sign-off", f"Not needed: the incident is referred to {referred}."),
            ("Headteacher informed (APPX8 Step 4)", f"Signature {BLANK}  Date {BLANK}"),
        )
    if not decision.inform_parents:
        signoff += (("Reasons for not telling the parents or carers", BLANK),)
    sections = (
        _about(rehearsal, person, school),
        Section(
            "1. Disclosure",
            (
                ("Date", when.strftime("%-d %B %Y")),
                ("Time", narrative.disclosure_time(scene)),
                (
                    "Member of staff who received the disclosure",
                    narrative.capital(narrative.staff_title(scene)),
                ),
                ("Disclosed by", _DISCLOSER[scene.discloser]),
                ("Where", narrative.STAFF[scene.staff].place.capitalize()),
            ),
            incident.account[:3],
        ),
        Section("2. Pupils involved", pupils),
        Section(
            "3. Initial review meeting",
            (
                ("Date and time", _when(review.answered_at if review else None)),
                ("Present", "Designated Safeguarding Lead and the safeguarding team"),
                *meeting_rows,
                ("Not established at the meeting", " ".join(not_asked) or "Nothing"),
            ),
        ),
        Section(
            "4. Decisions and reasons",
            paragraphs=("Each decision made in the rehearsal, checked against the guidance.",),
        ),
        *_decisions(services.verdicts(rehearsal), narrative.staff_title(scene)),
        Section("5. Recording and sign-off", signoff),
        Section("6. Review of the response (APPX8 Step 8)", (("Date of review", BLANK),)),
    )
    return PracticeRecord(f"{PRACTICE}: practice incident record", sections)


def to_pdf(record: PracticeRecord) -> bytes:
    """Return the record as a PDF, marked as practice on every page."""
    document = Document(record.title)
    document.heading(PRACTICE, size=18)
    document.paragraph(
        "A rehearsal of a made-up incident, generated for training. Not a safeguarding record."
    )
    for section in record.sections:
        document.heading(section.title, size=13)
        for label, value in section.rows:
            # Labels can be long questions, so each sits on its own line above its value,
            # and never alone at the foot of a page.
            document.set_font("Helvetica", style="B", size=11)
            if document.will_page_break(6 * (len(label) // 80 + 1) + 12):
                document.add_page()
            document.multi_cell(0, 6, latin1(label), new_x="LMARGIN", new_y="NEXT")
            document.paragraph(value)
        for text in section.paragraphs:
            document.paragraph(text)
        document.ln(2)
    document.heading(PRACTICE, size=12, keep_with_next=0)
    return document.to_bytes()
