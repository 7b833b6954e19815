"""Bad input is a field error or a 404, never a 5xx, and a refused form saves nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coachhub.inputs import safe_next
from coachhub.models import Contact, MeetingLog, StageChange, utcnow
from tests import factories

HUGE = "9" * 20  # past every integer column ("integer out of range" on PostgreSQL)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _meeting(**overrides) -> dict:
    data = {
        "met_on": (utcnow().date() - timedelta(days=1)).isoformat(),
        "format": "coffee",
        "ask": "What is changing in payments?",
        "offer": "My notes",
        "keep_in_touch": "not-asked",
        "new_contact_name": "Dana Lee",
    }
    data.update(overrides)
    return data


def test_a_huge_id_in_a_select_is_a_field_error(db, world, login):
    c = login(world.client_a1.user)
    logs = _count(db, MeetingLog)
    for field in ("contact_id", "goal_id"):
        response = c.post("/p/alpha/client/meetings/new", data=_meeting(**{field: HUGE}))
        assert response.status_code == 200, field
        assert "What is changing in payments?" in response.get_data(as_text=True)
    assert _count(db, MeetingLog) == logs


@pytest.mark.parametrize(
    "path",
    [
        f"/p/alpha/client/meetings/{HUGE}",
        f"/p/alpha/client/contacts/{HUGE}/edit",
        f"/p/alpha/coach/clients/{HUGE}",
        f"/p/alpha/client/meetings/new?contact_id={HUGE}&goal_id={HUGE}",
        f"/p/alpha/client/contacts/new?introduced_by={HUGE}",
        f"/p/alpha/client/meetings?page={HUGE}",
    ],
)
def test_a_huge_id_in_the_url_is_a_404_or_the_page(world, login, path):
    c = login(world.owner_a.user if "/coach/" in path else world.client_a1.user)
    assert c.get(path).status_code in (200, 404)


def test_a_nul_byte_in_a_text_field_is_a_field_error(db, world, login):
    c = login(world.client_a1.user)
    contacts = _count(db, Contact)
    response = c.post(
        "/p/alpha/client/contacts/new", data={"name": "Dana\x00Lee", "cadence_days": ""}
    )
    assert response.status_code == 200
    assert "Remove the invisible NUL character." in response.get_data(as_text=True)
    assert _count(db, Contact) == contacts


def test_a_nul_byte_at_sign_in_is_a_field_error(db, world, client):
    response = client.post("/login", data={"email": "a\x00@example.test", "password": "x\x00"})
    assert response.status_code == 200
    assert "Remove the invisible NUL character." in response.get_data(as_text=True)


@pytest.mark.parametrize("started_on", ["9999-12-31", "1000-01-01", "0001-01-01"])
def test_a_landing_date_far_away_is_a_field_error(db, world, login, started_on):
    c = login(world.owner_a.user)
    changes = _count(db, StageChange)
    response = c.post(
        f"/p/alpha/coach/clients/{world.client_a1.id}/landing",
        data={"employer": "Acme", "role_title": "PM", "started_on": started_on},
    )
    assert response.status_code == 200
    assert "Pick a date between" in response.get_data(as_text=True)
    assert _count(db, StageChange) == changes


def test_a_meeting_in_year_9999_is_a_field_error(db, world, login):
    c = login(world.client_a1.user)
    response = c.post("/p/alpha/client/meetings/new", data=_meeting(met_on="9999-01-01"))
    assert response.status_code == 200
    assert "Pick a date between" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/ok\r\nSet-Cookie: x=1",
        " /x",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_safe_next_refuses_what_a_browser_reads_as_elsewhere(target):
    assert safe_next(target) is None


def test_safe_next_keeps_a_local_path():
    path = "/p/alpha/client/follow-ups?show=done"
    assert safe_next(path) == path


@pytest.mark.parametrize("evil", ["/\t/evil.example", "/ok\r\nX-Evil: 1", "//evil.example"])
def test_a_bad_next_in_a_form_goes_to_the_default(db, world, login, evil):
    c = login(world.client_a1.user)
    contact = factories.ContactFactory(client=world.client_a1, name="Dana Lee")
    response = c.post(
        f"/p/alpha/client/contacts/{contact.id}/touch", data={"kind": "email", "next": evil}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/alpha/client/contacts/{contact.id}"


@pytest.mark.parametrize("evil", ["/\t/evil.example", "/ok\r\nX-Evil: 1", "//evil.example"])
def test_a_bad_next_at_sign_in_goes_home(db, world, client, evil):
    from tests.factories import PASSWORD

    response = client.post(
        "/login",
        query_string={"next": evil},
        data={"email": world.client_a1.user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/p/alpha/client/"


def test_a_value_the_database_cannot_store_is_a_400_not_a_500():
    """The net under the forms: a DataError raised anywhere becomes a clear 400."""
    from sqlalchemy.exc import DataError

    from coachhub import create_app
    from config import TestingConfig

    app = create_app(TestingConfig)

    @app.get("/_test/data-error")
    def data_error():
        raise DataError("INSERT", {}, Exception("integer out of range"))

    response = app.test_client().get("/_test/data-error")
    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)
