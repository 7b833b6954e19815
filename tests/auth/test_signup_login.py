from sqlalchemy import select

from coachhub.models import AuditEvent, Membership, Practice, Role, User
from tests import factories
from tests.conftest import PASSWORD

SIGNUP = {
    "name": "Ola Owner",
    "email": "Ola@Example.test",
    "password": "a-long-password",
    "practice_name": "Harbour Careers",
    "timezone": "Pacific/Auckland",
}


def test_signup_creates_practice_owner_and_trial(client, db):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302
    assert response.location == "/p/harbour-careers/coach/"

    practice = db.session.scalar(select(Practice).where(Practice.slug == "harbour-careers"))
    assert practice.timezone == "Pacific/Auckland"
    assert practice.trial_days_left == 14
    owner = db.session.scalar(select(Membership).where(Membership.practice_id == practice.id))
    assert owner.role == Role.OWNER
    assert owner.user.email == "ola@example.test"
    assert owner.user.password_hash.startswith("$argon2id$")
    assert db.session.scalar(select(AuditEvent.action)) == "practice.created"

    page = client.get(response.location).get_data(as_text=True)
    assert "Harbour Careers" in page and "owner" in page


def test_signup_slug_is_unique(client, db):
    factories.PracticeFactory(slug="harbour-careers")
    factories.PracticeFactory(slug="harbour-careers-2")
    response = client.post("/signup", data=SIGNUP)
    assert response.location == "/p/harbour-careers-3/coach/"


def test_signup_with_bad_input_keeps_what_was_typed(client, db):
    response = client.post("/signup", data={**SIGNUP, "email": "not-an-email", "password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "Use 10 to 128 characters." in page
    assert 'value="Harbour Careers"' in page and 'value="Ola Owner"' in page
    assert db.session.scalar(select(Practice)) is None
    assert db.session.scalar(select(User)) is None


def test_signup_with_taken_email_says_log_in(client, db):
    factories.UserFactory(email="ola@example.test")
    response = client.post("/signup", data=SIGNUP)
    assert "We could not create an account with this email" in response.get_data(as_text=True)
    assert db.session.scalar(select(Practice)) is None


def test_login_with_wrong_password_is_refused(client, world):
    response = client.post(
        "/login", data={"email": world.coach_a1.user.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "Email or password is not right." in response.get_data(as_text=True)
    assert client.get("/p/alpha/coach/").status_code == 302


def test_login_email_is_case_insensitive(client, world):
    response = client.post(
        "/login", data={"email": world.coach_a1.user.email.upper(), "password": PASSWORD}
    )
    assert response.location == "/p/alpha/coach/"


def test_client_lands_on_client_dashboard(login, world):
    c = login(world.client_a1.user)
    assert c.get("/login").location == "/p/alpha/client/"
    assert world.client_a1.user.name in c.get("/p/alpha/client/").get_data(as_text=True)


def test_user_with_several_practices_chooses(client, db, world):
    # coach_a1 also coaches in practice B
    factories.coach(world.b, user=world.coach_a1.user)
    response = client.post(
        "/login", data={"email": world.coach_a1.user.email, "password": PASSWORD}
    )
    assert response.location == "/practices"
    page = client.get("/practices").get_data(as_text=True)
    assert "Alpha Coaching" in page and "Beta Coaching" in page
    assert client.get("/p/beta/coach/").status_code == 200


def test_login_next_only_follows_local_paths(client, world):
    data = {"email": world.coach_a1.user.email, "password": PASSWORD}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.location == "/p/alpha/coach/"
    client.post("/logout")
    response = client.post("/login?next=/p/alpha/coach/clients", data=data)
    assert response.location == "/p/alpha/coach/clients"


def test_logout_ends_every_session_of_the_user(login, world):
    laptop = login(world.coach_a1.user)
    phone = login(world.coach_a1.user)
    assert phone.get("/p/alpha/coach/").status_code == 200
    laptop.post("/logout")
    assert laptop.get("/p/alpha/coach/").status_code == 302
    # The other device's cookie is still there, but its session version is stale.
    assert phone.get("/p/alpha/coach/").status_code == 302


def test_password_change_ends_other_sessions_keeps_this_one(login, db, world):
    laptop = login(world.coach_a1.user)
    phone = login(world.coach_a1.user)
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a-new-long-password",
            "confirm": "a-new-long-password",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/p/alpha/coach/").status_code == 200
    assert phone.get("/p/alpha/coach/").status_code == 302
    login(world.coach_a1.user, password="a-new-long-password")


def test_password_change_needs_current_password(login, world):
    c = login(world.coach_a1.user)
    response = c.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "password": "fresh-long-pass-99",
            "confirm": "fresh-long-pass-99",
        },
    )
    assert "That is not your current password." in response.get_data(as_text=True)
    assert c.get("/p/alpha/coach/").status_code == 200


def test_archived_member_loses_access(login, db, world):
    c = login(world.client_a1.user)
    world.client_a1.status = "archived"
    db.session.commit()
    assert c.get("/p/alpha/client/").status_code == 404
    assert "not active in any practice" in c.get("/practices").get_data(as_text=True)
