"""Registered computations of computed indicators (§8): an indicator whose source is "computed"
names one of these; each reads the unit's §7 place records and returns a number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creation.models import CreationUnit
from places.models import Facility
from places.selectors import place_figures


@dataclass(frozen=True)
class Computation:
    name: str
    label: str | Promise
    compute: Callable[[CreationUnit], Decimal]


def _floor_area(unit: CreationUnit) -> Decimal:
    return place_figures(unit=unit).floor_area


def _art_teams(unit: CreationUnit) -> Decimal:
    return Decimal(place_figures(unit=unit).team_count)


def _smallest_station(unit: CreationUnit) -> Decimal:
    # The township-station threshold (≥ 500 m²) is met only when every station meets it.
    row = Facility.objects.filter(unit=unit, kind=Facility.Kind.STATION).aggregate(
        smallest=Min("floor_area")
    )
    return row["smallest"] or Decimal(0)


def _station_area(unit: CreationUnit) -> Decimal:
    row = Facility.objects.filter(unit=unit, kind=Facility.Kind.STATION).aggregate(
        total=Sum("floor_area")
    )
    return row["total"] or Decimal(0)


def _trainees(unit: CreationUnit) -> Decimal:
    return Decimal(place_figures(unit=unit).trainees)


def _volunteers(unit: CreationUnit) -> Decimal:
    return Decimal(place_figures(unit=unit).volunteers)


REGISTRY: dict[str, Computation] = {
    c.name: c
    for c in (
        Computation("facility_floor_area", _("Floor area of all facilities (m²)"), _floor_area),
        Computation("art_team_count", _("Number of amateur art teams"), _art_teams),
        Computation(
            "smallest_station_area",
            _("Floor area of the smallest cultural station (m²)"),
            _smallest_station,
        ),
        Computation(
            "station_floor_area", _("Floor area of the cultural stations (m²)"), _station_area
        ),
        Computation("trainees", _("People trained"), _trainees),
        Computation("volunteers", _("Cultural volunteers"), _volunteers),
    )
}


def computation_choices() -> list[tuple[str, str | Promise]]:
    return [(c.name, c.label) for c in REGISTRY.values()]


def compute(name: str, unit: CreationUnit) -> Decimal | None:
    """The value of a registered computation for the unit, or None for an unknown name."""
    computation = REGISTRY.get(name)
    return None if computation is None else Decimal(computation.compute(unit))
