"""What each local-protocol choice means and where the guidance disagrees, for the edit page.

Each note cites the guidance (training_app/guidance/README.md, "Where the sources disagree");
the citations become links to the quoted passage.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """One choice, what it means and its source."""

    value: str
    label: str
    explanation: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One point the school decides, with why the sources disagree."""

    field: str
    legend: str
    disagreement: str
    options: tuple[Option, ...]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "edition",
        "Which guidance your training follows",
        "The school group's policy is based on the 2016 national advice, which was replaced in "
        "December 2020 and updated in March 2024 (UKCIS “Sharing nudes and semi-nudes”). "
        "The two differ on the immediate-referral criteria; the newer harms the 2024 advice "
        "describes (sextortion, AI-made imagery, Report Remove) are taught under either. "
        "Training, the footer and the decision practice follow your choice. The default keeps "
        "the group policy, as every school had before.",
        (
            Option(
                "group-policy-2016",
                "The school group's policy based on the 2016 national advice (default)",
                "Six immediate-referral criteria, one of them for a pupil who is vulnerable, "
                "has been abused or is involved with social care.",
                ("UKCCIS-2016 §3.3",),
            ),
            Option(
                "ukcis-2024",
                "The 2024 national advice (UKCIS)",
                "Five immediate-referral criteria, with grooming and concerns about capacity "
                "to consent inside the coercion criterion; vulnerability is weighed when the "
                "risk is assessed.",
                ("UKCIS-2024 §2.2", "UKCIS-2024 §2.3"),
            ),
        ),
    ),
    Question(
        "under_13_referral",
        "When a child under 13 means an immediate referral",
        "The national criteria refer at once when the imagery involves sexual acts and a child "
        "in it is under 13. RUTLAND-2017 goes further: any incident involving a child under 13 "
        "is referred at once. A stricter choice adds a trigger for under-13s; it never removes "
        "one.",
        (
            Option(
                "sexual_acts",
                "When the imagery involves sexual acts and a child in it is under 13 (default)",
                "The national wording, in both the group policy and the 2024 advice.",
                ("UKCCIS-2016 §3.3", "UKCIS-2024 §2.2"),
            ),
            Option(
                "always",
                "Whenever a child under 13 is involved",
                "The county guidance's rule: refer every incident involving a child under 13.",
                ('RUTLAND-2017 "For Designated Safeguarding Leads"',),
            ),
        ),
    ),
    Question(
        "device_power",
        "What staff do with a confiscated phone or tablet",
        "The sources disagree. RUTLAND-2017 tells any member of staff to put the device in "
        "flight mode rather than switch it off, so nothing an investigation needs is lost. "
        "UKCCIS-2016 §3.8 says to turn it off and lock it away when it is to go to the police. "
        "The default is flight mode: the first person to take the device does not yet know "
        "whether the police will be involved, and flight mode keeps the data.",
        (
            Option(
                "flight_mode",
                "Put it in flight mode and keep it safe (default)",
                "Staff switch on flight mode, do not switch the device off, and give it to "
                "the DSL or lock it away.",
                ('RUTLAND-2017 "For any setting where there are concerns"',),
            ),
            Option(
                "power_off",
                "Switch it off and lock it away",
                "Staff turn the device off and lock it away. Choose this if your police "
                "contact asks for it.",
                ("UKCCIS-2016 §3.8",),
            ),
        ),
    ),
    Question(
        "viewing_rule",
        "Who may look at imagery when that cannot be avoided",
        "Both sources say imagery should not be viewed unless it is unavoidable. They differ "
        "on who views it and whether a second person is present. The default is the national "
        "guidance, which keeps the number of people who see the imagery to one.",
        (
            Option(
                "ukccis",
                "One member of staff: the DSL or someone they delegate (default)",
                "One member of staff, the same sex as the pupil pictured, with the "
                "headteacher told first.",
                ("UKCCIS-2016 §5.1",),
            ),
            Option(
                "appx8",
                "The headteacher or someone they authorise, with a witness",
                "The headteacher or an authorised member of staff, with a member of the "
                "safeguarding team present, the same sex as the pupil.",
                ("APPX8 Step 2",),
            ),
        ),
    ),
    Question(
        "police_threshold",
        "When the school involves the police",
        "The sources set different thresholds. UKCCIS-2016 §3.3 lets a school manage an "
        "incident itself when none of the immediate-referral criteria apply; APPX8 and "
        "DORSET expect the police to be involved more often. A stricter choice adds the "
        "police to the agencies; it never changes the immediate-referral criteria.",
        (
            Option(
                "ukccis",
                "When an immediate-referral criterion applies (default)",
                "Refer at once when any criterion applies; otherwise use the Annex A risk "
                "questions to decide.",
                ("UKCCIS-2016 §3.3", "UKCCIS-2016 §9.1 (Annex A)"),
            ),
            Option(
                "aggravated",
                "Also for every aggravated incident",
                "APPX8 says involving the police will almost always be proportionate when an "
                "incident is aggravated.",
                ("APPX8 Step 2",),
            ),
            Option(
                "dorset",
                "Also for aggravated sharing and any nude, sexual or extreme imagery",
                "The police-area protocol says referral is generally proportionate for these.",
                ('DORSET "Dealing with the incident"',),
            ),
        ),
    ),
)

CONTACT_NOTE = (
    "Local phone numbers and teams belong to one area, so training shows yours only if you "
    "enter them here; otherwise it uses the national wording (UKCCIS-2016 §3.7 for the police, "
    "UKCCIS-2016 §4.0 for children's social care)."
)
