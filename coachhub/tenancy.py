"""Tenancy: the practice comes from the URL, the membership from the logged-in user.

Every practice page lives under `/p/<practice_slug>/<area>/`. The blueprint
made by `practice_blueprint` resolves `g.practice` and `g.membership` once per
request (404 for anyone who is not an active member) and checks the area's
roles once (403). Every id in a URL then goes through `get_scoped_or_404`,
which filters by the practice *and* by what the member's role may see.
The same guard applies the billing access policy: in read-only mode every
write (any method but GET/HEAD/OPTIONS) is refused, except in areas created
with `writable_when_read_only=True` (billing: that is how owners reactivate).
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select

from coachhub.billing.access import access_for, refuse_if_read_only
from coachhub.extensions import db
from coachhub.models import Membership, MemberStatus, Practice, Role
from coachhub.services.inbox import unread_count_of

M = TypeVar("M")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def practice_blueprint(
    name: str,
    import_name: str,
    area: str,
    roles: Iterable[Role],
    *,
    writable_when_read_only: bool = False,
) -> Blueprint:
    """A blueprint under /p/<slug>/<area>/ whose every route is guarded for `roles`."""
    allowed = frozenset(roles)
    bp = Blueprint(name, import_name, url_prefix=f"/p/<practice_slug>/{area}")

    @bp.url_value_preprocessor
    def pull_slug(endpoint, values):
        g.practice_slug = (values or {}).pop("practice_slug", None)

    @bp.url_defaults
    def add_slug(endpoint, values):
        if "practice_slug" not in values and getattr(g, "practice", None) is not None:
            values["practice_slug"] = g.practice.slug

    @bp.before_request
    def guard():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        load_membership(g.practice_slug)
        if g.membership.role not in allowed:
            abort(403)
        if (
            g.practice.require_two_factor
            and g.membership.is_coaching
            and not current_user.has_two_factor
        ):
            # The owner's rule: coaches and owners set up two-factor sign-in first.
            flash(f"{g.practice.name} requires two-factor sign-in. Set it up to continue.", "info")
            return redirect(url_for("auth.security"))
        g.access = access_for(g.practice)
        if request.method not in SAFE_METHODS and not writable_when_read_only:
            refuse_if_read_only(g.practice, g.access)

    return bp


def load_membership(slug: str | None) -> Membership:
    """Set g.practice and g.membership for the current user, or 404."""
    row = db.session.execute(
        # The bell's unread count rides along: no query of its own on any page.
        select(Practice, Membership, unread_count_of(Membership))
        .join(Membership, Membership.practice_id == Practice.id)
        .where(
            Practice.slug == slug,
            Membership.user_id == current_user.id,
            Membership.status == MemberStatus.ACTIVE,
        )
    ).first()
    if row is None:
        abort(404)
    g.practice, g.membership, g.inbox_unread = row
    return g.membership


def owner_required(view: Callable) -> Callable:
    """For the few coach-area pages that only the owner may use (team, settings)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not g.membership.is_owner:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def scoped_select(model: type[M]) -> Select[tuple[M]]:
    """SELECT of `model` limited to this practice and to what this member may see."""
    return select(model).where(
        model.practice_id == g.practice.id,  # type: ignore[attr-defined]
        model.visible_to(g.membership),  # type: ignore[attr-defined]
    )


def get_scoped_or_404(model: type[M], object_id: int, *criteria, options=()) -> M:
    """The one way a URL id becomes a row: same practice, visible to this role, or 404.

    `options` are loader options (joinedload, ...) so a page can fetch what it shows at once.
    """
    obj = db.session.scalars(
        scoped_select(model)
        .where(model.id == object_id, *criteria)  # type: ignore[attr-defined]
        .options(*options)
    ).first()
    if obj is None:
        abort(404)
    return obj


def get_client_or_404(client_id: int) -> Membership:
    """A client membership this member may see (owner: any, coach: own clients)."""
    return get_scoped_or_404(Membership, client_id, Membership.role == Role.CLIENT)
