"""Small per-worker memories, one per app (``app.extensions``), that forget their oldest entry."""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app


class BoundedMemory:
    """A map of at most ``max_entries`` items; reads take no lock, writes do (Gunicorn threads)."""

    def __init__(self, max_entries: int) -> None:
        self._items: dict[Any, Any] = {}
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        return self._items.get(key)

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items.pop(key, None)
            if len(self._items) >= self._max_entries:
                del self._items[next(iter(self._items))]  # dicts keep insertion order: the oldest
            self._items[key] = value


def app_memory(name: str, max_entries: int) -> BoundedMemory:
    """The app's memory called ``name`` (created on first use)."""
    memory = current_app.extensions.get(name)
    if memory is None:
        memory = current_app.extensions.setdefault(name, BoundedMemory(max_entries))
    return memory
