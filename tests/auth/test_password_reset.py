import time_machine

from coachhub.models import utcnow
from tests.conftest import PASSWORD, link_path


def test_same_answer_whether_or_not_the_email_exists(client, world, outbox):
    known = client.post("/password/forgot", data={"email": world.coach_a1.user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    flash_known = client.get(known.location).get_data(as_text=True)
    assert "If an account exists" in flash_known
    # The unknown address hears that no account uses it, and gets no link.
    sent = {m.to_email: m for m in outbox()}
    assert set(sent) == {world.coach_a1.user.email, "nobody@example.test"}
    assert "password/reset" in sent[world.coach_a1.user.email].body_text
    stranger = sent["nobody@example.test"].body_text
    assert "no CoachHub account uses this address" in stranger
    assert "password/reset" not in stranger


def test_reset_link_works_once_and_ends_sessions(client, login, world, outbox):
    other_device = login(world.coach_a1.user)
    client.post("/password/forgot", data={"email": world.coach_a1.user.email})
    path = link_path(outbox()[-1].body_text, "password/reset")
    assert client.get(path).status_code == 200
    response = client.post(
        path, data={"password": "brand-new-password", "confirm": "brand-new-password"}
    )
    assert response.status_code == 302
    assert other_device.get("/p/alpha/coach/").status_code == 302
    login(world.coach_a1.user, password="brand-new-password")
    # used: the same link is dead
    again = client.get(path)
    assert again.status_code == 410
    assert "no longer works" in again.get_data(as_text=True)


def test_reset_link_expires(client, world, outbox):
    client.post("/password/forgot", data={"email": world.coach_a1.user.email})
    path = link_path(outbox()[-1].body_text, "password/reset")
    with time_machine.travel(utcnow().timestamp() + 3601, tick=False):
        assert client.get(path).status_code == 410


def test_forged_reset_link_is_refused(client, world):
    assert client.get("/password/reset/not-a-token").status_code == 410


def test_reset_form_errors_keep_the_link_valid(client, login, world, outbox):
    client.post("/password/forgot", data={"email": world.coach_a1.user.email})
    path = link_path(outbox()[-1].body_text, "password/reset")
    response = client.post(path, data={"password": "short", "confirm": "other"})
    assert response.status_code == 200
    assert "Use 10 to 128 characters." in response.get_data(as_text=True)
    login(world.coach_a1.user, password=PASSWORD)
