"""`flask seed-demo --scale N`: benchmark data in bulk, once per scale, with working portals."""

from sqlalchemy import func, select

from coachhub.demo import scale
from coachhub.models import (
    Checkin,
    Contact,
    MeetingLog,
    Membership,
    Practice,
    Review,
    Role,
    User,
)


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_scale_one_seeds_the_demo_and_its_neighbours(app, db, login):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--scale", "1"])
    assert result.exit_code == 0, result.output
    assert "Scale 1 seeded" in result.output
    assert "2,260 meeting_log" in result.output
    demo = db.session.scalar(select(Practice).where(Practice.slug == "demo"))
    clients = count(
        db, Membership, Membership.practice_id == demo.id, Membership.role == Role.CLIENT
    )
    # The demo's own four, the benchmark's twenty and the heavy client.
    assert clients == 4 + scale.CLIENTS_PER_SCALE + 1
    heavy = db.session.scalar(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(User.email == scale.heavy_client_email(1))
    )
    assert count(db, MeetingLog, MeetingLog.client_membership_id == heavy.id) == 200
    assert count(db, Practice, Practice.slug.like("scale1-neighbour-%")) == 2
    assert count(db, Checkin, Checkin.practice_id == demo.id) >= 200
    reviews = count(db, Review, Review.practice_id == demo.id)
    logs = count(db, MeetingLog, MeetingLog.practice_id == demo.id)
    assert 0.8 * logs < reviews < logs
    # Every row stays in its practice: a log's contact is its client's.
    strays = count(
        db,
        MeetingLog,
        MeetingLog.contact_id == Contact.id,
        Contact.client_membership_id != MeetingLog.client_membership_id,
    )
    assert strays == 0
    # The touch dates are those the services would have set.
    latest = db.session.scalar(
        select(func.max(MeetingLog.met_on)).where(MeetingLog.client_membership_id == heavy.id)
    )
    assert (
        db.session.scalar(
            select(func.max(Contact.last_touched_on)).where(
                Contact.client_membership_id == heavy.id
            )
        )
        == latest
    )

    again = runner.invoke(args=["seed-demo", "--scale", "1"])
    assert "seeded already" in again.output
    assert count(db, MeetingLog, MeetingLog.practice_id == demo.id) == logs

    def user(email):
        return db.session.scalar(select(User).where(User.email == email))

    coach = login(user(scale.coach_email(1, 1)), "demo-password")
    for path in ["coach/", "coach/reviews", "coach/clients"]:
        assert coach.get(f"/p/demo/{path}").status_code == 200, path
    client = login(user(scale.client_email(1, 1)), "demo-password")
    for path in ["client/", "client/meetings", "client/contacts", "client/goals"]:
        assert client.get(f"/p/demo/{path}").status_code == 200, path


def test_the_scale_must_be_a_whole_number_from_one(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "0"])
    assert result.exit_code != 0
    assert "0 is not in the range x>=1" in result.output
    assert count(db, Practice) == 0
