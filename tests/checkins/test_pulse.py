"""The pulse score on worked examples (the same ones as docs/checkins.md)."""

import pytest

from coachhub.services.pulse import PulseInputs, activity_target, pulse_score


def _inputs(**kw) -> PulseInputs:
    values = dict(
        rating_pulse=4,
        rating_realism=3,
        rating_security=4,
        period_days=30,
        meetings=1,
        contacts_kept=2,
        follow_ups_due=2,
        follow_ups_on_time=1,
    )
    values.update(kw)
    return PulseInputs(**values)


def test_the_documented_worked_example_scores_66():
    pulse = pulse_score(_inputs())
    assert [round(p.points, 2) for p in pulse.parts] == [33.33, 10.0, 15.0, 7.5]
    assert [p.max_points for p in pulse.parts] == [50, 20, 15, 15]
    assert pulse.score == 66
    assert pulse.parts[3].detail == "1 of 2 done on time"


def test_full_marks_and_nothing_at_all():
    assert (
        pulse_score(
            _inputs(
                rating_pulse=5,
                rating_realism=5,
                rating_security=5,
                meetings=2,
                contacts_kept=2,
                follow_ups_on_time=2,
            )
        ).score
        == 100
    )
    nothing = _inputs(
        rating_pulse=1,
        rating_realism=1,
        rating_security=1,
        meetings=0,
        contacts_kept=0,
        follow_ups_due=0,
        follow_ups_on_time=0,
    )
    assert pulse_score(nothing).score == 0


def test_feeling_fine_without_networking_stays_under_50():
    """Rated 3s with no activity: 25 points, an at-risk pulse."""
    quiet = _inputs(
        rating_pulse=3,
        rating_realism=3,
        rating_security=3,
        meetings=0,
        contacts_kept=0,
        follow_ups_due=0,
        follow_ups_on_time=0,
    )
    pulse = pulse_score(quiet)
    assert pulse.score == 25
    assert pulse.parts[3].detail == "none due"


def test_no_follow_ups_due_counts_as_on_time_for_someone_who_met_people():
    pulse = pulse_score(_inputs(follow_ups_due=0, follow_ups_on_time=0))
    # 33.33 + 10 + 15 + 15 = 73.3
    assert pulse.score == 73


def test_activity_is_capped_at_the_target_and_scales_with_the_period():
    assert activity_target(7) == 1
    assert activity_target(14) == 1
    assert activity_target(30) == 2
    assert activity_target(31) == 3
    assert activity_target(91) == 7
    busy = pulse_score(_inputs(meetings=40, contacts_kept=40))
    assert busy.parts[1].points == 20 and busy.parts[2].points == 15
    # A quarter (91 days) needs 7 meetings for the full 20 points: 2 give 5.7.
    quarter = pulse_score(_inputs(period_days=91, meetings=2, contacts_kept=7))
    assert round(quarter.parts[1].points, 1) == 5.7


def test_halves_round_up():
    # ratings 3,3,3 = 25; 1 meeting of target 2 = 10; 1 contact = 7.5; none due but met = 15
    pulse = pulse_score(
        _inputs(
            rating_pulse=3,
            rating_realism=3,
            rating_security=3,
            contacts_kept=1,
            follow_ups_due=0,
            follow_ups_on_time=0,
        )
    )
    assert pulse.score == 58  # 57.5 rounds half up


@pytest.mark.parametrize("bad", [0, 6])
def test_ratings_outside_1_to_5_are_refused(bad):
    with pytest.raises(ValueError):
        pulse_score(_inputs(rating_pulse=bad))
