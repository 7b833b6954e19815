"""Realistic demo data for the portals, written through the services like a real user would."""

import random
from datetime import timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import (
    Approach,
    Contact,
    GoalFocus,
    GoalStatus,
    KeepInTouch,
    MeetingFormat,
    Membership,
    Practice,
    utcnow,
)
from coachhub.services import contacts, goals, introductions, ledger, reviews
from coachhub.services import meetings as meetings_service
from coachhub.services.meetings import MeetingData

PEOPLE = [
    ("Aroha Williams", "Xero", "Product Manager", "SaaS"),
    ("Ben Carter", "Kiwibank", "Head of Design", "Banking"),
    ("Chloe Tan", "Pushpay", "Engineering Manager", "Fintech"),
    ("Daniel Roberts", "Vend", "UX Researcher", "Retail tech"),
    ("Emma Liu", "Rocket Lab", "Talent Partner", "Aerospace"),
    ("Finn O'Brien", "Sharesies", "Product Designer", "Fintech"),
    ("Grace Huang", "Trade Me", "Data Lead", "Marketplaces"),
    ("Hemi Parata", "Spark", "Customer Insights", "Telco"),
    ("Isla Morgan", "Kami", "Co-founder", "Edtech"),
    ("Jack Wilson", "Fisher & Paykel", "Digital Lead", "Manufacturing"),
    ("Kiri Thompson", "ANZ", "Service Designer", "Banking"),
    ("Leo Martin", "Hnry", "Growth Lead", "Fintech"),
]
ASKS = [
    "How do product teams here decide what to build next?",
    "What skills are hardest to hire for in your team right now?",
    "How is AI changing research work in your company?",
    "What does a good first 90 days look like in your team?",
]
OFFERS = [
    "Share my notes from the UX Auckland meetup",
    "Introduce them to a researcher I worked with",
    "Send a summary of accessibility audits I ran",
    "Give feedback on their onboarding flow",
]
LEARNED = [
    "They are moving to small cross-functional squads; research is embedded.",
    "Hiring is slow until the new financial year; contractors fill gaps.",
    "They value people who can run their own discovery.",
    "The team is growing in Wellington, not Auckland.",
]
FOLLOW_UPS = [
    "Send thank-you email",
    "Share the article I mentioned",
    "Send intro email",
    "Call back",
]


def seed_networking(
    practice: Practice,
    client: Membership,
    coach: Membership,
    *,
    weeks: int,
    meetings: int,
    seed: int,
    quiet_days: int = 0,
) -> None:
    """Goals, a chain of contacts, `meetings` logs over `weeks` weeks, reviews and replies."""
    rng = random.Random(seed)
    today = practice.today()
    # The client joined when their networking began, not when the demo was seeded.
    client.created_at = utcnow() - timedelta(days=quiet_days + weeks * 7 + 1)
    goal_rows = [
        goals.assign_goal(
            practice,
            coach,
            client,
            title="Understand product teams in fintech",
            focus=GoalFocus.COMPANY,
            target="product teams at fintechs in Auckland",
            find_out="How they run discovery and what they hire for",
            can_offer="Research skills, accessibility audits",
            target_meetings=6,
            due_on=today + timedelta(days=45),
        ),
        goals.assign_goal(
            practice,
            coach,
            client,
            title="Meet five design leaders",
            focus=GoalFocus.PEOPLE,
            target="heads of design in NZ",
            find_out="What they look for in senior designers",
            can_offer="Meetup contacts and notes",
            target_meetings=5,
            due_on=today + timedelta(days=75),
        ),
    ]
    achieved = None
    if meetings > 10:
        achieved = goals.assign_goal(
            practice,
            coach,
            client,
            title="Map the Auckland UX scene",
            focus=GoalFocus.INDUSTRY,
            target="UX meetups and communities",
            find_out="Where the conversations happen",
            can_offer="Volunteer at a meetup",
            target_meetings=3,
            due_on=today - timedelta(days=20),
        )
    goals.propose_goal(
        practice,
        client,
        title="Talk to people in climate tech",
        focus=GoalFocus.INDUSTRY,
        target="climate startups",
        find_out="Whether my skills transfer",
        can_offer="Research on user behaviour change",
        target_meetings=3,
        due_on=None,
    )

    # A chain of introductions: each new contact was introduced by the previous one.
    people = rng.sample(PEOPLE, k=min(len(PEOPLE), max(3, meetings // 2)))
    rows = []
    for i, (name, company, title, industry) in enumerate(people):
        rows.append(
            contacts.add_contact(
                practice,
                client,
                name=name,
                company=company,
                title=title,
                industry=industry,
                email=f"{name.split()[0].lower()}@example.com",
                how_met="Meetup" if i == 0 else "",
                introduced_by_contact_id=rows[i - 1].id if 0 < i < 4 else None,
                cadence_days=rng.choice([None, 30, 45, 60]),
            )
        )
    db.session.flush()

    span = weeks * 7
    for n in range(meetings):
        days_ago = quiet_days + round(span * (meetings - n) / meetings)
        met_on = today - timedelta(days=days_ago)
        due = met_on + timedelta(days=rng.choice([2, 5, 7, 14]))
        done = due - timedelta(days=1) if (due < today and rng.random() < 0.7) else None
        data = MeetingData(
            met_on=met_on,
            format=rng.choice(list(MeetingFormat)),
            contact=rows[n % len(rows)],
            goal=goal_rows[n % 2] if n % 3 else (achieved if n < meetings // 2 else None),
            # Mostly intentional meetings; now and then a weak one for the coach to pick up.
            ask=rng.choice(ASKS) if rng.random() > 0.15 else "",
            offer=rng.choice(OFFERS) if rng.random() > 0.2 else "",
            learned=rng.choice(LEARNED),
            they_asked="Feedback on a prototype" if rng.random() < 0.4 else "",
            introductions="",
            approach=rng.choice([Approach.INFORMATION, Approach.INFORMATION, Approach.MIXED]),
            reflection="Kept it to 30 minutes and asked about them first.",
            keep_in_touch=rng.choice(list(KeepInTouch)),
            follow_up_action=rng.choice(FOLLOW_UPS),
            follow_up_due_on=due,
            follow_up_done_on=done,
        )
        if data.keep_in_touch != KeepInTouch.NOT_ASKED:
            data.keep_in_touch_answer = "Sure, let's catch up next quarter"
        log = meetings_service.log_meeting(practice, client, data)
        # The coach has reviewed most logs except the latest few.
        if n < meetings - 3:
            reviews.review_meeting(
                practice,
                coach,
                log,
                intent_clarity=rng.randint(2, 5),
                reciprocity=rng.randint(2, 5),
                follow_up=rng.randint(1, 5),
                comment=rng.choice(
                    [
                        "Clear ask; next time lead with your offer.",
                        "Good reciprocity. Ask to keep in touch before you leave.",
                        "This drifted towards asking for a job: keep it about their world.",
                    ]
                ),
            )
            if n % 4 == 0:
                reviews.comment_on_meeting(practice, client, log, "Thanks, noted for next time!")
    if achieved is not None:
        goals.close_goal(practice, coach, achieved, GoalStatus.ACHIEVED)
    db.session.flush()


def seed_job_ask(practice: Practice, client: Membership) -> None:
    """A newcomer's classic first mistake: a meeting spent asking for a job (a weak log, first in
    the coach's review queue and in the weekly digest)."""
    contact = db.session.scalars(
        select(Contact)
        .where(Contact.practice_id == practice.id, Contact.client_membership_id == client.id)
        .order_by(Contact.id)
    ).first()
    meetings_service.log_meeting(
        practice,
        client,
        MeetingData(
            met_on=practice.today() - timedelta(days=2),
            format=MeetingFormat.CALL,
            contact=contact,
            ask="Do you have a job for me?",
            offer="I can send my CV",
            learned="They are not hiring; the conversation ended quickly.",
            approach=Approach.JOB_ASKING,
            reflection="I went straight to asking for a role.",
        ),
    )


def seed_one_sided_contact(practice: Practice, client: Membership) -> Contact:
    """A contact the client has only taken from, so the ledger's nudge has something to say."""
    mere = contacts.add_contact(
        practice,
        client,
        name="Mere Tawhiri",
        company="Xero",
        title="Design Lead",
        industry="Software",
        how_met="Introduced at a UX meetup",
        cadence_days=45,
    )
    ledger.add_entry(
        practice,
        client,
        mere,
        "received",
        "introduction",
        "Introduced me to two product designers on her team",
        practice.today() - timedelta(days=6),
    )
    ledger.add_entry(
        practice,
        client,
        mere,
        "received",
        "information",
        "Walked me through how Xero runs design critiques",
        practice.today() - timedelta(days=3),
    )
    return mere


def seed_introductions(practice: Practice, client: Membership, introducer: Contact) -> None:
    """Introductions through the pipeline: a chain of three (the introducer introduced Tama,
    who introduced Hana), an open request asked of Hana, and a promise to Tama still to keep."""
    today = practice.today()
    first = introductions.request_introduction(
        practice,
        client,
        introducer,
        "someone who runs a design system",
        "Canva",
        requested_on=today - timedelta(days=24),
    )
    tama = introductions.mark_made(
        practice,
        client,
        first,
        "Tama Ngata",
        "Canva",
        "tama@example.com",
        made_on=today - timedelta(days=20),
    )
    introductions.mark_met(practice, client, first, today - timedelta(days=14))
    second = introductions.request_introduction(
        practice,
        client,
        tama,
        "a researcher on the growth team",
        "Atlassian",
        requested_on=today - timedelta(days=12),
    )
    hana = introductions.mark_made(
        practice,
        client,
        second,
        "Hana Sato",
        "Atlassian",
        made_on=today - timedelta(days=9),
    )
    introductions.request_introduction(
        practice,
        client,
        hana,
        "someone in the platform team",
        "Atlassian",
        note="To hear how they decide what to build in-house",
        requested_on=today - timedelta(days=4),
    )
    ledger.add_entry(
        practice,
        client,
        tama,
        "gave",
        "article",
        "I'll send Tama the article on design tokens at scale",
        today - timedelta(days=2),
        promise_due_on=today + timedelta(days=3),
    )
