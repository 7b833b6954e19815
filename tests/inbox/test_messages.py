"""The conversation per client: who takes part, unread markers, what a message may point at,
reassignment, archived clients, and the exports."""

import io
import json
import zipfile

from sqlalchemy import func, select

from coachhub.extensions import db
from coachhub.models import InboxItem, MemberStatus, Message, utcnow
from coachhub.services import assignments, inbox
from tests import factories


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_client_and_coach_talk_and_the_other_side_hears_of_it(world, login):
    client = login(world.client_a1.user)
    coach = login(world.coach_a1.user)
    response = client.post("/p/alpha/client/messages", data={"body": "Can we talk about Acme?"})
    assert response.status_code == 302 and response.location.endswith("/client/messages#latest")
    assert coach.get("/p/alpha/coach/inbox/unread.json").get_json() == {"unread": 1}
    page = coach.get(f"/p/alpha/coach/clients/{world.client_a1.id}/messages").get_data(as_text=True)
    assert "Can we talk about Acme?" in page
    assert 'data-testid="unread-marker"' in page  # new since the coach's last visit
    # reading the conversation clears the coach's message items and the marker
    assert coach.get("/p/alpha/coach/inbox/unread.json").get_json() == {"unread": 0}
    again = coach.get(f"/p/alpha/coach/clients/{world.client_a1.id}/messages")
    assert 'data-testid="unread-marker"' not in again.get_data(as_text=True)
    coach.post(f"/p/alpha/coach/clients/{world.client_a1.id}/messages", data={"body": "Sure."})
    page = client.get("/p/alpha/client/messages").get_data(as_text=True)
    assert page.index("Can we talk about Acme?") < page.index("Sure.")
    assert page.count('data-testid="unread-marker"') == 1  # not on the client's own message


def test_the_owner_takes_part_and_the_coach_hears_of_it(world, login):
    owner = login(world.owner_a.user)
    response = owner.post(
        f"/p/alpha/coach/clients/{world.client_a1.id}/messages", data={"body": "Hello from Olga"}
    )
    assert response.status_code == 302
    assert inbox.unread_count(world.a, world.client_a1) == 1
    assert inbox.unread_count(world.a, world.coach_a1) == 1


def test_a_message_may_point_at_the_clients_own_log_goal_or_checkin(world, login):
    log = factories.MeetingLogFactory(client=world.client_a1)
    goal = factories.GoalFactory(client=world.client_a1, title="Fintech product teams")
    client = login(world.client_a1.user)
    page = client.get(f"/p/alpha/client/messages?about_type=log&about_id={log.id}").get_data(
        as_text=True
    )
    assert 'data-testid="message-about"' in page and log.contact.name in page
    client.post(
        "/p/alpha/client/messages",
        data={"body": "About this one", "ref_type": "log", "ref_id": str(log.id)},
    )
    client.post(
        "/p/alpha/client/messages",
        data={"body": "And the goal", "ref_type": "goal", "ref_id": str(goal.id)},
    )
    rows = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert [(m.ref_type, m.ref_id) for m in rows] == [("log", log.id), ("goal", goal.id)]
    assert rows[1].ref_label == "Goal: Fintech product teams"
    coach_page = login(world.coach_a1.user).get(
        f"/p/alpha/coach/clients/{world.client_a1.id}/messages"
    )
    assert f"/p/alpha/coach/meetings/{log.id}" in coach_page.get_data(as_text=True)


def test_pointing_at_another_clients_object_is_refused_with_the_text_kept(world, login):
    others_log = factories.MeetingLogFactory(client=world.client_a2)
    other_practice_goal = factories.GoalFactory(client=world.client_b)
    client = login(world.client_a1.user)
    for ref_type, ref_id in (
        ("log", others_log.id),
        ("goal", other_practice_goal.id),
        ("checkin", 99999),
        ("contact", 1),
    ):
        response = client.post(
            "/p/alpha/client/messages",
            data={"body": "Look at this", "ref_type": ref_type, "ref_id": str(ref_id)},
        )
        assert response.status_code == 400
        assert "Look at this" in response.get_data(as_text=True)
    # a pointer offered in the URL that is not theirs is simply dropped
    page = client.get(f"/p/alpha/client/messages?about_type=log&about_id={others_log.id}")
    assert 'data-testid="message-about"' not in page.get_data(as_text=True)
    assert _count(Message) == 0 and _count(InboxItem) == 0


def test_empty_and_overlong_messages_come_back_with_a_reason(world, login):
    client = login(world.client_a1.user)
    assert client.post("/p/alpha/client/messages", data={"body": "   "}).status_code == 400
    response = client.post("/p/alpha/client/messages", data={"body": "x" * 5001})
    assert response.status_code == 400 and "5000" in response.get_data(as_text=True)
    assert _count(Message) == 0


def test_double_submit_is_one_message(world, login):
    client = login(world.client_a1.user)
    for _ in range(2):
        client.post("/p/alpha/client/messages", data={"body": "Only once"})
    assert _count(Message) == 1


def test_the_new_coach_sees_the_history_after_a_reassignment(world, login):
    factories.message(world.client_a1, world.coach_a1, "Before the move")
    assignments.reassign_client(world.a, world.owner_a, world.client_a1, world.coach_a2)
    db.session.commit()
    new = login(world.coach_a2.user)
    url = f"/p/alpha/coach/clients/{world.client_a1.id}/messages"
    assert "Before the move" in new.get(url).get_data(as_text=True)
    assert login(world.coach_a1.user).get(url).status_code == 404
    new.post(url, data={"body": "Hello, I am your new coach"})
    assert inbox.unread_count(world.a, world.client_a1) == 1
    assert inbox.unread_count(world.a, world.coach_a1) == 0


def test_an_archived_clients_conversation_is_closed(world, login):
    world.client_a1.status = MemberStatus.ARCHIVED
    world.client_a1.archived_at = utcnow()
    db.session.commit()
    response = login(world.owner_a.user).post(
        f"/p/alpha/coach/clients/{world.client_a1.id}/messages", data={"body": "Still there?"}
    )
    assert response.status_code == 400 and "archived" in response.get_data(as_text=True)
    assert _count(Message) == 0


def test_older_messages_are_a_page_away(world, login):
    for n in range(60):
        factories.message(world.client_a1, world.client_a1, f"Message number {n:02d}")
    client = login(world.client_a1.user)
    page = client.get("/p/alpha/client/messages").get_data(as_text=True)
    assert "Message number 59" in page and "Message number 09" not in page
    assert page.count('data-testid="message"') == 50
    older = page.split('data-testid="older-messages"')[0].rsplit('href="', 1)[1].split('"')[0]
    older_page = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert "Message number 00" in older_page and "Message number 10" not in older_page


def test_messages_are_in_the_client_export_json_and_csv(world, login):
    log = factories.MeetingLogFactory(client=world.client_a1)
    factories.message(
        world.client_a1,
        world.coach_a1,
        "See you Tuesday",
        ref_type="log",
        ref_id=log.id,
        ref_label="Meeting with someone",
    )
    client = login(world.client_a1.user)
    data = json.loads(client.get("/p/alpha/client/export.json").get_data())
    assert [(m["body"], m["ref_type"], m["ref_id"]) for m in data["messages"]] == [
        ("See you Tuesday", "log", log.id)
    ]
    archive = zipfile.ZipFile(io.BytesIO(client.get("/p/alpha/client/export.zip").get_data()))
    assert "See you Tuesday" in archive.read("messages.csv").decode()
    coach_export = login(world.coach_a1.user).get(
        f"/p/alpha/coach/clients/{world.client_a1.id}/export.json"
    )
    assert json.loads(coach_export.get_data())["messages"][0]["author"] == world.coach_a1.user.name
