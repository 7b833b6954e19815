"""The access policy, for every status at fixed dates."""

from datetime import UTC, datetime, timedelta

import pytest

from coachhub.billing.access import Level, access_for
from coachhub.models import Practice

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TRIAL_END = T0 + timedelta(days=14)
AFTER_TRIAL = TRIAL_END + timedelta(days=1)


def practice(status=None, past_due_since=None, trial_ends_at=TRIAL_END) -> Practice:
    return Practice(
        name="P",
        slug="p",
        trial_ends_at=trial_ends_at,
        subscription_status=status,
        past_due_since=past_due_since,
    )


@pytest.mark.parametrize(
    ("status", "now", "level", "reason"),
    [
        # No subscription: the free trial, then read-only.
        (None, T0, Level.FULL, "trial"),
        (None, TRIAL_END - timedelta(seconds=1), Level.FULL, "trial"),
        (None, TRIAL_END, Level.READ_ONLY, "trial_over"),
        (None, AFTER_TRIAL, Level.READ_ONLY, "trial_over"),
        ("trialing", AFTER_TRIAL, Level.FULL, "trialing"),
        ("active", AFTER_TRIAL, Level.FULL, "active"),
        ("active", T0, Level.FULL, "active"),
        ("canceled", AFTER_TRIAL, Level.READ_ONLY, "canceled"),
        ("unpaid", AFTER_TRIAL, Level.READ_ONLY, "unpaid"),
        ("incomplete", AFTER_TRIAL, Level.READ_ONLY, "incomplete"),
        ("incomplete_expired", AFTER_TRIAL, Level.READ_ONLY, "incomplete_expired"),
        ("paused", AFTER_TRIAL, Level.READ_ONLY, "paused"),
        ("something_new", AFTER_TRIAL, Level.READ_ONLY, "unknown"),
        # A subscription not (yet) in good standing never cuts the free trial short.
        ("incomplete", T0, Level.FULL, "trial"),
        ("canceled", T0, Level.FULL, "trial"),
    ],
)
def test_status_at_fixed_dates(status, now, level, reason):
    access = access_for(practice(status), now)
    assert (access.level, access.reason) == (level, reason)
    assert access.can_write == (level != Level.READ_ONLY)
    assert bool(access.message) == (level == Level.READ_ONLY)


@pytest.mark.parametrize(
    ("days_since_failure", "level"),
    [
        (0, Level.GRACE),
        (3, Level.GRACE),
        (6.99, Level.GRACE),
        (7, Level.READ_ONLY),
        (30, Level.READ_ONLY),
    ],
)
def test_past_due_has_a_seven_day_grace_from_the_first_failure(days_since_failure, level):
    since = AFTER_TRIAL
    now = since + timedelta(days=days_since_failure)
    access = access_for(practice("past_due", past_due_since=since), now)
    assert access.level == level
    if level == Level.GRACE:
        assert access.until == since + timedelta(days=7)
        assert access.can_write
    else:
        assert access.reason == "past_due"


def test_past_due_without_a_recorded_start_is_in_grace():
    assert access_for(practice("past_due"), AFTER_TRIAL).level == Level.GRACE


def test_practice_without_a_trial_date_needs_a_subscription():
    assert access_for(practice(None, trial_ends_at=None), T0).level == Level.READ_ONLY
    assert access_for(practice("active", trial_ends_at=None), T0).level == Level.FULL


def test_defaults_to_the_current_time(time_machine):
    time_machine.move_to(AFTER_TRIAL)
    assert access_for(practice(None)).level == Level.READ_ONLY
    time_machine.move_to(T0)
    assert access_for(practice(None)).level == Level.FULL
