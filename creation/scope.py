"""Row-level scope: the one mechanism that decides which rows a user may see.

Every page, API endpoint, export and admin list starts from `Model.objects.visible_to(user)`.
A model's queryset subclasses `ScopedQuerySet` and says, in `scope_q`, how its rows reach a
creation unit, programme or province; the user's roles are read once per request at most, and
kept between requests until a write to roles, programmes or the user's units drops them
(ROLES_KEPT_SECONDS bounds what no signal reports).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404

from portal.accounts_kept import KeptHere, accounts_changed, kept_here
from portal.cache import EVERY_UNIT, generations_stale, stored_generation, stored_or_computed
from portal.scoping import SCOPE_GENERATION_KEY, scope_generation_of

_CACHE_ATTRIBUTE = "_portal_scope"


@dataclass(frozen=True)
class UserScope:
    everything: bool = False
    unit_ids: frozenset[int] = frozenset()
    province_ids: frozenset[int] = frozenset()
    programme_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    # What the user may change, as opposed to see: the units they are staff of and the
    # programmes they review for the office.
    staff_unit_ids: frozenset[int] = frozenset()
    office_programme_ids: frozenset[int] = frozenset()
    # An office reviewer of a national programme keeps the reference data every programme uses.
    national_office: bool = False
    # The (province, department) pairs a provincial reviewer decides fund-use plans for: the
    # culture reviewer of one province may be the finance reviewer of another.
    provincial_desks: frozenset[tuple[int, str]] = frozenset()
    # The rank groups (batch, kind; C4) of the units of `unit_ids`.
    unit_rank_groups: frozenset[tuple[int, str]] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.unit_ids or self.province_ids or self.programme_ids)

    @property
    def read_only(self) -> bool:
        """API clients only read, whatever else the account holds."""
        return "api_client" in self.roles

    def can_edit_unit(self, unit_id: int) -> bool:
        """Unit staff maintain their own unit's records; read-only accounts change nothing."""
        return not self.read_only and (self.everything or unit_id in self.staff_unit_ids)

    def can_run_programme(self, programme_id: int) -> bool:
        """Office reviewers act for the office of their programme."""
        return not self.read_only and (self.everything or programme_id in self.office_programme_ids)

    def can_change_reference_data(self) -> bool:
        """The national catalogue of media outlets, the fund categories and the departments are
        shared by every programme: only the national programme's office (or a superuser) changes
        them, never the office of a provincial programme."""
        return not self.read_only and (self.everything or self.national_office)

    def can_change_outlet(self, programme_id: int | None) -> bool:
        """An outlet of the national catalogue (no programme) is reference data; a provincial
        programme's own outlet is kept by that programme's office."""
        if programme_id is None:
            return self.can_change_reference_data()
        return self.can_run_programme(programme_id)

    def can_add_outlets(self) -> bool:
        """Whether the user keeps any outlets: the national catalogue or a programme's own."""
        return self.can_change_reference_data() or (
            not self.read_only and bool(self.office_programme_ids)
        )

    def generation_names(self, *, ranks: bool = True) -> frozenset[str]:
        """The generations (portal.cache) of what the scope holds: every unit for a superuser;
        else its programmes, provinces and units and, with `ranks`, the publicity ranks of its
        units (C4: a peer elsewhere in the batch moves them; a write that does changes the
        generations of their rank groups and of the ranks of the provinces with units in the
        groups, and a programme's groups lie within it). What shows no rank leaves out
        `ranks`, and so outlives a peer's write."""
        if self.everything:
            return frozenset({EVERY_UNIT})
        names = {f"programme:{pk}" for pk in self.programme_ids}
        names |= {f"province:{pk}" for pk in self.province_ids}
        names |= {f"unit:{pk}" for pk in self.unit_ids}
        if ranks:
            names |= {_province_ranks_generation(pk) for pk in self.province_ids}
            names |= {_rank_generation(*group) for group in self.unit_rank_groups}
        return frozenset(names)

    def provinces_units_q(self, prefix: str) -> Q:
        """Rows whose creation unit (reached through `prefix`) lies in a province the scope
        follows (units_in_provinces_q); every row for a scope that sees everything."""
        if self.everything:
            return Q()
        return units_in_provinces_q(self.province_ids, prefix)

    def units_q(self, prefix: str) -> Q:
        """Rows whose creation unit (reached through `prefix`, e.g. "unit__") is in scope."""
        q = Q(pk__in=[]) if prefix == "" else Q(**{f"{prefix}pk__in": []})
        if self.unit_ids:
            q |= Q(**{f"{prefix}pk__in": self.unit_ids})
        if self.province_ids:
            q |= units_in_provinces_q(self.province_ids, prefix)
        if self.programme_ids:
            q |= Q(**{f"{prefix}batch__programme__in": self.programme_ids})
        return q


def units_in_provinces_q(province_ids: Collection[int], prefix: str = "") -> Q:
    """Rows whose creation unit (reached through `prefix`, e.g. "unit__") lies in one of the
    provinces: a unit of the province itself or of any region in it. Matched against the ids of
    those regions (an indexed list of a few hundred per province) rather than by joining every
    region of the country to each unit (which cost a hash of all regions per query)."""
    regions = (
        apps.get_model("creation", "Region")
        .objects.filter(Q(province__in=province_ids) | Q(pk__in=province_ids))
        .values("pk")
    )
    return Q(**{f"{prefix}region__in": regions})


def _rank_generation(batch_id: int, kind: str) -> str:
    # C4: units are ranked among those of their batch and kind (a zone's group also names its
    # half year; the generation covers the batch's and kind's groups of every half year).
    return f"rank:{batch_id}:{kind}"


def _province_ranks_generation(province_id: int) -> str:
    # The publicity ranks of a province's units (C4): their peers may lie in any province.
    return f"province-ranks:{province_id}"


def _places_key(unit_id: int) -> str:
    return f"derived:unit-places:{unit_id}"


def _group_provinces_key(batch_id: int, kind: str) -> str:
    return f"derived:rank-group-provinces:{batch_id}:{kind}"


def _units_places(unit_ids: Collection[int]) -> dict[int, tuple[int, int, int, str]]:
    """(province, programme, batch, kind) of each unit. What holds a unit changes only when the
    unit's row is written (`unit_places_forget`), so pages and writes read it from the cache."""

    def read(missing: list[int]) -> dict[int, tuple[int, int, int, str]]:
        rows = (
            apps.get_model("creation", "CreationUnit")
            .objects.filter(pk__in=missing)
            .values_list(
                "pk", "region__province_id", "region_id", "batch__programme_id", "batch_id", "kind"
            )
        )
        return {
            pk: (province_id or region_id, programme_id, batch_id, kind)
            for pk, province_id, region_id, programme_id, batch_id, kind in rows
        }

    return stored_or_computed({pk: _places_key(pk) for pk in unit_ids}, read)


def _groups_provinces(groups: Collection[tuple[int, str]]) -> set[int]:
    """The provinces with units in the rank groups (batch, kind): those not kept, in one query."""
    keys = {group: _group_provinces_key(*group) for group in groups}

    def read(missing: list[tuple[int, str]]) -> dict[tuple[int, str], list[int]]:
        found: dict[tuple[int, str], set[int]] = {group: set() for group in missing}
        in_groups = Q(pk__in=[])
        for batch_id, kind in missing:
            in_groups |= Q(batch_id=batch_id, kind=kind)
        rows = (
            apps.get_model("creation", "CreationUnit")
            .objects.filter(in_groups)
            .values_list("batch_id", "kind", "region__province_id", "region_id")
            .distinct()
        )
        for batch_id, kind, province_id, region_id in rows:
            found[(batch_id, kind)].add(province_id or region_id)
        return {group: sorted(provinces) for group, provinces in found.items()}

    return {pk for provinces in stored_or_computed(keys, read).values() for pk in provinces}


def unit_generation_names(
    unit_ids: Collection[int], with_peers: Collection[int], figures_moved: Collection[int]
) -> set[str]:
    """The generations (portal.cache) besides the units' own that a write to their rows changes:
    their provinces' and programmes'; for `figures_moved` the sums of their provinces' units
    (`units-of-province:<id>`, which a peer's write leaves, and so does a write that moves no
    stored figure, such as a draft saved); and for `with_peers` their rank groups' and the ranks
    of the provinces with units in those groups (`province-ranks:<id>`)."""
    names: set[str] = set()
    groups: set[tuple[int, str]] = set()
    for pk, (province_id, programme_id, batch_id, kind) in _units_places(unit_ids).items():
        names |= {f"province:{province_id}", f"programme:{programme_id}"}
        if pk in figures_moved:
            names.add(f"units-of-province:{province_id}")
        if pk in with_peers:
            groups.add((batch_id, kind))
    # The ranking moved: the ranks of the units ranked with them, and of the provinces those lie
    # in (a provincial reviewer sees the ranks of the province's units).
    names |= {_rank_generation(batch_id, kind) for batch_id, kind in groups}
    names |= {_province_ranks_generation(pk) for pk in _groups_provinces(groups)}
    return names


def unit_places_forget(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A unit's row is about to be saved, or was saved or deleted: what held it may change (its
    province, batch, kind), so the generations of what held it change now (its pages there are
    stale), and what is kept of its places and of its rank group's provinces goes."""
    if instance.pk is None:
        return
    from portal.cache import units_figures_stale

    places = _units_places([instance.pk]).get(instance.pk)
    if places is not None and (places[2], places[3]) != (instance.batch_id, instance.kind):
        roles_changed()  # its staff's rank group moves with it (UserScope.unit_rank_groups)
    units_figures_stale([instance.pk])
    keys = [_places_key(instance.pk)]
    if places is not None:
        keys.append(_group_provinces_key(places[2], places[3]))
    cache.delete_many(keys)


def user_scope(user: Any) -> UserScope:
    """The scope of a user: their roles (kept between requests, `_role_rows`) read once per
    request and kept on the user object for it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return UserScope()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    rows = _role_rows(user)
    office_rows = [row for row in rows if row[0] == "office_reviewer"]
    national = apps.get_model("creation", "Programme").Kind.NATIONAL
    scope = UserScope(
        everything=user.is_superuser,
        unit_ids=frozenset(row[1] for row in rows if row[1]),
        province_ids=frozenset(row[2] for row in rows if row[2]),
        programme_ids=frozenset(row[3] for row in rows if row[3]),
        roles=frozenset(row[0] for row in rows),
        departments=frozenset(row[4] for row in rows if row[4]),
        staff_unit_ids=frozenset(row[1] for row in rows if row[0] == "unit_staff"),
        office_programme_ids=frozenset(row[3] for row in office_rows if row[3]),
        national_office=any(row[5] == national for row in office_rows),
        provincial_desks=frozenset(
            (row[2], row[4])
            for row in rows
            if row[0] == "provincial_reviewer" and row[2] and row[4]
        ),
        unit_rank_groups=frozenset((row[6], row[7]) for row in rows if row[1]),
    )
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


# What a user's scope is read from: their role assignments and the batch and kind of the units
# those name. Every request reads them (pages, the API, the header's work queue), and they change
# only when an assignment is written, a programme is saved or a unit moves: they are kept per user.
# On PostgreSQL, outside a transaction, in each process until such a write notifies it
# (`roles_changed`, portal.accounts_kept); elsewhere in the cache and in each process, under the
# scope generation every such write changes, which each request reads (with its session's or
# token's own read when it can: portal.scoping.scope_generation_of).
_role_rows_here = KeptHere()  # {key: (generation, rows)} where nothing notifies this process


def _role_rows_key(user: Any) -> str:
    # The moment the account was made is in the key, so that a database built again (the demo
    # data loaded anew) with the same user ids never meets the rows kept for the old one.
    joined = int(user.date_joined.timestamp() * 1_000_000) if user.date_joined else 0
    return f"derived:user-roles:{user.pk}:{joined}"


def _role_rows(user: Any) -> list[tuple[Any, ...]]:
    """The user's role assignments as rows (role, unit, province, programme, department, the
    programme's kind, the unit's batch and kind): as kept in this process until a change is
    notified (portal.accounts_kept), or where that cannot be, as kept in this process or the
    cache while the scope generation stands; in both for ROLES_KEPT_SECONDS at most; else read
    with one query. The generation is read before the query, so rows read before a change
    commits are kept under the generation the change replaces."""
    seconds = settings.ROLES_KEPT_SECONDS
    if not seconds:
        return _read_role_rows(user)
    key = _role_rows_key(user)
    notified = kept_here()
    if notified is not None:  # kept in the process, forgotten when a write notifies it
        rows = notified.get(key, seconds)
        if rows is None:
            rows = _read_role_rows(user)
            notified.put(key, rows)
        return rows
    generation = scope_generation_of(user)
    kept = {}
    if generation is None:
        kept = cache.get_many([key, SCOPE_GENERATION_KEY])
        generation = kept.get(SCOPE_GENERATION_KEY) or stored_generation(SCOPE_GENERATION_KEY)
    here = _role_rows_here.get(key, seconds)
    if here is not None and here[0] == generation:
        return here[1]
    entry = kept.get(key) if kept else cache.get(key)
    if entry is not None and entry[0] == generation:
        rows = entry[1]
    else:
        rows = _read_role_rows(user)
        cache.set(key, (generation, rows), timeout=seconds)
    _role_rows_here.put(key, (generation, rows))
    return rows


def _read_role_rows(user: Any) -> list[tuple[Any, ...]]:
    role_assignment = apps.get_model("creation", "RoleAssignment")
    return list(
        role_assignment.objects.filter(user=user).values_list(
            "role",
            "unit_id",
            "province_id",
            "programme_id",
            "department",
            "programme__kind",
            "unit__batch_id",
            "unit__kind",
        )
    )


def roles_changed(*args: Any, created: bool = False, **kwargs: Any) -> None:
    """A role assignment or a programme was written or deleted, or a unit moved: the kept role
    rows of every user are stale, now and once the write commits. (A signal receiver: a new
    programme is in no one's roles yet.)"""
    if created and kwargs.get("sender") is apps.get_model("creation", "Programme"):
        return
    generations_stale([SCOPE_GENERATION_KEY])
    accounts_changed()


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's roles change."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


class ScopedQuerySet(models.QuerySet):
    # How a row reaches its creation unit ("unit__"; "" for the unit itself), where it has one.
    unit_path: str | None = None

    def scope_q(self, scope: UserScope) -> Q | None:
        raise NotImplementedError(f"{self.model.__name__} must say how its rows reach a scope.")

    def visible_to(self, user: Any) -> ScopedQuerySet:
        scope = user_scope(user)
        if scope.everything:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        condition = self.scope_q(scope)
        if condition is None:
            return self.none()
        return self.filter(condition)

    def in_followed_provinces(self, user: Any) -> ScopedQuerySet:
        """The rows of the units in the provinces `user` follows as a provincial reviewer (every
        row for a superuser): `visible_to` narrowed to those provinces. The followed provinces
        are part of what the user may see (UserScope.units_q), so the scope's test is not
        repeated beside theirs (UserScope.provinces_units_q). The model's queryset names its
        path to the unit in `unit_path`."""
        if self.unit_path is None:
            raise NotImplementedError(f"{self.model.__name__} rows belong to no creation unit.")
        scope = user_scope(user)
        if scope.everything:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(scope.provinces_units_q(self.unit_path))


# The creation unit as every page and API filter finds it. CreationUnit's queryset is built on
# this module, hence the model looked up through the app registry.


def visible_unit_or_404(user: Any, pk: int) -> Any:
    """The creation unit `pk` if `user` may see it (with its batch, programme and region), else
    404: a unit outside the user's scope looks like one that does not exist."""
    units = apps.get_model("creation", "CreationUnit").objects.visible_to(user)
    return get_object_or_404(units.with_related(), pk=pk)


def visible_units(request: Any) -> models.QuerySet:
    """The units the request's user may see: the choices of an API filter's `unit` field
    (django-filter calls a queryset callable with the request, which may be None)."""
    return apps.get_model("creation", "CreationUnit").objects.visible_to(
        getattr(request, "user", None)
    )
