"""Described sources: guidance we cite by section and public address but do not vendor.

Their text is not in this repository, so nothing may quote them: each section carries a short
summary written in our own words and the address of the original. ``citations.section_text``
refuses them with ``NotVendoredError``. ``number_checked`` is False where a section's number and
title come from our reading of the advice but could not be matched against a stored copy of the
page (only its opening, §1.1, the pointer to §1.4 and Annex D could): check those against the
original before relying on the number.
"""

from __future__ import annotations

from dataclasses import dataclass

UKCIS_2024_URL = (
    "https://www.gov.uk/government/publications/sharing-nudes-and-semi-nudes-advice-for-education-"
    "settings-working-with-children-and-young-people/sharing-nudes-and-semi-nudes-advice-for-"
    "education-settings-working-with-children-and-young-people"
)
OVERVIEW_URL = (
    "https://www.gov.uk/government/publications/sharing-nudes-and-semi-nudes-advice-for-education-"
    "settings-working-with-children-and-young-people/sharing-nudes-and-semi-nudes-how-to-respond-"
    "to-an-incident-overview"
)
NCA_ALERT_URL = (
    "https://saferinternet.org.uk/blog/national-crime-agency-issues-financially-motivated-sexual-"
    "extortion-alert-to-uk-schools"
)
REPORT_REMOVE_URL = (
    "https://www.childline.org.uk/info-advice/bullying-abuse-safety/online-mobile-safety/"
    "report-remove/"
)
IWF_REPORT_REMOVE_URL = "https://www.iwf.org.uk/what-we-do/why-we-exist/report-remove"
TAKE_IT_DOWN_URL = "https://takeitdown.ncmec.org/"
POSH_URL = "https://saferinternet.org.uk/professionals-online-safety-helpline"


@dataclass(frozen=True)
class DescribedSection:
    """One section of a described source: label, title, our summary, where to read the original."""

    source: str
    label: str
    title: str
    summary: str
    url: str
    number_checked: bool = True


def _ukcis(label: str, title: str, summary: str, checked: bool = False) -> DescribedSection:
    return DescribedSection("UKCIS-2024", label, title, summary, UKCIS_2024_URL, checked)


DESCRIBED_SECTIONS: tuple[DescribedSection, ...] = (
    _ukcis(
        "§1.1",
        "Who is this for?",
        "The advice is written for designated safeguarding leads, their deputies, headteachers "
        "and senior leaders in England. Every other member of staff is pointed to the one-page "
        "overview instead.",
        checked=True,
    ),
    _ukcis(
        "§1.2",
        "What does this advice cover?",
        "How a setting responds when nudes or semi-nudes have been shared: assessing risk, "
        "supporting the young people, handling devices and imagery, recording, and working "
        "with other agencies and parents.",
        checked=True,
    ),
    _ukcis(
        "§1.4",
        "'Sharing nudes and semi-nudes': definition",
        "The advice speaks of sharing nudes and semi-nudes: under-18s sending or posting nude or "
        "semi-nude images, videos or live streams, whether through apps, games, social media or "
        "device-to-device sharing that needs no internet. It replaces older terms such as "
        "'sexting' and 'youth produced sexual imagery'. Adults sharing such imagery of children "
        "are outside this advice: that is child sexual abuse and goes to the police.",
        checked=True,
    ),
    # Cited by its heading, not a number: a table of contents of the advice puts it in
    # section 1 (as 1.5 in the 2020 edition), but no stored copy confirms the 2024 numbering.
    DescribedSection(
        "UKCIS-2024",
        '"Why does this matter to settings working with children?"',
        "Why does this matter to settings working with children?",
        "Background on how common sharing is: the advice draws on research by Brook and CEOP "
        "(2017) with young people aged 14 to 24, in which about a quarter had sent a nude image "
        "to someone they were interested in and about half had received one, and it stresses "
        "that most children and young people are not making or sharing such images. If imagery "
        "spreads, it can bring embarrassment, bullying, blackmail and exploitation.",
        UKCIS_2024_URL,
        number_checked=False,
    ),
    # The 2020 edition's table of contents puts the kinds of incident (adult-involved ones
    # among them) in 1.6 and the law in 1.7; where the 2024 update put its sextortion text is
    # not confirmed, so this section stays unchecked.
    _ukcis(
        "§1.6",
        "Understanding motivations and behaviours (kinds of incident, adult-involved ones "
        "among them)",
        "Where an adult is involved the incident is child sexual abuse. The 2024 update "
        "describes two kinds: sexually motivated (an adult, often posing as a young person, "
        "seeks imagery or contact) and financially motivated sexual extortion, where offenders, "
        "often organised groups abroad, threaten to share real or faked imagery unless they are "
        "paid. The young person is a victim and must not be blamed.",
    ),
    _ukcis(
        "§1.7",
        "The law",
        "Making, having or sharing an indecent image of anyone under 18 is an offence, even when "
        "the young person made it of themselves. The offences also cover pseudo-images, so "
        "imagery generated or altered with AI or editing tools is treated like a real image of "
        "the child it depicts.",
    ),
    _ukcis(
        "§1.8",
        "Avoiding unnecessary criminalisation of children",
        "Children who share nudes or semi-nudes are usually best helped by a safeguarding "
        "response, not the criminal justice system; the police can record an incident without "
        "taking it further where that is not in the public interest.",
    ),
    _ukcis(
        "§2.1",
        "Disclosure",
        "Any member of staff who hears of an incident passes it straight to the DSL and follows "
        "the setting's child protection policy; the young person is reassured and supported, "
        "and not made to feel ashamed.",
    ),
    _ukcis(
        "§2.2",
        "Initial review meeting",
        "The DSL holds an initial review with appropriate staff. An immediate referral to the "
        "police and/or children's social care is made if any of five things applies: an adult "
        "is involved; there is reason to think a young person was coerced, blackmailed or "
        "groomed, or there are concerns about their capacity to consent (for example because of "
        "special educational needs); what is known suggests sexual acts unusual for the young "
        "person's developmental stage, or violence; the imagery involves sexual acts and a child "
        "in it is under 13; or a young person is at immediate risk of harm because of the "
        "sharing (for example presenting as suicidal or self-harming). Otherwise the setting "
        "may handle it, with further review. The meeting also considers other children and "
        "other settings involved, and whether to tell parents.",
    ),
    _ukcis(
        "§2.3",
        "Assessing the risks",
        "Questions that help the DSL judge the risk once no immediate referral is needed: "
        "why and how the imagery was made and shared, whether there was pressure or coercion, "
        "who has seen it and where, whether a significant age difference or a power imbalance "
        "exists between those involved, whether an unknown person online is involved, any "
        "vulnerability or past concern, and the impact on the young people.",
    ),
    _ukcis(
        "§2.4",
        "Supporting the young people involved",
        "Talk with the young people calmly and without blame; explain what happens next and who "
        "will need to know; offer support and tools to get imagery removed.",
    ),
    _ukcis(
        "§2.5",
        "Informing parents and carers",
        "Parents and carers are told early and involved, unless there is good reason to think "
        "that telling them would put the young person at risk; then the reasons are recorded "
        "and children's social care may need to be involved.",
    ),
    _ukcis(
        "§2.6",
        "Reporting incidents to the police",
        "How and when to involve the police: straight away where a child is in immediate "
        "danger, otherwise through local arrangements; what the police may then do; and "
        "keeping anything they may need rather than deleting it.",
    ),
    _ukcis(
        "§2.7",
        "Children's social care contact and referrals",
        "When to contact children's social care: where children's social care already work with "
        "the young person, where there are wider welfare concerns, or under the local "
        "safeguarding partnership's thresholds.",
    ),
    _ukcis(
        "§2.8",
        "Searching devices, viewing and deleting nudes and semi-nudes",
        "Staff should not view imagery; only the DSL may, in exceptional cases and with set "
        "safeguards. Searching a device follows the Department for Education's searching, "
        "screening and confiscation guidance. Deleting imagery is considered only once the "
        "police are not involved, and young people are helped to delete it themselves.",
    ),
    _ukcis(
        "§2.9",
        "Recording incidents",
        "Every incident is recorded in the safeguarding records, including the decisions made, "
        "the reasons for them and any decision not to refer.",
    ),
    _ukcis(
        "§2.10",
        "Reporting nudes and semi-nudes online",
        "Help a young person get imagery taken down: report it to the platform, and under-18s "
        "can use Childline and the IWF's Report Remove, or NCMEC's Take It Down for imagery "
        "that may be shared, without anyone at school viewing it.",
    ),
    _ukcis(
        "§3",
        "Educating children and young people",
        "Teach about nudes and semi-nudes within relationships, sex and health education in a "
        "safe, non-shaming way: consent, pressure and coercion, the law, sextortion, and where "
        "to get help.",
    ),
    _ukcis(
        "Annex D",
        "Substantive changes",
        "The advice's own list of what changed in the 2024 update. Published summaries of that "
        "list name more examples of incidents, pseudo-images in the definition of indecent "
        "images, every adult-involved incident treated as child sexual abuse, more on support "
        "for those affected, new and updated reporting routes, and teaching the subject "
        "safely. Read the annex itself for its exact wording.",
        checked=True,
    ),
    DescribedSection(
        "UKCIS-2024-OVERVIEW",
        '"What do we mean by sharing nudes and semi-nudes?"',
        "What do we mean by sharing nudes and semi-nudes?",
        "For all staff: sharing nudes and semi-nudes means under-18s sending or posting nude or "
        "semi-nude images, videos or live streams, on or offline. Adults sharing such imagery of "
        "children is abuse and goes urgently to the police.",
        OVERVIEW_URL,
    ),
    DescribedSection(
        "UKCIS-2024-OVERVIEW",
        '"What to do if an incident comes to your attention"',
        "What to do if an incident comes to your attention",
        "For all staff: report it to the DSL at once; never view, copy, print, share, store or "
        "save the imagery or ask a child to send it; don't delete it or ask the young person "
        "to; don't press them for details of the imagery or tell others about it; explain that "
        "you have to pass it on and that they will be supported; never blame or shame them. "
        "Only the DSL may, in exceptional cases, view imagery.",
        OVERVIEW_URL,
    ),
    DescribedSection(
        "NCA-SEXTORTION-2024",
        '"What it is"',
        "What financially motivated sexual extortion is",
        "Offenders, usually organised groups based overseas, threaten to release nude or "
        "semi-nude imagery of a young person, real or faked, unless money or gift cards are "
        "paid. All ages and genders are targeted, but many victims are boys aged 14 to 18. It is "
        "child sexual abuse.",
        NCA_ALERT_URL,
    ),
    DescribedSection(
        "NCA-SEXTORTION-2024",
        '"How to respond"',
        "How education settings should respond",
        "Treat it as a safeguarding concern for the DSL; never use victim-blaming language; "
        "reassure the young person that it is not their fault; advise them to stop contact, "
        "not to pay, and to keep the messages; report to the police and CEOP; and help them use "
        "Report Remove or Take It Down.",
        NCA_ALERT_URL,
    ),
    DescribedSection(
        "CHILDLINE-REPORT-REMOVE",
        '"How it works"',
        "How Report Remove works",
        "A young person under 18 in the UK reports a nude or semi-nude image or video of "
        "themselves: they confirm their age (13 and over may be asked for ID), set up a "
        "Childline account, and submit the image, video or address to the Internet Watch "
        "Foundation, which assesses it, tries to remove it and shares a digital fingerprint so "
        "sites can block it. Childline reports back and offers support. Staff help the young "
        "person use it but never view the imagery.",
        REPORT_REMOVE_URL,
    ),
    DescribedSection(
        "TAKE-IT-DOWN",
        '"How it works"',
        "How Take It Down works",
        "A free service from the US National Center for Missing & Exploited Children for imagery "
        "taken when the person was under 18: a digital fingerprint of the image is made on the "
        "young person's own device, without uploading the image, and participating platforms use "
        "it to find and block copies. It can be used anonymously.",
        TAKE_IT_DOWN_URL,
    ),
    DescribedSection(
        "POSH",
        '"Contact the helpline"',
        "Contact the Professionals Online Safety Helpline",
        "The UK Safer Internet Centre's free helpline for anyone working with children in the UK "
        "with an online safety concern, including getting harmful content reported and removed "
        "when a platform's own reporting has not worked. Its number is now 0344 381 4772 "
        "(the 2016 policy gives an older 0844 number); it is open on weekdays.",
        POSH_URL,
    ),
)
