"""All models, imported here so Alembic and the app see the full metadata."""

from coachhub.models.audit import AuditEvent
from coachhub.models.base import utcnow
from coachhub.models.billing import StripeEvent
from coachhub.models.email import EmailStatus, OutboundEmail
from coachhub.models.invitation import Invitation
from coachhub.models.notifications import CalendarToken, NotificationPreference
from coachhub.models.practice import Practice
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import COACHING_ROLES, Membership, MemberStatus, Role, User

__all__ = [
    "AuditEvent",
    "CalendarToken",
    "COACHING_ROLES",
    "ClientOwnedMixin",
    "EmailStatus",
    "Invitation",
    "Membership",
    "MemberStatus",
    "NotificationPreference",
    "OutboundEmail",
    "Practice",
    "Role",
    "StripeEvent",
    "User",
    "utcnow",
]
