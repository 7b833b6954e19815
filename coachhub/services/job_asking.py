"""Job-asking: the first thing the networking method warns about.

A networking meeting is for information and advice. Asking a contact for a job
makes the client come across as desperate and puts the contact on the spot;
asking what they know opens doors. Two checks use this module:

- a log whose approach is "asking for a job" is weak (`MeetingLog.weak_reasons` says why);
- the meeting form warns before saving when the ask *reads* like a job request,
  using the phrases listed here (the only place they are kept).
"""

import re

from coachhub.models import Approach

SUGGESTION = (
    "Try an information-seeking ask, e.g. “What is changing in your field?”, "
    "“What skills matter most on your team?” or “Who else should I talk to?”"
)

# Phrases that make an ask read like a job request, each with the words shown to the client.
# Information-seeking asks about jobs in general ("the job market", "how does your team
# approach hiring?") do not match; tests/services/test_job_asking.py checks both directions.
JOB_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\b(a|any|your|some) jobs?\b(?!\s+market)", "a job"),
    (r"\bjobs? (for me|going|available|openings?|vacanc\w+)\b", "a job"),
    (r"\bvacanc(y|ies)\b", "vacancy"),
    (r"\b(c\.?v\.?s?|r[eé]sum[eé]s?)\b", "CV/résumé"),
    (r"\b(are|is) (you|they|we|your \w+|the \w+) (currently |still )?hiring\b", "hiring"),
    (r"\bhiring (anyone|now|at the moment)\b", "hiring"),
    (r"\bany (roles?|openings?|positions?|opportunities)\b", "any roles"),
    (r"\bopen (roles?|positions?)\b", "open roles"),
    (r"\b(hire|refer|employ|recommend) me\b", "hire/refer me"),
    (r"\bput in a (good )?word\b", "a good word"),
    (r"\bwork for (you|your (company|team|firm))\b", "work for you"),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), label) for pattern, label in JOB_PHRASES)


def job_words(text: str) -> list[str]:
    """The job-request phrases found in `text`, once each, in the order of the list."""
    found: list[str] = []
    for pattern, label in _COMPILED:
        if label not in found and pattern.search(text or ""):
            found.append(label)
    return found


def is_job_asking(approach: Approach | str | None) -> bool:
    return approach == Approach.JOB_ASKING
