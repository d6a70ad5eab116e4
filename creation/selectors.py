"""Reads of the organisation, always scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from creation.models import Batch, CreationUnit, Programme, Region
from creation.scope import user_scope


def unit_list(*, user: Any) -> QuerySet[CreationUnit]:
    return CreationUnit.objects.visible_to(user).with_related()


def unit_get(*, user: Any, pk: int) -> CreationUnit:
    """The unit, or CreationUnit.DoesNotExist when it is outside the user's scope."""
    return unit_list(user=user).get(pk=pk)


def programme_list(*, user: Any) -> QuerySet[Programme]:
    return Programme.objects.visible_to(user).select_related("province")


def batch_list(*, user: Any) -> QuerySet[Batch]:
    return Batch.objects.visible_to(user).select_related("programme")


def scope_provinces(*, user: Any) -> QuerySet[Region]:
    """The provinces a provincial reviewer follows (every province for a superuser)."""
    scope = user_scope(user)
    provinces = Region.objects.provinces()
    return provinces if scope.everything else provinces.filter(pk__in=scope.province_ids)


@dataclass
class UnitCounts:
    total: int = 0
    zones: int = 0
    projects: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def unit_counts(units: QuerySet[CreationUnit]) -> UnitCounts:
    """Totals by kind and status in one aggregate query."""
    statuses = CreationUnit.Status.values
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "zones": Count("pk", filter=Q(kind=CreationUnit.Kind.ZONE)),
        "projects": Count("pk", filter=Q(kind=CreationUnit.Kind.PROJECT)),
    }
    aggregates.update({f"status_{s}": Count("pk", filter=Q(status=s)) for s in statuses})
    row = units.order_by().aggregate(**aggregates)
    return UnitCounts(
        total=row["total"],
        zones=row["zones"],
        projects=row["projects"],
        by_status={s: row[f"status_{s}"] for s in statuses},
    )


def units_per_batch(units: QuerySet[CreationUnit]) -> list[dict[str, Any]]:
    """One row per batch with its zone and project counts, in one grouped query."""
    return list(
        units.order_by()
        .values("batch", "batch__number", "batch__year", "batch__programme__name")
        .annotate(
            zones=Count("pk", filter=Q(kind=CreationUnit.Kind.ZONE)),
            projects=Count("pk", filter=Q(kind=CreationUnit.Kind.PROJECT)),
            creating=Count("pk", filter=Q(status=CreationUnit.Status.CREATING)),
        )
        .order_by("batch__programme__name", "batch__number")
    )


def units_per_province(units: QuerySet[CreationUnit]) -> list[dict[str, Any]]:
    """One row per province with its zone and project counts, in one grouped query."""
    rows = list(
        units.order_by()
        .values("region__province", "region__province__name", "region__province__economic_belt")
        .annotate(
            zones=Count("pk", filter=Q(kind=CreationUnit.Kind.ZONE)),
            projects=Count("pk", filter=Q(kind=CreationUnit.Kind.PROJECT)),
        )
        .order_by("region__province__name")
    )
    belts = dict(Region.EconomicBelt.choices)
    for row in rows:
        row["belt_label"] = belts.get(row["region__province__economic_belt"], "")
    return rows
