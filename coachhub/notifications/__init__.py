"""Notifications: preferences and calendar pages, unsubscribe links and the calendar feed.

The machinery lives in `coachhub/services/` (notifications, reminders,
calendar). Features that contribute reminder lines, digest sections or
calendar events register providers in their own module and list that module
here, so it is imported when the app starts (web and CLI alike).
"""

from importlib import import_module

# Issue 3 adds e.g. "coachhub.services.followups", issue 4 "coachhub.services.checkins".
PROVIDER_MODULES: tuple[str, ...] = (
    "coachhub.services.digest",
    "coachhub.services.portal_reminders",
    "coachhub.services.checkin_reminders",
)


def load_providers() -> None:
    """Import every provider module once; registration happens at import."""
    for name in PROVIDER_MODULES:
        import_module(name)
