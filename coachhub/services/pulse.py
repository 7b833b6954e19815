"""The pulse score: how well a client keeps their finger on the pulse of their career, 0-100.

One function, `pulse_score`, is the formula; everything else (the check-in page's
"why this score", the trend chart, the at-risk rules) reads its result.

Half comes from the client's own view, half from what they actually did:

- Self-ratings, 50 points: the average of the three 1-5 ratings (finger on the
  pulse of my field, how realistic my view of my potential is, how secure I feel),
  mapped so 1 -> 0 and 5 -> 50: ``(average - 1) / 4 * 50``.
- Meetings, 20 points: meetings logged in the period against a target of one
  per started fortnight of the period (``ceil(days / 15)``: 2 a month, 1 a week,
  6 a quarter), capped at the target: ``min(meetings, target) / target * 20``.
- Contacts kept in touch, 15 points: distinct contacts met or touched in the
  period against the same target, capped.
- Follow-ups on time, 15 points: follow-ups due in the period done on or before
  their due date ÷ follow-ups due. With none due, the points go to a client who
  met someone in the period (nothing slipped) and to no one else.

The sum is rounded to a whole number (half up).

Worked example (docs/checkins.md): a monthly check-in (30 days) rated 4, 3 and 4,
with 1 meeting, 2 contacts kept in touch and 1 of 2 follow-ups done on time:
ratings (11/3 - 1) / 4 * 50 = 33.3; meetings 1/2 * 20 = 10; contacts 2/2 * 15 = 15;
follow-ups 1/2 * 15 = 7.5; total 65.8 -> 66.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

RATINGS_POINTS = 50
MEETINGS_POINTS = 20
CONTACTS_POINTS = 15
FOLLOW_UPS_POINTS = 15
DAYS_PER_MEETING = 15


@dataclass(frozen=True)
class PulseInputs:
    rating_pulse: int
    rating_realism: int
    rating_security: int
    period_days: int
    meetings: int
    contacts_kept: int
    follow_ups_due: int
    follow_ups_on_time: int


@dataclass(frozen=True)
class Part:
    """One line of "why this score"."""

    label: str
    detail: str
    points: float
    max_points: int


@dataclass(frozen=True)
class Pulse:
    score: int
    parts: list[Part] = field(default_factory=list)


def activity_target(period_days: int) -> int:
    """Meetings (and contacts kept) expected in a period: one per started 15 days."""
    return max(1, math.ceil(period_days / DAYS_PER_MEETING))


def pulse_score(inputs: PulseInputs) -> Pulse:
    """The pulse score 0-100 of one check-in, with its breakdown (see the module docstring)."""
    ratings = (inputs.rating_pulse, inputs.rating_realism, inputs.rating_security)
    if any(not 1 <= r <= 5 for r in ratings):
        raise ValueError("self-ratings are 1 to 5")
    average = sum(ratings) / 3
    target = activity_target(inputs.period_days)
    meetings = min(inputs.meetings, target)
    contacts = min(inputs.contacts_kept, target)
    if inputs.follow_ups_due:
        on_time = min(inputs.follow_ups_on_time, inputs.follow_ups_due) / inputs.follow_ups_due
        follow_detail = f"{inputs.follow_ups_on_time} of {inputs.follow_ups_due} done on time"
    else:
        on_time = 1.0 if inputs.meetings else 0.0
        follow_detail = "none due" + (" (and you met people)" if inputs.meetings else "")
    parts = [
        Part(
            "Self-ratings",
            f"average {average:.1f} of 5 ({' + '.join(map(str, ratings))})",
            (average - 1) / 4 * RATINGS_POINTS,
            RATINGS_POINTS,
        ),
        Part(
            "Meetings",
            f"{inputs.meetings} logged, target {target}",
            meetings / target * MEETINGS_POINTS,
            MEETINGS_POINTS,
        ),
        Part(
            "Contacts kept in touch",
            f"{inputs.contacts_kept}, target {target}",
            contacts / target * CONTACTS_POINTS,
            CONTACTS_POINTS,
        ),
        Part("Follow-ups on time", follow_detail, on_time * FOLLOW_UPS_POINTS, FOLLOW_UPS_POINTS),
    ]
    total = Decimal(str(sum(p.points for p in parts))).quantize(Decimal("1"), ROUND_HALF_UP)
    return Pulse(int(total), parts)
