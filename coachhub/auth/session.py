"""Flask-Login's user loader: the stored id carries the session version."""

from coachhub.extensions import db, login_manager
from coachhub.models import User


@login_manager.user_loader
def load_user(stored_id: str) -> User | None:
    """A session is valid only while its version matches the user's current one."""
    user_id, _, version = stored_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user
