"""Caches of derived figures (the status of a unit, the panels of a dashboard).

One invalidation rule keeps them correct: every write to the domain's tables changes the
*generation*, and every cached figure is stored under the generation it was computed at, so a
write makes every older figure unreachable at once. Writes are rare next to reads (reviewers
read all day, units file a few reports a month), so dropping everything on a write costs little
and cannot miss a dependency the way per-object invalidation can.

The generation changes when the row is saved (so the writer's next read is fresh) and again when
the transaction commits (so a figure that another request computed from the rows as they were
before the commit is dropped too). Writes that send no signal (QuerySet.update, bulk_create) call
`generation_bump()` themselves; the timeout (`DERIVED_CACHE_SECONDS`) bounds anything missed.

Figures depend on the day as well (what is overdue), so callers put the date in their keys.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "derived:generation"
# The apps whose rows the derived figures read. Their audit entries, notifications and document
# jobs are not among those rows.
DOMAIN_APPS = frozenset({"creation", "funds", "reporting", "scoring"})
NOT_READ_BY_FIGURES = frozenset({"reporting.documentjob"})

K = TypeVar("K", bound=Hashable)


def generation() -> str:
    """The current generation; a new one if the cache has none (first use, or a cache restart)."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        current = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, current, timeout=None):
            current = cache.get(GENERATION_KEY) or current
    return current


def _bump() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def generation_bump() -> None:
    """Every cached figure is stale: now, and again once the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def cached_many(
    prefix: str,
    keys: Iterable[K],
    compute: Callable[[list[K]], dict[K, Any]],
    *,
    timeout: int | None = None,
) -> dict[K, Any]:
    """The figures of many keys: those in the cache in one round trip, the others computed
    together by `compute(missing_keys)` (which returns a dict) and stored."""
    keys = list(keys)
    if not keys:
        return {}
    stamp = f"{prefix}:{generation()}"
    names = {key: f"{stamp}:{key}" for key in keys}
    stored = cache.get_many(list(names.values()))
    found = {key: stored[name] for key, name in names.items() if name in stored}
    missing = [key for key in keys if key not in found]
    if missing:
        computed = compute(missing)
        cache.set_many(
            {names[key]: value for key, value in computed.items() if key in names},
            timeout=settings.DERIVED_CACHE_SECONDS if timeout is None else timeout,
        )
        found.update(computed)
    return found


def cached(prefix: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    return cached_many(prefix, [key], lambda _missing: {key: compute()})[key]


def _domain_write(sender: Any, **kwargs: Any) -> None:
    meta = sender._meta
    if meta.app_label in DOMAIN_APPS and meta.label_lower not in NOT_READ_BY_FIGURES:
        generation_bump()


def connect_invalidation() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_domain_write, dispatch_uid=f"derived-cache-{signal!r}")


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, except that an unreachable Redis is a cache miss, not an error:
    pages and the API keep serving (from the database) while Redis is down."""

    def _quietly(self, default: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        try:
            return getattr(super(), method)(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as error:
            logger.warning("cache unavailable (%s): %s", method, error)
            return default

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._quietly(default, "get", key, default, version)

    def get_many(self, keys: Any, version: Any = None) -> dict:
        return self._quietly({}, "get_many", keys, version)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._quietly(False, "add", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._quietly(None, "set", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list:
        return self._quietly([], "set_many", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._quietly(False, "delete", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        self._quietly(None, "delete_many", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._quietly(False, "touch", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._quietly(False, "has_key", *args, **kwargs)

    def clear(self) -> None:
        self._quietly(None, "clear")
