"""Plant each known bug in turn, run the test that should catch it, and put the code back.

`make plant-bugs` (or `python tools/plant_bugs.py pulse export` for some of them) prints
KILLED or SURVIVED per bug; docs/testing.md has the table. PLANT_PG=<url> runs on PostgreSQL.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
T = "tests/test_planted_bugs.py::"
BUGS = [
    (
        "pulse banker's rounding",
        "coachhub/services/pulse.py",
        'Decimal("1"), ROUND_HALF_UP)',
        'Decimal("1"), "ROUND_HALF_EVEN")',
        T + "test_pulse_rounds_half_up_even_when_the_integer_part_is_even",
    ),
    (
        "last pulse 50 at risk",
        "coachhub/services/at_risk.py",
        "pulses.c.last_pulse < LOW_PULSE",
        "pulses.c.last_pulse <= LOW_PULSE",
        T + "test_a_last_pulse_of_exactly_50_is_not_at_risk",
    ),
    (
        "goal progress uncapped",
        "coachhub/services/health.py",
        "func.sum(case((n > goal.target_meetings, goal.target_meetings), else_=n))",
        "func.sum(n)",
        T + "test_goal_progress_is_capped_per_goal",
    ),
    (
        "late follow-up on time (dashboard)",
        "coachhub/services/health.py",
        "_count(and_(due, log.follow_up_done_on <= log.follow_up_due_on))",
        "_count(and_(due, log.follow_up_done_on.is_not(None)))",
        T + "test_a_follow_up_done_after_its_due_date_is_late_on_the_dashboard",
    ),
    (
        "late follow-up on time (check-in)",
        "coachhub/services/checkins.py",
        "MeetingLog.follow_up_done_on <= MeetingLog.follow_up_due_on",
        "MeetingLog.follow_up_done_on.is_not(None)",
        T + "test_a_follow_up_done_after_its_due_date_is_late_in_the_check_in",
    ),
    (
        "due today overdue",
        "coachhub/services/health.py",
        "_count(and_(log.follow_up_due_on < today,",
        "_count(and_(log.follow_up_due_on <= today,",
        T + "test_a_follow_up_due_today_is_not_overdue",
    ),
    (
        "planned meeting touches contact",
        "coachhub/services/contacts.py",
        "            MeetingLog.met_on <= today,\n",
        "",
        T + "test_a_planned_meeting_does_not_move_last_touched",
    ),
    (
        "ratio zero denominator",
        "coachhub/services/health.py",
        "cast(numerator, Float) / func.nullif(denominator, 0)",
        "cast(numerator, Float) / denominator",
        T + "test_a_ratio_with_nothing_to_divide_by_is_empty_not_an_error",
    ),
    (
        "oldest live subscription",
        "coachhub/billing/services.py",
        "return max(live or subscriptions, key=newest)",
        "return min(live or subscriptions, key=newest)",
        T + "test_the_newest_of_two_live_subscriptions_is_chosen",
    ),
    (
        "past_due_since reset",
        "coachhub/billing/services.py",
        "if practice.past_due_since is None or at < practice.past_due_since:",
        "if True:",
        T + "test_a_second_failed_payment_keeps_the_grace_period_from_the_first",
    ),
    (
        "export check-ins whole practice",
        "coachhub/services/exports.py",
        '"checkins": [_row(c, CHECKIN_COLUMNS) for c in rows(Checkin, Checkin.due_on, Checkin.id)],',
        '"checkins": [_row(c, CHECKIN_COLUMNS) for c in db.session.scalars(select(Checkin).filter_by(practice_id=client.practice_id).order_by(Checkin.due_on, Checkin.id))],',
        T + "test_the_export_holds_this_clients_check_ins_and_stage_changes_only",
    ),
    (
        "export stage changes empty",
        "coachhub/services/exports.py",
        "for s in rows(StageChange, StageChange.changed_at, StageChange.id)",
        "for s in []",
        T + "test_the_export_holds_this_clients_check_ins_and_stage_changes_only",
    ),
    (
        "coaches not limited to practice",
        "coachhub/services/memberships.py",
        "                Membership.practice_id == practice.id,\n                Membership.role.in_([Role.OWNER, Role.COACH]),",
        "                Membership.role.in_([Role.OWNER, Role.COACH]),",
        T + "test_coaches_to_choose_from_are_this_practices_only",
    ),
    (
        "owner dashboard N+1 on coach",
        "templates/coach/dashboard/dashboard.html",
        'Coach: {{ row.coach or "no coach" }}',
        'Coach: {{ row.Membership.coach.user.name if row.Membership.coach else "no coach" }}',
        T + "test_owner_dashboard_queries_do_not_grow_with_coaches",
    ),
    (
        "meeting form contact unscoped",
        "coachhub/client/meetings.py",
        "            scoped_select(Contact).where(\n                Contact.id == form.contact_id.data,",
        "            db.select(Contact).where(\n                Contact.id == form.contact_id.data,",
        T + "test_the_meeting_forms_lookup_refuses_another_clients_contact_and_goal",
    ),
    (
        "meeting form goal unscoped",
        "coachhub/client/meetings.py",
        "scoped_select(NetworkingGoal).where(NetworkingGoal.id == form.goal_id.data)",
        "db.select(NetworkingGoal).where(NetworkingGoal.id == form.goal_id.data)",
        T + "test_the_meeting_forms_lookup_refuses_another_clients_contact_and_goal",
    ),
    (
        "meeting service contact check",
        "coachhub/services/meetings.py",
        "if data.contact is not None and data.contact.client_membership_id != client.id:",
        "if False:",
        T + "test_the_meeting_service_refuses_another_clients_contact_and_goal",
    ),
    (
        "invitation service coach practice",
        "coachhub/services/invitations.py",
        " or coach.practice_id != practice.id:",
        ":",
        T + "test_the_invitation_service_refuses_another_practices_coach",
    ),
    (
        "acceptance owner unscoped",
        "coachhub/services/invitations.py",
        "Membership.practice_id == invitation.practice_id, Membership.role == Role.OWNER",
        "Membership.role == Role.OWNER",
        T + "test_accepting_gives_an_orphaned_client_to_this_practices_owner",
    ),
    (
        "acceptance existing unscoped",
        "coachhub/services/invitations.py",
        "Membership.practice_id == invitation.practice_id, Membership.user_id == user.id",
        "Membership.user_id == user.id",
        T + "test_a_member_of_another_practice_can_accept",
    ),
]
ENV = dict(os.environ)
if os.environ.get("PLANT_PG"):
    ENV["TEST_DATABASE_URL"] = os.environ["PLANT_PG"]


def main(only: list[str]) -> int:
    survived = 0
    for name, path, old, new, test in BUGS:
        if only and not any(o in name for o in only):
            continue
        file = Path(ROOT) / path
        src = file.read_text()
        assert src.count(old) == 1, (name, src.count(old))
        file.write_text(src.replace(old, new))
        try:
            run = subprocess.run(
                [f"{ROOT}/.venv/bin/pytest", "-q", "-p", "no:randomly", "-x", test],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=ENV,
            )
        finally:
            file.write_text(src)
        lines = run.stdout.strip().splitlines()
        error = next((line for line in lines if line.startswith("E ")), "")
        summary = lines[-1] if lines else run.stderr[-200:]
        survived += run.returncode == 0
        verdict = "KILLED" if run.returncode else "SURVIVED"
        print(f"{verdict} {name}: {test.split('::')[1]} -> {error[:110]} | {summary}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
