"""The bell, the inbox page, marking read, and what disappears when a member may no
longer see it (an archived client, a client reassigned to another coach)."""

from datetime import timedelta

from sqlalchemy import select

from coachhub.extensions import db
from coachhub.models import InboxItem, MemberStatus, NotificationPreference, utcnow
from coachhub.services import assignments, inbox
from tests import factories
from tests.inbox.triggers import trigger


def _bell(page: str) -> str:
    start = page.index('data-testid="bell-count"')
    return page[page.index(">", start) + 1 : page.index("<", start)]


def test_the_bell_counts_unread_items_on_every_portal_page(world, login):
    c = login(world.coach_a1.user)
    assert _bell(c.get("/p/alpha/coach/").get_data(as_text=True)) == "0"
    trigger(world, "thread_reply")
    trigger(world, "goal_proposed")
    for path in ("/", "/clients", "/reviews", "/inbox", "/notifications"):
        assert _bell(c.get(f"/p/alpha/coach{path}").get_data(as_text=True)) == "2", path
    assert c.get("/p/alpha/coach/inbox/unread.json").get_json() == {"unread": 2}
    # the client's own bell does not count the coach's items
    client = login(world.client_a1.user)
    assert client.get("/p/alpha/client/inbox/unread.json").get_json() == {"unread": 0}


def test_inbox_lists_newest_first_with_links_and_marks_read(world, login):
    trigger(world, "review_posted")
    trigger(world, "goal_assigned")
    c = login(world.client_a1.user)
    page = c.get("/p/alpha/client/inbox").get_data(as_text=True)
    assert page.index("gave you a goal") < page.index("reviewed your meeting")
    assert "/p/alpha/client/meetings/" in page and "/p/alpha/client/goals/" in page
    goal_item, review_item = db.session.scalars(
        select(InboxItem).order_by(InboxItem.id.desc())
    ).all()
    response = c.post(f"/p/alpha/client/inbox/{goal_item.id}/read")
    assert response.status_code == 302
    assert c.get("/p/alpha/client/inbox/unread.json").get_json() == {"unread": 1}
    unread_page = c.get("/p/alpha/client/inbox?show=unread").get_data(as_text=True)
    assert "reviewed your meeting" in unread_page and "gave you a goal" not in unread_page
    c.post("/p/alpha/client/inbox/read-all")
    assert c.get("/p/alpha/client/inbox/unread.json").get_json() == {"unread": 0}
    assert "reviewed your meeting" in c.get("/p/alpha/client/inbox").get_data(as_text=True)


def test_inbox_is_paginated(world, login, app):
    for n in range(app.config["PER_PAGE"] + 3):
        factories.inbox_item(world.client_a1, world.client_a1, summary=f"Item number {n}")
    c = login(world.client_a1.user)
    first = c.get("/p/alpha/client/inbox").get_data(as_text=True)
    second = c.get("/p/alpha/client/inbox?page=2").get_data(as_text=True)
    assert first.count('data-testid="inbox-item"') == app.config["PER_PAGE"]
    assert second.count('data-testid="inbox-item"') == 3


def test_another_members_item_cannot_be_marked_read(world, login):
    item = factories.inbox_item(world.coach_a1, world.client_a1)
    for who in (world.coach_a2, world.owner_a):
        response = login(who.user).post(f"/p/alpha/coach/inbox/{item.id}/read")
        assert response.status_code == 404
    db.session.refresh(item)
    assert item.read_at is None


def test_items_about_an_archived_client_disappear_and_are_not_counted(world, login):
    trigger(world, "thread_reply")  # coach_a1 hears of client_a1's reply
    c = login(world.coach_a1.user)
    assert c.get("/p/alpha/coach/inbox/unread.json").get_json() == {"unread": 1}
    world.client_a1.status = MemberStatus.ARCHIVED
    world.client_a1.archived_at = utcnow()
    db.session.commit()
    assert c.get("/p/alpha/coach/inbox/unread.json").get_json() == {"unread": 0}
    page = c.get("/p/alpha/coach/inbox").get_data(as_text=True)
    assert "replied on the meeting" not in page
    assert _bell(page) == "0"
    # mark-all-read does not touch what is hidden either
    item = db.session.scalar(select(InboxItem))
    c.post("/p/alpha/coach/inbox/read-all")
    db.session.refresh(item)
    assert item.read_at is None


def test_items_about_a_reassigned_client_leave_the_old_coachs_inbox(world, login):
    trigger(world, "thread_reply")
    item = db.session.scalar(select(InboxItem))
    assignments.reassign_client(world.a, world.owner_a, world.client_a1, world.coach_a2)
    db.session.commit()
    old = login(world.coach_a1.user)
    assert old.get("/p/alpha/coach/inbox/unread.json").get_json() == {"unread": 0}
    assert "replied on the meeting" not in old.get("/p/alpha/coach/inbox").get_data(as_text=True)
    assert old.post(f"/p/alpha/coach/inbox/{item.id}/read").status_code == 404
    # the owner's items about the client stay: the owner sees every client
    assert inbox.unread_count(world.a, world.owner_a) == 0
    owner_item = factories.inbox_item(world.owner_a, world.client_a1)
    assert inbox.unread_count(world.a, world.owner_a) == 1
    assert owner_item.id


def test_an_item_about_no_client_is_always_visible(world):
    factories.inbox_item(world.coach_a1, None, event="invitation_accepted", object_type="coach")
    assert inbox.unread_count(world.a, world.coach_a1) == 1


def test_preferences_page_chooses_instant_digest_or_off_per_event(world, login):
    c = login(world.client_a1.user)
    page = c.get("/p/alpha/client/notifications").get_data(as_text=True)
    assert 'name="inbox_review_posted"' in page and 'name="inbox_goal_proposed"' not in page
    response = c.post(
        "/p/alpha/client/notifications",
        data={
            "client_daily_reminder": "y",
            "inbox_review_posted": "digest",
            "inbox_message_posted": "off",
        },
    )
    assert response.status_code == 302
    rows = {
        r.kind: (r.enabled, r.mode)
        for r in db.session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.membership_id == world.client_a1.id
            )
        )
    }
    assert rows["inbox_review_posted"] == (True, "digest")
    assert rows["inbox_message_posted"][0] is False
    # an unknown mode is refused and nothing is saved
    response = c.post(
        "/p/alpha/client/notifications",
        data={"inbox_review_posted": "instant", "inbox_goal_assigned": "sometimes"},
    )
    assert response.status_code == 200
    db.session.expire_all()
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.membership_id == world.client_a1.id,
            NotificationPreference.kind == "inbox_review_posted",
        )
    )
    assert row.mode == "digest"


def test_item_older_than_a_day_still_shows_in_the_inbox(world, login):
    factories.inbox_item(
        world.client_a1,
        world.client_a1,
        summary="Old news",
        created_at=utcnow() - timedelta(days=40),
    )
    assert "Old news" in login(world.client_a1.user).get("/p/alpha/client/inbox").get_data(
        as_text=True
    )
