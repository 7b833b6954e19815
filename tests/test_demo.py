"""`flask seed-demo` builds a demo practice whose portal pages all work."""

from sqlalchemy import func, select

from coachhub.demo import build_demo
from coachhub.models import Contact, MeetingLog, NetworkingGoal, Review, User


def test_seed_demo_fills_the_portals(app, db, login):
    build_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MeetingLog)) > 30
    assert db.session.scalar(select(func.count()).select_from(Review)) > 20
    assert db.session.scalar(select(func.count()).select_from(NetworkingGoal)) >= 8
    chained = db.session.scalar(
        select(func.count()).where(Contact.introduced_by_contact_id.is_not(None))
    )
    assert chained >= 6

    def user(email):
        return db.session.scalar(select(User).where(User.email == email))

    pages = {
        "owner@demo.test": ["coach/", "coach/reviews", "coach/clients"],
        "coach@demo.test": ["coach/", "coach/reviews"],
        "client@demo.test": [
            "client/",
            "client/meetings",
            "client/contacts",
            "client/contacts/stale",
            "client/introductions",
            "client/follow-ups",
            "client/goals",
        ],
    }
    for email, paths in pages.items():
        c = login(user(email), "demo-password")
        for path in paths:
            response = c.get(f"/p/demo/{path}")
            assert response.status_code == 200, (email, path)
    intro = login(user("client@demo.test"), "demo-password").get("/p/demo/client/introductions")
    assert "longest chain" in intro.get_data(as_text=True)


def test_the_demo_shows_the_method(db, login):
    """A job-asking log first in the review queue, a one-sided contact, a placed client."""
    build_demo()
    db.session.commit()

    def user(email):
        return db.session.scalar(select(User).where(User.email == email))

    page = (
        login(user("coach2@demo.test"), "demo-password")
        .get("/p/demo/coach/reviews")
        .get_data(as_text=True)
    )
    rows = page.split("<tr>")[2:]  # the header row first
    assert "asking for a job</span>" in rows[0]
    home = (
        login(user("client@demo.test"), "demo-password")
        .get("/p/demo/client/")
        .get_data(as_text=True)
    )
    assert 'data-testid="only-taking"' in home and "Mere Tawhiri" in home
    placed = (
        login(user("client4@demo.test"), "demo-password")
        .get("/p/demo/client/")
        .get_data(as_text=True)
    )
    assert 'data-testid="maintenance"' in placed


def test_the_demo_has_a_conversation_and_unread_inbox_items(db, login):
    from coachhub.models import InboxItem, Message

    build_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Message)) == 3
    # seeded history is not news: only the few items of the demo's inbox
    assert db.session.scalar(select(func.count()).select_from(InboxItem)) == 4
    assert set(db.session.scalars(select(InboxItem.email_state))) == {"none"}
    kim = login(
        db.session.scalar(select(User).where(User.email == "client@demo.test")), "demo-password"
    )
    inbox_page = kim.get("/p/demo/client/inbox").get_data(as_text=True)
    assert inbox_page.count('data-testid="inbox-item"') == 2
    conversation = kim.get("/p/demo/client/messages").get_data(as_text=True)
    assert conversation.count('data-testid="message"') == 3 and "About: <a" in conversation
    carlos = login(
        db.session.scalar(select(User).where(User.email == "coach@demo.test")), "demo-password"
    )
    assert carlos.get("/p/demo/coach/inbox/unread.json").get_json() == {"unread": 2}


def test_the_demo_has_sessions_past_and_upcoming(db, login):
    from coachhub.models import ActionItem, CoachingSession, SessionStatus

    build_demo()
    db.session.commit()
    statuses = list(db.session.scalars(select(CoachingSession.status)))
    assert statuses.count(SessionStatus.BOOKED) >= 2
    assert SessionStatus.COMPLETED in statuses and SessionStatus.NO_SHOW in statuses
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) >= 4

    def user(email):
        return db.session.scalar(select(User).where(User.email == email))

    kim = login(user("client@demo.test"), "demo-password")
    home = kim.get("/p/demo/client/").get_data(as_text=True)
    assert "Coaching session" in home and "Send Ana the open banking article" in home
    assert kim.get("/p/demo/client/sessions/book").status_code == 200
    coach = login(user("coach@demo.test"), "demo-password")
    for path in ("coach/sessions", "coach/availability", "coach/"):
        assert coach.get(f"/p/demo/{path}").status_code == 200


def test_demo_shows_the_introduction_pipeline_the_map_and_a_promise(app, db, login):
    from coachhub.models import Introduction, IntroductionStatus, LedgerEntry

    build_demo()
    db.session.commit()
    statuses = set(db.session.scalars(select(Introduction.status)))
    assert {
        IntroductionStatus.REQUESTED,
        IntroductionStatus.MADE,
        IntroductionStatus.MET,
    } <= statuses
    promise = db.session.scalar(select(LedgerEntry).where(LedgerEntry.promise_due_on.is_not(None)))
    assert promise is not None and promise.promise_done_on is None
    kim = db.session.scalar(select(User).where(User.email == "client@demo.test"))
    c = login(kim, "demo-password")
    page = c.get("/p/demo/client/introductions").get_data(as_text=True)
    assert 'data-testid="open-introductions"' in page and "someone in the platform team" in page
    graph = c.get("/p/demo/client/network.json").get_json()
    names = {n["label"] for n in graph["nodes"]}
    assert {"Mere Tawhiri", "Tama Ngata", "Hana Sato"} <= names
    ids = {n["label"]: n["id"] for n in graph["nodes"]}
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert (ids["Mere Tawhiri"], ids["Tama Ngata"]) in edges
    assert (ids["Tama Ngata"], ids["Hana Sato"]) in edges
    assert "Promises to keep" in c.get("/p/demo/client/follow-ups").get_data(as_text=True)
