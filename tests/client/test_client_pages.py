"""Client portal pages: archive and restore, stale contacts, one-click touch, chart."""

from datetime import timedelta

from coachhub.models import utcnow
from tests import factories


def test_archive_and_restore_meeting_and_contact(world, login, db):
    c = login(world.client_a1.user)
    log = factories.MeetingLogFactory(client=world.client_a1)
    contact = log.contact
    assert "Yes, archive" in c.get(f"/p/alpha/client/meetings/{log.id}/archive").get_data(
        as_text=True
    )
    assert c.post(f"/p/alpha/client/meetings/{log.id}/archive").status_code == 302
    db.session.expire_all()
    assert log.archived_at is not None
    assert contact.name not in c.get("/p/alpha/client/meetings").get_data(as_text=True)
    assert contact.name in c.get("/p/alpha/client/meetings?status=archived").get_data(as_text=True)
    c.post(f"/p/alpha/client/meetings/{log.id}/restore")
    db.session.expire_all()
    assert log.archived_at is None

    c.post(f"/p/alpha/client/contacts/{contact.id}/archive")
    db.session.expire_all()
    assert contact.archived_at is not None
    assert contact.name in c.get("/p/alpha/client/contacts?status=archived").get_data(as_text=True)
    c.post(f"/p/alpha/client/contacts/{contact.id}/restore")
    db.session.expire_all()
    assert contact.archived_at is None


def test_stale_contacts_and_one_click_touch(world, login, db):
    today = utcnow().date()
    stale = factories.ContactFactory(
        client=world.client_a1,
        name="Old Friend",
        cadence_days=14,
        touch_due_on=today - timedelta(days=3),
    )
    factories.ContactFactory(
        client=world.client_a1,
        name="Fresh Friend",
        cadence_days=14,
        touch_due_on=today + timedelta(days=3),
    )
    c = login(world.client_a1.user)
    page = c.get("/p/alpha/client/contacts/stale").get_data(as_text=True)
    assert "Old Friend" in page and "Fresh Friend" not in page
    assert f"contact_id={stale.id}" in page and "plan=1" in page  # plan a follow-up
    # "Log a touch" opens a form that remembers where it came from, and goes back there.
    assert f"/contacts/{stale.id}/touch?next=" in page
    url = f"/p/alpha/client/contacts/{stale.id}/touch"
    form = c.get(url + "?next=/p/alpha/client/contacts/stale").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/p/alpha/client/contacts/stale"' in form
    bad = c.post(url, data={"kind": "fax", "next": "/p/alpha/client/contacts/stale"})
    assert bad.status_code == 400
    bad = c.post(url, data={"kind": "email", "on": (today + timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and "cannot be in the future" in bad.get_data(as_text=True)
    response = c.post(
        url,
        data={
            "kind": "email",
            "note": "Sent the article",
            "next": "/p/alpha/client/contacts/stale",
        },
    )
    assert response.status_code == 302 and response.location == "/p/alpha/client/contacts/stale"
    db.session.expire_all()
    assert stale.last_touched_on == today
    page = c.get("/p/alpha/client/contacts/stale").get_data(as_text=True)
    assert f"/contacts/{stale.id}/touch" not in page
    # The contact's timeline shows the touch with its note; an outside `next` is not followed.
    detail = c.get(f"/p/alpha/client/contacts/{stale.id}").get_data(as_text=True)
    assert "Email" in detail and "Sent the article" in detail
    response = c.post(url, data={"kind": "call", "next": "//evil.example"})
    assert response.location == f"/p/alpha/client/contacts/{stale.id}"


def test_dashboard_shows_chart_overdue_and_feedback(world, login):
    today = utcnow().date()
    log = factories.MeetingLogFactory(
        client=world.client_a1,
        follow_up_action="Send CV tips",
        follow_up_due_on=today - timedelta(days=2),
        met_on=today - timedelta(days=4),
    )
    factories.ReviewFactory(log_row=log, comment="Lovely offer")
    page = login(world.client_a1.user).get("/p/alpha/client/").get_data(as_text=True)
    assert "vendor/chartjs/chart.umd.min.js" in page and "data-weeks=" in page
    assert "Send CV tips" in page and "overdue" in page
    assert "Lovely offer" in page
    assert "Log a meeting" in page


def test_plan_a_meeting_prefills_a_future_date(world, login):
    contact = factories.ContactFactory(client=world.client_a1)
    page = (
        login(world.client_a1.user)
        .get(f"/p/alpha/client/meetings/new?contact_id={contact.id}&plan=1")
        .get_data(as_text=True)
    )
    assert "Plan a meeting" in page
    assert (utcnow().date() + timedelta(days=7)).isoformat() in page
    assert f'<option selected value="{contact.id}"' in page


def test_editing_a_log_whose_contact_was_archived_keeps_the_contact(world, login, db):
    log = factories.MeetingLogFactory(client=world.client_a1)
    log.contact.archived_at = utcnow()
    db.session.commit()
    c = login(world.client_a1.user)
    page = c.get(f"/p/alpha/client/meetings/{log.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{log.contact_id}"' in page
    response = c.post(
        f"/p/alpha/client/meetings/{log.id}/edit",
        data={
            "contact_id": str(log.contact_id),
            "met_on": log.met_on.isoformat(),
            "format": "call",
            "ask": "a",
            "offer": "b",
            "keep_in_touch": "yes",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert log.format.value == "call" and log.edited_at is not None


def test_follow_up_done_never_redirects_off_site(world, login):
    log = factories.MeetingLogFactory(
        client=world.client_a1, follow_up_action="Call", follow_up_due_on=utcnow().date()
    )
    response = login(world.client_a1.user).post(
        f"/p/alpha/client/follow-ups/{log.id}/done", data={"next": "//evil.example/"}
    )
    assert response.status_code == 302
    assert response.location.endswith("/p/alpha/client/follow-ups")


def test_empty_reply_is_refused(world, login, db):
    from sqlalchemy import func, select

    from coachhub.models import LogComment

    log = factories.MeetingLogFactory(client=world.client_a1)
    response = login(world.client_a1.user).post(
        f"/p/alpha/client/meetings/{log.id}/comments", data={"body": "   "}
    )
    assert response.status_code == 400
    assert "Write a reply first." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LogComment)) == 0
