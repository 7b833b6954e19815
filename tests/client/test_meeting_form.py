"""Bad input on the meeting form: a clear message, the form refilled, nothing saved."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coachhub.models import Contact, MeetingLog, utcnow
from tests import factories

URL = "/p/alpha/client/meetings/new"


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def setup(world, login):
    contact = factories.ContactFactory(client=world.client_a1, name="Dana Lee")
    goal = factories.GoalFactory(client=world.client_a1, title="Fintech goal")
    return login(world.client_a1.user), contact, goal


def _data(**overrides) -> dict:
    today = utcnow().date()
    data = {
        "met_on": (today - timedelta(days=1)).isoformat(),
        "format": "coffee",
        "ask": "What is changing in payments?",
        "offer": "My notes from a conference",
        "keep_in_touch": "not-asked",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "Pick a contact, or enter the name of a new one."),
        (
            {"follow_up_action": "Email", "follow_up_due_on": "2000-01-01"},
            "The follow-up cannot be due before the meeting",
        ),
        ({"follow_up_action": "Email"}, "When will you follow up? Add a due date."),
        ({"ask": "x" * 2001}, "Keep it under 2000 characters."),
        ({"met_on": "not-a-date"}, "Not a valid date value."),
    ],
)
def test_bad_input_is_refused_with_message_and_kept(db, setup, overrides, message):
    c, contact, goal = setup
    data = _data(**overrides)
    if "contact_id" not in overrides and overrides != {}:
        data["contact_id"] = str(contact.id)
    logs, contacts = _count(db, MeetingLog), _count(db, Contact)
    response = c.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "nothing was saved yet" in page
    assert "What is changing in payments?" in page or "x" * 100 in page  # input kept
    assert _count(db, MeetingLog) == logs and _count(db, Contact) == contacts


def test_done_before_meeting_is_refused(db, setup):
    c, contact, _ = setup
    today = utcnow().date()
    data = _data(
        contact_id=str(contact.id),
        met_on=today.isoformat(),
        follow_up_action="Call",
        follow_up_due_on=today.isoformat(),
        follow_up_done_on=(today - timedelta(days=3)).isoformat(),
    )
    page = c.post(URL, data=data).get_data(as_text=True)
    assert "cannot be done before the meeting" in page
    assert _count(db, MeetingLog) == 0


def test_goal_of_another_client_is_refused(db, world, setup):
    c, contact, _ = setup
    other_goal = factories.GoalFactory(client=world.client_a2, title="Not yours")
    response = c.post(URL, data=_data(contact_id=str(contact.id), goal_id=str(other_goal.id)))
    page = response.get_data(as_text=True)
    assert "That goal is not one of yours" in page
    assert "Not yours" not in page  # never offered either
    assert _count(db, MeetingLog) == 0


def test_contact_of_another_client_is_refused(db, world, setup):
    c, _, _ = setup
    other = factories.ContactFactory(client=world.client_a2, name="Someone Else")
    page = c.post(URL, data=_data(contact_id=str(other.id))).get_data(as_text=True)
    assert "Pick one of your own contacts." in page
    assert _count(db, MeetingLog) == 0


def test_form_offers_only_own_contacts_and_open_goals(world, setup):
    c, _, _ = setup
    factories.ContactFactory(client=world.client_a2, name="Other Client Contact")
    factories.GoalFactory(client=world.client_a1, title="Dropped goal", status="dropped")
    page = c.get(URL).get_data(as_text=True)
    assert "Dana Lee" in page and "Fintech goal" in page
    assert "Other Client Contact" not in page and "Dropped goal" not in page


def test_weak_log_is_saved_with_a_hint(db, setup):
    c, contact, _ = setup
    response = c.post(URL, data=_data(contact_id=str(contact.id), offer=""))
    assert response.status_code == 302
    log = db.session.scalar(select(MeetingLog))
    assert log.is_weak
    page = c.get(response.location).get_data(as_text=True)
    assert "weak log" in page.lower() and "no offer" in page


def test_new_contact_inline(db, setup):
    c, _, _ = setup
    response = c.post(URL, data=_data(new_contact_name="Eve Park", new_contact_company="Kiwibank"))
    assert response.status_code == 302
    log = db.session.scalar(select(MeetingLog))
    assert log.contact.name == "Eve Park" and log.contact.company == "Kiwibank"


def test_contact_form_rejects_overlong_and_bad_email(db, setup):
    c, _, _ = setup
    page = c.post(
        "/p/alpha/client/contacts/new", data={"name": "N" * 121, "email": "nope"}
    ).get_data(as_text=True)
    assert "Enter a valid email address." in page
    assert "Field cannot be longer than 120 characters." in page
    assert _count(db, Contact) == 1


def test_contact_introducer_of_another_client_is_refused(db, world, setup):
    c, _, _ = setup
    other = factories.ContactFactory(client=world.client_a2)
    page = c.post(
        "/p/alpha/client/contacts/new",
        data={"name": "Fay", "introduced_by_contact_id": str(other.id)},
    ).get_data(as_text=True)
    assert "Pick one of your own contacts as the introducer." in page
    assert _count(db, Contact) == 2


def test_an_ask_that_reads_like_a_job_request_is_warned_about_before_saving(db, setup):
    c, contact, _ = setup
    data = _data(contact_id=str(contact.id), ask="Do you have a job for me?")
    logs = _count(db, MeetingLog)
    response = c.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="job-ask-warning"' in page and "reads like a job request" in page
    assert "Do you have a job for me?" in page  # the input is kept
    assert "Keep my ask as it is" in page
    assert _count(db, MeetingLog) == logs  # nothing saved yet
    # Rewritten as an information-seeking ask, it saves as a good log.
    response = c.post(URL, data={**data, "ask": "What is changing in payments teams?"})
    assert response.status_code == 302
    # Kept as it is, and coming across as asking for a job: saved, weak, with the reason.
    response = c.post(URL, data={**data, "keep_ask": "y", "approach": "job-asking"})
    assert response.status_code == 302
    log = db.session.scalars(select(MeetingLog).order_by(MeetingLog.id.desc())).first()
    assert log.ask == "Do you have a job for me?" and log.is_weak
    page = c.get(response.location).get_data(as_text=True)
    assert "asking for a job: ask for information and advice instead" in page
    assert _count(db, MeetingLog) == logs + 2
