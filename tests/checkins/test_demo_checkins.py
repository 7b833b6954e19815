"""`flask seed-demo` adds placed clients with check-in histories, one of them slipping."""

from sqlalchemy import select

from coachhub.demo import build_demo
from coachhub.models import Membership, User
from coachhub.services import at_risk


def test_demo_has_a_placed_client_keeping_up_and_one_slipping(app, db, login):
    practice = build_demo()
    db.session.commit()
    owner = db.session.scalars(
        select(Membership).join(User).where(User.email == "owner@demo.test")
    ).one()
    rows = {
        r.name: r
        for r in db.session.execute(at_risk.status_query(practice, owner, practice.today()))
    }
    tom, priya = rows["Tom Nguyen"], rows["Priya Patel"]
    assert tom.stage == priya.stage == "placed"
    assert tom.at_risk == 0 and tom.last_pulse >= 50
    assert priya.at_risk == 1
    assert priya.long_overdue == 1 and priya.pulse_drop == 1 and priya.low_pulse == 1
    c = login(owner.user, "demo-password")
    for path in ("coach/", "coach/checkins", f"coach/clients/{priya.id}/career"):
        assert c.get(f"/p/demo/{path}").status_code == 200, path
    kim = login(
        db.session.scalars(select(User).where(User.email == "client@demo.test")).one(),
        "demo-password",
    )
    assert kim.get("/p/demo/client/checkins").status_code == 200
