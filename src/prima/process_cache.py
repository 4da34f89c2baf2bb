"""Per-process caches of rows that a hot path reads on every request and that change rarely.

The public complaint intake reads, for each complaint, the organization named in its address,
the units its form offers, its categories, its deadlines and its working-day calendar; each is
a query that answers the same thing for hours. A :class:`ProcessCache` keeps such values in the
process (one gunicorn worker) for ``ttl`` seconds. A change saved or deleted in this process
clears the cache at once (``post_save``/``post_delete`` of the models named in
:meth:`ProcessCache.clear_on`, ``m2m_changed`` of a many-to-many table); a change saved by
another process is seen within ``ttl`` seconds, as with the survey cache of
:func:`prima.surveys.selectors.survey_get_public`.

Keys should name the row's identity beyond its id (e.g. ``(pk, created_at)``): a test database
rolled back and filled again may give a new row an old row's id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save

V = TypeVar("V")

_all: list[ProcessCache[Any]] = []
_clock = time.monotonic  # the tests move it


class ProcessCache(Generic[V]):
    """Values by key, each reused for ``ttl`` seconds, at most ``size`` keys (all dropped when
    full)."""

    def __init__(self, name: str, ttl: float, size: int = 1000) -> None:
        self.name = name
        self.ttl = ttl
        self.size = size
        self._values: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()
        _all.append(self)

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The value of ``key``: the kept one when younger than ``ttl``, else ``load()``."""
        now = _clock()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            if len(self._values) >= self.size:
                self._values.clear()
            self._values[key] = (now, value)
        return value

    def clear(self, *args: Any, **kwargs: Any) -> None:
        """Forget every value (also a signal receiver)."""
        with self._lock:
            self._values.clear()

    def clear_on(self, *models: Any, m2m: tuple[Any, ...] = ()) -> ProcessCache[V]:
        """Clear when a row of ``models`` is saved or deleted, or a many-to-many table of
        ``m2m`` (``Model.field.through``) changes, in this process."""
        for model in models:
            uid = f"prima.process_cache.{self.name}.{model._meta.label}"
            post_save.connect(self.clear, sender=model, dispatch_uid=uid + ".save", weak=False)
            post_delete.connect(self.clear, sender=model, dispatch_uid=uid + ".delete", weak=False)
        for through in m2m:
            uid = f"prima.process_cache.{self.name}.{through._meta.label}.m2m"
            m2m_changed.connect(self.clear, sender=through, dispatch_uid=uid, weak=False)
        return self


def clear_all() -> None:
    """Forget the values of every process cache (tests that change rows behind the ORM)."""
    for cache in _all:
        cache.clear()
