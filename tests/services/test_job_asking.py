"""Job-asking: which asks read like a job request, and what a job-asking log becomes."""

import pytest

from coachhub.models import Approach, KeepInTouch, MeetingFormat, utcnow
from coachhub.services import job_asking, meetings
from coachhub.services.meetings import MeetingData
from tests import factories


@pytest.mark.parametrize(
    ("ask", "words"),
    [
        ("Do you have a job for me?", ["a job"]),
        ("Could you pass my CV to your manager?", ["CV/résumé"]),
        ("Can I send you my résumé?", ["CV/résumé"]),
        ("Are you hiring at the moment?", ["hiring"]),
        ("Is your team still hiring?", ["hiring"]),
        ("Any roles going in your team?", ["any roles"]),
        ("Is there a vacancy in design?", ["vacancy"]),
        ("Could you refer me for the open roles?", ["open roles", "hire/refer me"]),
        ("I would love to work for you", ["work for you"]),
        ("Would you put in a good word with HR?", ["a good word"]),
        ("ANY JOBS GOING?", ["a job"]),
    ],
)
def test_asks_that_read_like_a_job_request(ask, words):
    assert job_asking.job_words(ask) == words


@pytest.mark.parametrize(
    "ask",
    [
        "What is the job market like for designers in Auckland?",
        "How does your team approach hiring?",
        "What does a typical week in your role look like?",
        "What skills matter most on product teams?",
        "Who else should I talk to about climate tech?",
        "What made you move from consulting into fintech?",
        "",
    ],
)
def test_information_seeking_asks_are_not_flagged(ask):
    assert job_asking.job_words(ask) == []


def _data(contact, **overrides) -> MeetingData:
    fields = {
        "met_on": utcnow().date(),
        "format": MeetingFormat.COFFEE,
        "contact": contact,
        "ask": "Do you have a job for me?",
        "offer": "I can send my CV",
        "approach": Approach.JOB_ASKING,
        "keep_in_touch": KeepInTouch.NOT_ASKED,
    }
    fields.update(overrides)
    return MeetingData(**fields)


def test_a_job_asking_log_is_weak_with_the_methods_reason(world):
    contact = factories.ContactFactory(client=world.client_a1)
    log = meetings.log_meeting(world.a, world.client_a1, _data(contact))
    assert log.is_weak
    assert any(reason.startswith("asking for a job") for reason in log.weak_reasons)
    # The same ask and offer, coming across as information-seeking: a strong log.
    meetings.update_meeting(world.a, world.client_a1, log, _data(contact, approach=None))
    assert not log.is_weak and log.weak_reasons == []


def test_information_seeking_rate_counts_logs_that_say_how_the_client_came_across(world):
    from coachhub.services import health

    contact = factories.ContactFactory(client=world.client_a1)
    today = world.a.today()
    for approach in (Approach.INFORMATION, Approach.INFORMATION, Approach.JOB_ASKING, None):
        factories.MeetingLogFactory(
            client=world.client_a1, contact=contact, met_on=today, approach=approach
        )
    row = health.client_health(world.a, world.coach_a1, world.client_a1, today)
    assert row.information_rate == 2 / 3
    # Nothing logged yet: no rate (shown as "–"), never 0 %.
    other = health.client_health(world.a, world.owner_a, world.client_a2, today)
    assert other.information_rate is None
