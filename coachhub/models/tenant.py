"""Visibility rules shared by rows that belong to one client."""

from sqlalchemy import ForeignKey, select, true
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from coachhub.models.user import Membership, Role


class ClientOwnedMixin:
    """A row kept by (or about) one client: contacts, goals, logs, check-ins.

    `visible_to` is what the scoped lookup applies on top of the practice
    filter: owners see every client's rows, coaches their own clients' rows,
    clients their own.
    """

    @declared_attr
    def client_membership_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), index=True)

    @classmethod
    def visible_to(cls, membership: Membership) -> ColumnElement[bool]:
        if membership.role == Role.OWNER:
            return true()
        if membership.role == Role.COACH:
            own_clients = select(Membership.id).where(
                Membership.coach_membership_id == membership.id
            )
            return cls.client_membership_id.in_(own_clients.scalar_subquery())
        return cls.client_membership_id == membership.id
