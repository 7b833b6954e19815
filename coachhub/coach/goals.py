"""Networking goals a coach assigns to a client: assign, edit, close, reopen, accept a proposal."""

from collections.abc import Callable

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from coachhub.coach import bp, load_client
from coachhub.coach.forms import CloseGoalForm
from coachhub.extensions import db
from coachhub.forms import ConfirmForm, GoalForm, attach_error
from coachhub.models import GoalStatus, Membership, NetworkingGoal
from coachhub.services import ServiceError, goals
from coachhub.tenancy import get_scoped_or_404


def _load_goal(goal_id: int) -> NetworkingGoal:
    return get_scoped_or_404(
        NetworkingGoal,
        goal_id,
        options=[joinedload(NetworkingGoal.client).joinedload(Membership.user)],
    )


def _back_to_client(goal: NetworkingGoal):
    return redirect(url_for("coach.client_detail", client_id=goal.client_membership_id))


@bp.route("/clients/<int:client_id>/goals/new", methods=["GET", "POST"])
def new_goal(client_id: int):
    client = load_client(client_id)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goals.assign_goal(g.practice, g.membership, client, **form.goal_fields())
        except ServiceError as error:
            attach_error(form, error, "title")
        else:
            db.session.commit()
            flash("Goal assigned.", "success")
            return redirect(url_for("coach.client_detail", client_id=client.id))
    return render_template("coach/goals/goal_form.html", form=form, client=client, goal=None)


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(goal_id: int):
    goal = _load_goal(goal_id)
    form = GoalForm(obj=goal)
    if request.method == "GET":
        form.focus.data = goal.focus.value
    if form.validate_on_submit():
        try:
            goals.update_goal(g.practice, g.membership, goal, **form.goal_fields())
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error, "title")
        else:
            db.session.commit()
            flash("Goal saved.", "success")
            return _back_to_client(goal)
    return render_template("coach/goals/goal_form.html", form=form, client=goal.client, goal=goal)


@bp.route("/goals/<int:goal_id>/close", methods=["GET", "POST"])
def close_goal(goal_id: int):
    goal = _load_goal(goal_id)
    form = CloseGoalForm()
    if form.validate_on_submit():
        try:
            goals.close_goal(g.practice, g.membership, goal, GoalStatus(form.status.data))
        except ServiceError as error:
            attach_error(form, error, "status")
        else:
            db.session.commit()
            flash(f"Goal closed as {goal.status.value}.", "success")
            return _back_to_client(goal)
    return render_template("coach/goals/close_goal.html", form=form, goal=goal)


@bp.post("/goals/<int:goal_id>/reopen")
def reopen_goal(goal_id: int):
    return _goal_action(goals.reopen_goal, _load_goal(goal_id), "Goal reopened.")


@bp.post("/goals/<int:goal_id>/accept")
def accept_goal(goal_id: int):
    return _goal_action(goals.accept_goal, _load_goal(goal_id), "Goal accepted: it is open now.")


def _goal_action(action: Callable, goal: NetworkingGoal, message: str):
    if not ConfirmForm().validate():
        abort(400)
    try:
        action(g.practice, g.membership, goal)
    except ServiceError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return _back_to_client(goal)
