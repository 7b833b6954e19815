"""Notifications: how a message reaches a member, stage by stage.

    what is due      providers/<feature>.py  each feature's reminder lines, digest sections and
                                              calendar events, collected for many members at once
          │          due.py                   the reminder run (`flask send-reminders`): who is due
          │                                   now in their practice's timezone, one email per member
          ▼
    what is queued   outbox.py                `queue_email` / `queue_optional_email`: an outbox row
          │                                   in the caller's transaction, deduplicated by key
          ▼
    what is sent     delivery.py              the worker (`flask send-outbox`): claims due rows,
                                              SMTP, retries with back-off

    beside them      kinds.py                 the optional emails a member can choose
                     preferences.py           each member's choices, signed unsubscribe links
                     calendar.py              the private calendar feed and its event providers
                     events.py                the inbox's event types (instant, digest or off each)
                     instant.py               instant inbox emails, batched per member (send-outbox)
                     inbox_pages.py           the inbox page, marking read, the bell's count
                     routes.py                links that work without logging in (unsubscribe, feed)
                     member_pages.py, forms.py  the preferences and calendar pages of both portals

Transactional mail (invitations, password resets, billing) is queued with
`queue_email` directly and always sent; everything a member may switch off is
a kind in `kinds.py` and goes through `queue_optional_email`.

A feature that contributes reminders, digest sections or calendar events has a
module in `providers/`, listed in `PROVIDER_MODULES` so that it registers when
the app starts (web and CLI alike).
"""

from importlib import import_module

PROVIDER_MODULES: tuple[str, ...] = (
    "coachhub.notifications.providers.follow_ups",
    "coachhub.notifications.providers.contacts",
    "coachhub.notifications.providers.checkins",
    "coachhub.notifications.providers.meetings",
    "coachhub.notifications.providers.invitations",
    "coachhub.notifications.providers.inbox",
    "coachhub.notifications.providers.sessions",
)


def load_providers() -> None:
    """Import every provider module once; registration happens at import."""
    for name in PROVIDER_MODULES:
        import_module(name)
