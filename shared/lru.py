"""A small thread-safe least-recently-used map, for the in-process response caches."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

from shared.metrics import cache_lookup

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most `entries` items (0: keeps nothing); a hit makes an item the most recent.
    Lookups are counted as hits and misses under `name` (kvn_cache_lookups_total)."""

    def __init__(self, entries: int, *, name: str) -> None:
        self.entries = entries
        self.name = name
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
        cache_lookup(self.name, found is not None)
        return found

    def put(self, key: K, value: V) -> None:
        if self.entries <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.entries:
                self._data.popitem(last=False)
