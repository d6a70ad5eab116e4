"""Caches of derived figures and the generations that make them stale.

One invalidation rule keeps them correct: every write to the domain's tables changes the
*generations* of what it belongs to, and every cached figure or page is stored under the
generations it was computed at, so a write makes every older one that could show it unreachable
at once, and leaves the others alone. The generations, each a value in the cache:

- of a unit (`unit:<id>`): every write to the unit's rows;
- of its province, its programme and, when the write can move the publicity ranking the unit
  shares with its peers (C4), of that rank group: the same writes (the app that keeps the units
  says which those are, `unit_generations_register`);
- of every unit (`GENERATION_KEY`): any write to any unit's rows;
- the base one (`BASE_GENERATION_KEY`): a write to the domain that belongs to no one unit
  (settings, a batch, the media catalogue), which may change what any unit shows.

A reader keys what it keeps by the generations of the units it shows: a unit's own figures by
the unit's (`cached_per_unit`); what a user sees by those of the user's scope (`scope_stamp`):
a provincial reviewer's pages are not dropped by a write in another province.

The generations change when the row is saved (so the writer's next read is fresh) and again when
the transaction commits (so a figure that another request computed from the rows as they were
before the commit is dropped too). Writes that send no signal (QuerySet.update, bulk_create) call
`figures_stale()` themselves; the timeout (`DERIVED_CACHE_SECONDS`) bounds anything missed.

Figures depend on the day as well (what is overdue), so callers put the date in their keys.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.scoping import scope_text, user_scope

logger = logging.getLogger(__name__)

GENERATION_KEY = "derived:generation"
# The apps whose rows the derived figures read. Their audit entries, notifications, reminders
# and document jobs are not among those rows.
DOMAIN_APPS = frozenset({"creation", "inspections", "places", "funds", "reporting", "scoring"})
NOT_READ_BY_FIGURES = frozenset(
    {"reporting.documentjob", "reporting.reminder", "inspections.rectificationreminder"}
)

K = TypeVar("K", bound=Hashable)


def stored_generation(key: str) -> str:
    """A generation kept in the cache; a new one if the cache has none (first use, restart)."""
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        if not cache.add(key, current, timeout=None):
            current = cache.get(key) or current
    return current


def generations_stale(keys: Collection[str]) -> None:
    """New values for the generations under `keys`: now (the writer's next read is fresh) and
    again once the current transaction commits (what another request computed from the rows as
    they were before the commit is dropped too). Robust: a failed bump after the commit is
    logged, not turned into an error of the write."""
    if keys:
        _bump(keys)
        transaction.on_commit(lambda: _bump(keys), robust=True)


def _bump(keys: Collection[str]) -> None:
    cache.set_many(dict.fromkeys(sorted(keys), uuid.uuid4().hex), timeout=None)


def stored_generations(keys: Collection[str]) -> list[str]:
    """The generations kept under `keys`, in one round trip; a new one for each key the cache
    has none of (first use, restart, eviction), never a value a kept figure may hold already."""
    found = cache.get_many(list(keys))
    for key in keys:
        if key not in found:
            found[key] = stored_generation(key)
    return [found[key] for key in keys]


# --- Figures of one unit ----------------------------------------------------------------------
# A figure that reads only one unit's rows (its veto gauge, its R1/R2 compliance) is dropped only
# by writes to that unit's rows: with thousands of units filing all day, dropping every unit's
# figure on each write would leave the dashboards computing them all again. A write whose unit
# cannot be told (settings, departments, the media catalogue) changes the base generation, which
# drops them all.
BASE_GENERATION_KEY = "derived:base-generation"


SCOPE_PREFIX = "derived:"
EVERY_UNIT = "every-unit"


def _unit_key(unit_id: int) -> str:
    return f"{SCOPE_PREFIX}unit:{unit_id}"


def generation_key(name: str) -> str:
    """The cache key of a generation named as scopes and units name them (`unit:<id>`,
    `province:<id>`, `units-of-province:<id>`, `programme:<id>`, `rank:<batch>:<kind>`, or
    EVERY_UNIT)."""
    return GENERATION_KEY if name == EVERY_UNIT else f"{SCOPE_PREFIX}{name}"


# The generations a write to a unit also changes besides the unit's own: `names(unit_ids,
# with_peers, figures_moved)` -> names, registered by the app that keeps the units (their
# province, programme and rank group), so that this module need not import it.
UnitGenerations = Callable[[Collection[int], Collection[int], Collection[int]], Collection[str]]


_unit_generations: UnitGenerations | None = None


def unit_generations_register(names: UnitGenerations) -> None:
    """Make `names(unit_ids, with_peers, figures_moved)` say which generations besides the
    units' own a write to their rows changes (`with_peers`: the units whose write can move their
    ranking; `figures_moved`: those whose write can move a stored figure). Registering again
    replaces it."""
    global _unit_generations
    _unit_generations = names


def _units_keys(
    unit_ids: Collection[int], with_peers: Collection[int], figures_moved: Collection[int]
) -> set[str]:
    """The keys of the generations a write to the rows of `unit_ids` changes."""
    names = _unit_generations(unit_ids, with_peers, figures_moved) if _unit_generations else ()
    return {
        GENERATION_KEY,
        *(_unit_key(pk) for pk in unit_ids),
        *(generation_key(name) for name in names),
    }


def units_figures_stale(unit_ids: Collection[int]) -> None:
    """The stored figures of `unit_ids` changed by the clock alone (an item fell due), or what
    holds the units changed: what keeps them is stale, as after a write to their rows (with
    their rankings: a total may have moved), but nothing was written that the units' other
    listeners need to hear of."""
    if unit_ids:
        generations_stale(_units_keys(unit_ids, unit_ids, unit_ids))


def shown_rows_stale(
    *, unit_ids: Collection[int] = (), programme_ids: Collection[int] = ()
) -> None:
    """Rows that pages show and no stored figure reads were written, rows that belong to these
    units or (of no one unit) to these programmes (a document job): the generations of whoever
    sees them change, now and once the transaction commits, and no listener is told (no stored
    figure moved). Every unit's generation changes too: a superuser sees them all."""
    keys = _units_keys(unit_ids, (), ()) if unit_ids else {GENERATION_KEY}
    generations_stale(keys | {generation_key(f"programme:{pk}") for pk in programme_ids})


# What else follows a write to a unit's rows once it commits: the apps that hold the units and
# their figures register the functions that store when each unit last changed (the API's
# `updated_since` and ETags read it) and that refresh the units' stored figures, so that this
# module need not import them.
UnitsChanged = Callable[[frozenset[int] | None, frozenset[int]], None]
_units_changed_listeners: dict[str, tuple[UnitsChanged, bool]] = {}


def units_changed_register(
    name: str, listener: UnitsChanged, *, figures_moved_only: bool = False
) -> None:
    """Register `listener(unit_ids, with_peers)`, called once the writes to the rows of
    `unit_ids` (None: of no one unit, so of every unit) have committed; `with_peers`: those of
    the units whose write can move the ranking they share with their peers. With
    `figures_moved_only`, `unit_ids` holds only the units whose writes can have moved a stored
    figure (a draft of a report saved moves none: `figures_moved`), and the listener is not
    called when there is none. Registering a name again replaces it."""
    _units_changed_listeners[name] = (listener, figures_moved_only)


class _PendingUnits(threading.local):
    """The units whose writes have committed and whose listeners have not run yet, in this
    thread. A transaction that saves many rows tells the listeners once, with every unit it
    touched: each commit callback adds its unit, and the last of them tells the listeners. A unit
    is added when its write commits, never before, so a write rolled back tells no one."""

    def __init__(self) -> None:
        self.unit_ids: set[int] = set()
        self.with_peers: set[int] = set()
        self.figures_moved: set[int] = set()
        self.every_unit = False

    def add(self, unit_id: int | None, with_peers: bool, figures_moved: bool = True) -> None:
        if unit_id is None:
            self.every_unit = True
        else:
            self.unit_ids.add(unit_id)
            if with_peers:
                self.with_peers.add(unit_id)
            if figures_moved:
                self.figures_moved.add(unit_id)

    def take(self) -> _Taken | None:
        if not (self.every_unit or self.unit_ids):
            return None
        taken = _Taken(
            unit_ids=None if self.every_unit else frozenset(self.unit_ids),
            with_peers=frozenset(self.with_peers),
            figures_moved=None if self.every_unit else frozenset(self.figures_moved),
        )
        self.unit_ids, self.with_peers, self.figures_moved = set(), set(), set()
        self.every_unit = False
        return taken


@dataclass(frozen=True)
class _Taken:
    unit_ids: frozenset[int] | None
    with_peers: frozenset[int]
    figures_moved: frozenset[int] | None


_pending = _PendingUnits()


def _tell_listeners() -> None:
    taken = _pending.take()
    if taken is None:
        return
    for name, (listener, figures_moved_only) in list(_units_changed_listeners.items()):
        unit_ids = taken.figures_moved if figures_moved_only else taken.unit_ids
        if unit_ids is not None and not unit_ids:
            continue
        try:
            listener(unit_ids, taken.with_peers)
        except Exception:  # the write has committed: a failed listener is logged, not raised
            logger.exception("units-changed listener %s failed", name)


def _more_writes_to_tell(callback: Callable[[], None]) -> bool:
    """Whether a commit callback of another write is still to run after `callback`. Django runs
    a commit's callbacks by taking them off `run_on_commit` one by one; a test's
    captureOnCommitCallbacks runs them from that list in place."""
    hooks = transaction.get_connection().run_on_commit
    position = next((i for i, hook in enumerate(hooks) if hook[1] is callback), -1)
    return any(getattr(hook[1], "tells_listeners", False) for hook in hooks[position + 1 :])


def figures_stale(
    unit_id: int | None,
    *,
    with_peers: bool = False,
    tell_listeners: bool = True,
    figures_moved: bool = True,
) -> None:
    """A write to the rows of `unit_id` (None: rows of no one unit) makes every figure over many
    units stale, and that unit's own figures (every unit's, for None): now, and again once the
    current transaction commits; then the registered listeners learn that the unit changed
    (unless `tell_listeners` is false: a migration's write), once for all the units of the
    transaction. The generations changed are the unit's and those of what holds it (its
    province, programme, every unit; its rank group `with_peers`); a migration's write changes
    every one (its historical models cannot tell which). `figures_moved` false: the write
    changed rows the pages show but nothing a stored figure reads, so the listeners that
    store figures are not told of it, and what is kept of their sums stays."""
    if unit_id is None or not tell_listeners:
        keys = {GENERATION_KEY, BASE_GENERATION_KEY}
    else:
        keys = _units_keys(
            [unit_id], [unit_id] if with_peers else [], [unit_id] if figures_moved else []
        )

    def committed() -> None:
        _bump(keys)
        # After the commit, not before: a client that read the rows as they were before it
        # must find the unit changed after the moment of that read.
        if tell_listeners:
            _pending.add(unit_id, with_peers, figures_moved)
            if not _more_writes_to_tell(committed):
                _tell_listeners()

    committed.tells_listeners = tell_listeners  # type: ignore[attr-defined]
    _bump(keys)
    # robust: the write has committed; a failed cache bump is logged, not turned into an error.
    transaction.on_commit(committed, robust=True)


def scope_stamp(user: Any, extra_keys: Collection[str] = (), *, ranks: bool = True) -> str:
    """What a user's kept answers are keyed by: the user's scope and the generations of what it
    holds (every unit, or its programmes, provinces, units and, with `ranks`, their publicity
    ranks, and the base one), with `extra_keys`' (the caller's own generations). A write outside
    the scope leaves it as it was; without `ranks`, so does a peer's write that moves only the
    ranks of the scope's units."""
    scope = user_scope(user)
    names = sorted(scope.generation_names(ranks=ranks))
    keys = [BASE_GENERATION_KEY, *extra_keys, *(generation_key(name) for name in names)]
    identity = "\n".join([scope_text(user), *stored_generations(keys)])
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def _key_text(key: Hashable) -> str:
    """A key as cache backends want it: short, no spaces or control characters."""
    text = str(key)
    if isinstance(key, int) or (len(text) <= 64 and text.isalnum()):
        return text
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def stored_or_computed(
    names: dict[K, str], compute: Callable[[list[K]], dict[K, Any]], now: datetime | None = None
) -> dict[K, Any]:
    """The values of `names` in the cache (one round trip); the others computed together by
    `compute(missing_keys)` and stored. With `now`, `compute` gives each value with the moment
    it stops holding by the clock alone, as (value, until) (None: never): a value is stored only
    while `now` is before that moment, and served only until it."""
    stored = cache.get_many(list(names.values()))
    found: dict[K, Any] = {}
    for key, name in names.items():
        if name not in stored:
            continue
        if now is None:
            found[key] = stored[name]
        elif _holds(stored[name], now):
            found[key] = stored[name][0]
    missing = [key for key in names if key not in found]
    if missing:
        computed = compute(missing)
        kept = computed if now is None else {k: v for k, v in computed.items() if _holds(v, now)}
        cache.set_many(
            {names[key]: value for key, value in kept.items() if key in names},
            timeout=settings.DERIVED_CACHE_SECONDS,
        )
        found.update(computed if now is None else {k: v[0] for k, v in computed.items()})
    return found


def _holds(kept: tuple[Any, datetime | None], now: datetime) -> bool:
    return kept[1] is None or now < kept[1]


def cached_per_unit(
    prefix: str, unit_ids: Iterable[int], compute: Callable[[list[int]], dict[int, Any]]
) -> dict[int, Any]:
    """Figures of one unit each, stored under the unit's own generation (and the base one)."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return {}
    base = stored_generation(BASE_GENERATION_KEY)
    generations = cache.get_many([_unit_key(pk) for pk in unit_ids])
    names = {pk: f"{prefix}:{base}:{generations.get(_unit_key(pk), '0')}:{pk}" for pk in unit_ids}
    return stored_or_computed(names, compute)


# --- Sums over the units of one province ------------------------------------------------------
# A dashboard over many provinces sums the stored figures of thousands of units, and on a
# deadline day some unit of the programme is written every second: kept under the programme's
# generation, those sums would be computed again on nearly every page. A write changes one unit,
# in one province, so the sums are kept per province instead, under the generation of that
# province's units (`units-of-province:<id>`: changed by a write to any of their rows, or by the
# clock changing their stored figures, and with the base one by a write of no one unit; not by a
# write that only moves the rank of the units ranked with the one written, which no sum reads):
# a page computes again the sums of the provinces written since, the others it reads.


def cached_per_province(
    prefix: str,
    key: Hashable,
    province_ids: Collection[int],
    compute: Callable[[list[int]], dict[int, tuple[Any, datetime | None]]],
    now: datetime,
) -> dict[int, Any]:
    """Figures of the units of one province each (which units: `key`, such as a scope's
    dashboard): `compute(province_ids)` gives each its value and the moment it stops holding by
    the clock alone (None: never; a moment not after `now`: not kept). A value is kept under
    the generation of its province's units and the base one, and served until that moment. Two
    round trips when every value is kept."""
    province_ids = list(province_ids)
    if not province_ids:
        return {}
    generations = stored_generations(
        [BASE_GENERATION_KEY, *(generation_key(f"units-of-province:{pk}") for pk in province_ids)]
    )
    base, key_text = generations[0], _key_text(key)
    names = {
        pk: f"{prefix}:{key_text}:{base}:{generation}:{pk}"
        for pk, generation in zip(province_ids, generations[1:], strict=True)
    }
    return stored_or_computed(names, compute, now)


def _unit_of(instance: Any) -> int | None:
    """The unit whose rows the instance is among, or None when that cannot be told."""
    if instance._meta.label_lower == "creation.creationunit":
        return instance.pk
    unit_id = getattr(instance, "unit_id", None)
    if unit_id is not None:
        return unit_id
    path = getattr(type(instance)._default_manager.get_queryset(), "unit_path", "")
    if not path:
        return None
    try:
        target = instance
        for name in path.strip("_").split("__")[:-1]:
            target = getattr(target, name)
        return getattr(target, "unit_id", None)
    except Exception:  # a parent already gone in a cascade: drop every unit's figures
        return None


class FigureInputsTracked:
    """For a model of which the stored figures read only a few fields (`FIGURE_INPUTS`, as
    `_figure_inputs()` gives them; `NO_ROW` for a row that does not exist): a write moves a
    figure of its unit only when those changed since the row was read or last saved
    (`figures_moved`, which `_figures_moved` below asks). Put it before models.Model in the
    bases."""

    FIGURE_INPUTS: ClassVar[frozenset[str]]
    NO_ROW: ClassVar[tuple[Any, ...]]

    def _figure_inputs(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)  # type: ignore[misc]
        # What the figures read of the row as stored now.
        self._figure_inputs_stored = self._figure_inputs()

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)  # type: ignore[misc]
        if not instance.get_deferred_fields() & cls.FIGURE_INPUTS:
            instance._figure_inputs_stored = instance._figure_inputs()
        return instance

    def figures_moved(self, *, created: bool, deleted: bool) -> bool:
        """Whether this write (read as the row is saved or deleted) can move a stored figure of
        the row's unit, and with `moves_peer_ranking` the rank of the units ranked with it
        (C4): only when what the figures read changed. Unknown (a row not read whole): it
        may."""
        stored = self.NO_ROW if created else getattr(self, "_figure_inputs_stored", None)
        if stored is None:
            return True
        return stored != (self.NO_ROW if deleted else self._figure_inputs())


def _figures_moved(instance: Any, kwargs: dict[str, Any]) -> bool:
    """Whether a write can move a stored figure of its unit: unless its model or the row says
    it cannot (`figures_moved`: false for rows no figure reads, such as a report's history; a
    report moves one only when what the figures read of it changed)."""
    figures_moved = getattr(instance, "figures_moved", True)
    if not callable(figures_moved):
        return bool(figures_moved)
    return figures_moved(
        created=bool(kwargs.get("created")), deleted=kwargs.get("signal") is post_delete
    )


def _domain_write(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    meta = sender._meta
    if meta.app_label in DOMAIN_APPS and meta.label_lower not in NOT_READ_BY_FIGURES:
        moved = instance is None or _figures_moved(instance, kwargs)
        figures_stale(
            _unit_of(instance) if instance is not None else None,
            # C4: what moves a figure of such a model may move its peers' ranking too.
            with_peers=moved and getattr(sender, "moves_peer_ranking", False),
            # A migration writes through its historical models (module "__fake__"); the
            # listeners use the current ones, whose columns may not exist yet.
            tell_listeners=sender.__module__ != "__fake__",
            figures_moved=moved,
        )


def connect_invalidation() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_domain_write, dispatch_uid=f"derived-cache-{signal!r}")


class ReusedClientsRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per connection pool: redis-py builds a
    table of some 170 response callbacks for every client made, which Django does for every
    cache call (half a millisecond each; three calls for a page replayed from the page cache)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # redis.Redis is safe to share between threads (each command takes a connection
            # from the pool).
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, except that an unreachable Redis is a cache miss, not an error:
    pages and the API keep serving (from the database) while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientsRedisCacheClient

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
