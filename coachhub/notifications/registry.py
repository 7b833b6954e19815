"""A small keyed registry: how features plug into reminders, digests and calendar feeds.

Issue-specific modules register entries at import time (see
`coachhub.notifications.PROVIDER_MODULES`); tests add their own with
`temporarily()`, which removes them again afterwards.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries by key, listed in registration order (or by an `order` attribute)."""

    def __init__(self, what: str, key: Callable[[T], str] = lambda item: item.key):  # type: ignore[attr-defined]
        self.what = what
        self._key = key
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        """Add `item`; a second entry under the same key is a programming error."""
        key = self._key(item)
        if key in self._items:
            raise ValueError(f"{self.what} {key!r} is registered already")
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        items = list(self._items.values())
        return iter(sorted(items, key=lambda item: getattr(item, "order", 0)))

    def __len__(self) -> int:
        return len(self._items)

    @contextmanager
    def temporarily(self, *items: T) -> Iterator[None]:
        """Register `items` for the duration of a `with` block (tests)."""
        for item in items:
            self.register(item)
        try:
            yield
        finally:
            for item in items:
                self.unregister(self._key(item))
