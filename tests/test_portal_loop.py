"""The whole coaching loop through the pages, as a coach and a client would click it."""

import re
from datetime import timedelta

from sqlalchemy import select

from coachhub.models import (
    Contact,
    GoalStatus,
    LogComment,
    MeetingLog,
    NetworkingGoal,
    Review,
    utcnow,
)


def _id(location: str) -> int:
    return int(re.search(r"/(\d+)$", location).group(1))


def test_goal_contacts_log_review_reply_follow_up_done(world, login, db):
    coach = login(world.coach_a1.user)
    client = login(world.client_a1.user)
    today = utcnow().date()
    base_c, base_k = "/p/alpha/coach", "/p/alpha/client"

    # 1. The coach assigns a goal.
    page = coach.get(f"{base_c}/clients/{world.client_a1.id}")
    assert "Assign a goal" in page.get_data(as_text=True)
    response = coach.post(
        f"{base_c}/clients/{world.client_a1.id}/goals/new",
        data={
            "title": "Meet fintech product people",
            "focus": "company",
            "target": "product teams at fintechs in Auckland",
            "find_out": "How they plan roadmaps",
            "can_offer": "UX research experience",
            "target_meetings": "2",
            "due_on": (today + timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    goal = db.session.scalar(select(NetworkingGoal))
    assert goal.client_membership_id == world.client_a1.id and goal.status == GoalStatus.OPEN

    # 2. The client sees it and adds contacts, one introduced by the other.
    assert "Meet fintech product people" in client.get(f"{base_k}/").get_data(as_text=True)
    response = client.post(
        f"{base_k}/contacts/new",
        data={"name": "Ana Ruiz", "company": "PayFast", "cadence_days": "30"},
    )
    assert response.status_code == 302
    ana_id = _id(response.location)
    response = client.post(
        f"{base_k}/contacts/new",
        data={"name": "Ben Ko", "company": "LoanLeaf", "introduced_by_contact_id": str(ana_id)},
    )
    assert response.status_code == 302
    intro_page = client.get(f"{base_k}/introductions").get_data(as_text=True)
    assert "Ana Ruiz" in intro_page and "Ben Ko" in intro_page

    # 3. The client logs a meeting against the goal, with a follow-up.
    met_on = today - timedelta(days=2)
    response = client.post(
        f"{base_k}/meetings/new",
        data={
            "contact_id": str(ana_id),
            "goal_id": str(goal.id),
            "met_on": met_on.isoformat(),
            "format": "coffee",
            "ask": "How does PayFast run discovery?",
            "offer": "Share my research templates",
            "learned": "They run two-week discovery sprints",
            "they_asked": "Feedback on their onboarding",
            "introductions": "Offered to introduce me to Cara",
            "new_introductions": "Cara Diaz, PayFast",
            "approach": "information",
            "keep_in_touch": "yes",
            "keep_in_touch_answer": "Happy to, ping me in a month",
            "follow_up_action": "Send research templates",
            "follow_up_due_on": (today + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    log_id = _id(response.location)
    db.session.expire_all()
    log = db.session.get(MeetingLog, log_id)
    assert not log.is_weak and log.goal_id == goal.id
    cara = db.session.scalar(select(Contact).where(Contact.name == "Cara Diaz"))
    assert cara.introduced_by_contact_id == ana_id
    assert db.session.get(Contact, ana_id).last_touched_on == met_on
    assert "1/2" in client.get(f"{base_k}/goals").get_data(as_text=True)

    # 4. It is in the coach's review queue; the coach reviews it.
    queue = coach.get(f"{base_c}/reviews").get_data(as_text=True)
    assert "Ana Ruiz" in queue
    response = coach.post(
        f"{base_c}/meetings/{log_id}/review",
        data={"intent_clarity": "5", "reciprocity": "4", "follow_up": "3", "comment": "Great ask."},
    )
    assert response.status_code == 302
    assert "Ana Ruiz" not in coach.get(f"{base_c}/reviews").get_data(as_text=True)

    # 5. The client sees the review and replies; the coach replies back.
    detail = client.get(f"{base_k}/meetings/{log_id}").get_data(as_text=True)
    assert "Great ask." in detail and "5/5" in detail
    assert (
        client.post(f"{base_k}/meetings/{log_id}/comments", data={"body": "Thanks!"}).status_code
        == 302
    )
    assert (
        coach.post(f"{base_c}/meetings/{log_id}/comments", data={"body": "Keep going"}).status_code
        == 302
    )
    thread = coach.get(f"{base_c}/meetings/{log_id}").get_data(as_text=True)
    assert "Thanks!" in thread and "Keep going" in thread
    assert len(db.session.scalars(select(LogComment)).all()) == 2

    # 6. The follow-up is listed, then marked done.
    assert "Send research templates" in client.get(f"{base_k}/follow-ups").get_data(as_text=True)
    response = client.post(
        f"{base_k}/follow-ups/{log_id}/done", data={"done_on": today.isoformat()}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingLog, log_id).follow_up_done_on == today
    assert "Send research templates" not in client.get(f"{base_k}/follow-ups").get_data(
        as_text=True
    )

    # 7. Editing after review keeps the review and says so, on both sides.
    response = client.post(
        f"{base_k}/meetings/{log_id}/edit",
        data={
            "contact_id": str(ana_id),
            "goal_id": str(goal.id),
            "met_on": met_on.isoformat(),
            "format": "coffee",
            "ask": "How does PayFast run discovery?",
            "offer": "Share my research templates",
            "learned": "Two-week discovery sprints, and a research guild",
            "keep_in_touch": "yes",
            "follow_up_action": "Send research templates",
            "follow_up_due_on": (today + timedelta(days=1)).isoformat(),
            "follow_up_done_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Review)).log_id == log_id
    assert "changed after review" in coach.get(f"{base_c}/meetings/{log_id}").get_data(as_text=True)
    assert "changed after review" in client.get(f"{base_k}/meetings/{log_id}").get_data(
        as_text=True
    )

    # 8. The coach's dashboard shows the client's health.
    dash = coach.get(f"{base_c}/").get_data(as_text=True)
    assert world.client_a1.user.name in dash
