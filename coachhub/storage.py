"""The file store: one small interface for the files a practice uploads (its logo).

Files live in the database (`StoredFile`), so several app servers behind a load balancer see
the same files without a shared disk; an object store would be another `FileStore`.
Keys are the SHA-256 of the content: the same bytes are stored once, and a key in a URL never
goes stale (the route can cache for a year).
"""

import hashlib
from typing import Protocol

from sqlalchemy import delete, select

from coachhub.extensions import db
from coachhub.models import Practice, StoredFile


class FileStore(Protocol):
    def put(self, practice: Practice, data: bytes, content_type: str) -> str:
        """Keep `data` for the practice; returns its key."""

    def get(self, practice: Practice, key: str) -> StoredFile | None:
        """The practice's file under `key` (another practice's key is None)."""

    def delete(self, practice: Practice, key: str) -> None:
        """Forget the practice's file under `key`."""


class DatabaseFileStore:
    """Files as rows of `stored_file`, scoped by practice. Flushes; the caller commits."""

    def put(self, practice: Practice, data: bytes, content_type: str) -> str:
        key = hashlib.sha256(data).hexdigest()
        if self.get(practice, key) is None:
            db.session.add(
                StoredFile(
                    practice_id=practice.id,
                    key=key,
                    content_type=content_type,
                    size=len(data),
                    data=data,
                )
            )
            db.session.flush()
        return key

    def get(self, practice: Practice, key: str) -> StoredFile | None:
        return db.session.scalar(
            select(StoredFile).where(StoredFile.practice_id == practice.id, StoredFile.key == key)
        )

    def delete(self, practice: Practice, key: str) -> None:
        db.session.execute(
            delete(StoredFile).where(StoredFile.practice_id == practice.id, StoredFile.key == key)
        )


def file_store() -> FileStore:
    """The app's file store."""
    return DatabaseFileStore()
