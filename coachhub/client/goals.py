"""The client's networking goals: the list with progress, proposing a goal, a goal's meetings."""

from flask import flash, g, redirect, render_template, url_for
from sqlalchemy import Select, func
from sqlalchemy.orm import joinedload

from coachhub.client import bp
from coachhub.extensions import db
from coachhub.forms import GoalForm, attach_error
from coachhub.models import MeetingLog, NetworkingGoal
from coachhub.pagination import paginate, paginate_rows
from coachhub.services import ServiceError, goals, health
from coachhub.tenancy import get_scoped_or_404, scoped_select


def goals_with_progress() -> Select:
    """The client's goals, each with the number of meetings logged against it."""
    logged = health.goal_logged_counts(g.practice, g.membership)
    return (
        scoped_select(NetworkingGoal)
        .add_columns(func.coalesce(logged.c.logged, 0).label("logged"))
        .outerjoin(logged, logged.c.goal_id == NetworkingGoal.id)
    )


@bp.get("/goals")
def goal_list():
    page = paginate_rows(
        goals_with_progress().order_by(
            NetworkingGoal.status, NetworkingGoal.due_on, NetworkingGoal.id.desc()
        )
    )
    return render_template("client/goals/goal_list.html", page=page, progress=goals.progress)


@bp.route("/goals/propose", methods=["GET", "POST"])
def propose_goal():
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goals.propose_goal(g.practice, g.membership, **form.goal_fields())
        except ServiceError as error:
            attach_error(form, error, "title")
        else:
            db.session.commit()
            flash("Goal proposed: your coach will see it and can accept it.", "success")
            return redirect(url_for("client.goal_list"))
    return render_template("client/goals/propose_goal.html", form=form)


@bp.get("/goals/<int:goal_id>")
def goal_detail(goal_id: int):
    goal = get_scoped_or_404(NetworkingGoal, goal_id)
    page = paginate(
        scoped_select(MeetingLog)
        .where(MeetingLog.goal_id == goal.id, MeetingLog.archived_at.is_(None))
        .options(joinedload(MeetingLog.contact), joinedload(MeetingLog.review))
        .order_by(MeetingLog.met_on.desc(), MeetingLog.id.desc())
    )
    return render_template(
        "client/goals/goal_detail.html",
        goal=goal,
        page=page,
        progress=goals.progress(page.total or 0, goal.target_meetings),
    )
