"""All models, imported here so Alembic and the app see the full metadata."""

from coachhub.models.api_token import ApiToken, TokenScope
from coachhub.models.assignment import CoachAssignment
from coachhub.models.audit import AuditEvent
from coachhub.models.base import utcnow
from coachhub.models.billing import StripeEvent, StripeInstall, StripeWebhookDelivery
from coachhub.models.checkin import (
    Cadence,
    CareerStage,
    Checkin,
    CheckinStatus,
    ClientCareer,
    StageChange,
)
from coachhub.models.coaching_session import (
    ActionItem,
    AgendaItem,
    AvailabilityWindow,
    BlockedDate,
    CoachAvailability,
    CoachingSession,
    SessionStatus,
)
from coachhub.models.contact import (
    OPEN_INTRODUCTION,
    Contact,
    Introduction,
    IntroductionStatus,
    LedgerDirection,
    LedgerEntry,
    LedgerKind,
    PendingImport,
    Touch,
    TouchKind,
)
from coachhub.models.email import EmailStatus, OutboundEmail
from coachhub.models.goal import GoalFocus, GoalStatus, NetworkingGoal
from coachhub.models.inbox import ConversationRead, InboxItem, Message
from coachhub.models.invitation import Invitation, ReplacedInvitationLink
from coachhub.models.meeting import (
    Approach,
    KeepInTouch,
    LogComment,
    MeetingFormat,
    MeetingLog,
    Review,
)
from coachhub.models.notifications import CalendarToken, NotificationPreference
from coachhub.models.practice import Practice
from coachhub.models.reminder_log import SentReminderItem
from coachhub.models.security import RecoveryCode, SubmissionKey
from coachhub.models.stored_file import StoredFile
from coachhub.models.tenant import ClientOwnedMixin
from coachhub.models.user import COACHING_ROLES, Membership, MemberStatus, Role, User
from coachhub.models.webhook import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "StoredFile",
    "ActionItem",
    "AgendaItem",
    "AvailabilityWindow",
    "BlockedDate",
    "CoachAvailability",
    "CoachingSession",
    "SessionStatus",
    "DeliveryStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
    "ApiToken",
    "TokenScope",
    "Approach",
    "AuditEvent",
    "CalendarToken",
    "Cadence",
    "CareerStage",
    "Checkin",
    "CheckinStatus",
    "ClientCareer",
    "StageChange",
    "COACHING_ROLES",
    "ClientOwnedMixin",
    "EmailStatus",
    "CoachAssignment",
    "Contact",
    "ConversationRead",
    "InboxItem",
    "Message",
    "Introduction",
    "IntroductionStatus",
    "OPEN_INTRODUCTION",
    "PendingImport",
    "Touch",
    "LedgerDirection",
    "LedgerEntry",
    "LedgerKind",
    "TouchKind",
    "GoalFocus",
    "GoalStatus",
    "KeepInTouch",
    "LogComment",
    "MeetingFormat",
    "MeetingLog",
    "NetworkingGoal",
    "Review",
    "Invitation",
    "ReplacedInvitationLink",
    "Membership",
    "MemberStatus",
    "NotificationPreference",
    "OutboundEmail",
    "Practice",
    "RecoveryCode",
    "Role",
    "SentReminderItem",
    "SubmissionKey",
    "StripeEvent",
    "StripeInstall",
    "StripeWebhookDelivery",
    "User",
    "utcnow",
]
