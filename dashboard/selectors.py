"""Reads of the office and provincial dashboards, each starting from `visible_to(user)`.

A dashboard is a list of panels (PANELS). A panel is a named building block: a selector that
takes the dashboard's query (the filtered units, their page, the months shown, `now`) and returns
the figures of one section of the page, with the template that shows them. Every panel runs a
fixed number of set-based queries, whatever the number of units. To add a figure (publicity
ranking, units at risk of veto, inspection coverage…), write one `build` function and its
template and append a `Panel` to OFFICE_PANELS / PROVINCE_PANELS.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce, Collate, Greatest, RowNumber
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from creation.models import CreationUnit, Region
from creation.scope import units_in_provinces_q, user_scope
from creation.selectors import UnitCounts, office_units, province_units
from dashboard.models import RankGroupChange, UnitFigures, UnitMonth
from dashboard.rules import CellCounts, add_months, cell_light, rate
from dashboard.services import unit_figures_refresh
from funds.selectors import EXECUTION_FIGURES, EXECUTION_SUMS, with_rates
from inspections.rules import Coverage
from portal.aggregates import count_of
from portal.cache import (
    cached_per_province,
)
from portal.renderers import JSONText
from portal.scoping import scope_text
from portal.statements import CompiledStatements, read_moment
from reporting.rules import LIGHT_LABELS, SHANGHAI, Light
from reporting.selectors import MONTHLY_COUNTS, STORED_FIGURE_COLUMNS, Figures
from scoring.models import PublicityStanding
from scoring.rules import GAUGE_STATUS_LABELS, GaugeStatus, HalfYear, standing_rank

OFFICE = "office"
PROVINCE = "province"
UNITS_PER_PAGE = 50
MONTHS_SHOWN = 12


def dashboard_units(*, user: Any, area: str) -> QuerySet[CreationUnit]:
    """The units a dashboard covers: those of the programmes the user runs for the office, or
    those of the provinces the user reviews (every unit for a superuser); always within
    `visible_to(user)`."""
    if area != OFFICE:
        return province_units(user=user)
    return office_units(user=user)


@dataclass(frozen=True)
class KeptSums:
    """Which units a dashboard sums when they are a scope's dashboard's, unfiltered (`key`: the
    same for every user of the same scope), and the provinces they can lie in: their sums are
    then kept per province (portal.cache.cached_per_province)."""

    key: str
    province_ids: tuple[int, ...]


def dashboard_sums_kept(*, user: Any, area: str, provinces: Collection[int]) -> KeptSums:
    """How the sums of the user's dashboard (`dashboard_units`), unfiltered, are kept: for the
    office's, over `provinces` (every province: the filter's choices, read anyway); for a
    provincial reviewer's, over the provinces the reviewer follows."""
    scope = user_scope(user)
    within = provinces if area == OFFICE or scope.everything else scope.province_ids
    return KeptSums(f"{area}:{scope_text(user)}", tuple(sorted(within)))


@dataclass
class DashboardQuery:
    """What every panel reads: the filtered units, the page of them shown in per-unit panels,
    the months of the heat map and the trend, and the filters as a query string for links."""

    user: Any
    area: str
    units: QuerySet[CreationUnit]
    page: Page
    months: list[date]
    now: datetime
    granularity: str = "month"  # of the on-time trend: "month" or "quarter"
    filter_query: str = ""
    tallies: StoredTallies | None = None
    reporting_read: ReportingMonths | None = None
    # When the units are a scope's dashboard's, unfiltered: their sums are kept per province
    # (stored_tallies, kept_reporting_months).
    kept: KeptSums | None = None

    def reporting(self) -> ReportingMonths:
        """The stored months of the window summed once for the heat map (the page's units) and
        the trend (every filtered unit), the units' stored figures in place first."""
        if self.reporting_read is None:
            self.stored()  # the units' stored figures in place
            shown = [unit.pk for unit in self.page_units]
            if self.kept is None:
                self.reporting_read = reporting_months(
                    self.units, shown=shown, start=self.start, end=self.end
                )
            else:
                self.reporting_read = kept_reporting_months(
                    self.units,
                    shown=shown,
                    start=self.start,
                    end=self.end,
                    now=self.now,
                    kept=self.kept,
                )
        return self.reporting_read

    def stored(self) -> StoredTallies:
        """The sums of the units' stored figures, read once for every panel that shows them."""
        if self.tallies is None:
            self.tallies = stored_tallies(self.units, self.now)
        return self.tallies

    @property
    def page_units(self) -> list[CreationUnit]:
        return list(self.page.object_list)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.months[0], time.min, tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        return datetime.combine(add_months(self.months[-1], 1), time.min, tzinfo=SHANGHAI)

    def unit_list_url(self, **filters: Any) -> str:
        """The unit list with the dashboard's filters, and more (a filter given replaces the
        dashboard's own of that name), encoded as QueryDict.urlencode would."""
        base, own = self._unit_list
        values = {**own, **{name: [str(value)] for name, value in filters.items()}}
        encoded = "&".join(
            urlencode({name: value}) for name, listed in values.items() for value in listed
        )
        return base + (f"?{encoded}" if encoded else "")

    @functools.cached_property
    def _unit_list(self) -> tuple[str, dict[str, list[str]]]:
        # A page links to the unit list a hundred times or more (every province, every count):
        # the address and the dashboard's filters are read once.
        return reverse("creation:unit-list"), dict(QueryDict(self.filter_query).lists())


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any
    template: str
    build: Callable[[DashboardQuery], Any]
    chart: bool = False  # the page loads ECharts only when a panel draws a chart


# --- Reporting: counts, heat map and on-time trend (R5.2, R3.3, R4.2) -----------------------------


@dataclass
class StoredTallies:
    """The stored figures of the dashboard's units (dashboard.models.UnitFigures), summed per
    province in one grouped query: each row is a dict of the sums of STORED_SUMS and the counts
    of STORED_COUNTS, under the province of the unit list (`region__province`, None for a unit
    whose region is a province) and the province of the fund figures (`province_id`, the region
    itself then: `_fund_rows_by_province`)."""

    rows: list[dict[str, Any]]

    def total(self, name: str) -> Any:
        return sum(row[name] or 0 for row in self.rows)


def _tally_aggregates(now: datetime) -> dict[str, Any]:
    taking_part = ~Q(status=CreationUnit.Status.WITHDRAWN)
    scored_zone = (
        Q(kind=CreationUnit.Kind.ZONE) & taking_part & Q(figures__publicity_total__isnull=False)
    )
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "zones": Count("pk", filter=Q(kind=CreationUnit.Kind.ZONE)),
        "projects": Count("pk", filter=Q(kind=CreationUnit.Kind.PROJECT)),
        **{
            f"status_{status}": Count("pk", filter=Q(status=status))
            for status in CreationUnit.Status.values
        },
        # R6.6: withdrawn units are not gauged.
        **{
            f"veto_{status}": Count("pk", filter=taking_part & Q(figures__veto_status=status))
            for status in (gauge.value for gauge in GaugeStatus)
        },
        # R6.3: the zones with a live score, with the base score, with verified adoptions.
        "scored": Count("pk", filter=scored_zone),
        "full_base": Count("pk", filter=scored_zone & Q(figures__publicity_base__gt=0)),
        "with_bonus": Count("pk", filter=scored_zone & Q(figures__publicity_bonus__gt=0)),
        # R4.1: the creating units' inspection coverage of the current year.
        **{
            f"coverage_{coverage}": Count(
                "pk",
                filter=Q(status=CreationUnit.Status.CREATING)
                & Q(figures__inspection_coverage=coverage),
            )
            for coverage in Coverage
        },
        # Rows to store before the sums hold: missing, or changed by the clock since; and the
        # first moment the clock changes one (until then the sums hold, unless a write).
        "missing": Count("pk", filter=Q(figures__isnull=True)),
        "due": Count("pk", filter=Q(figures__next_change_at__lte=now)),
        "next_change_at": Min("figures__next_change_at"),
    }
    for name in STORED_SUMS:
        aggregates[name] = Sum(f"figures__{name}")
    return aggregates


# Stored columns summed over the units (C1 reporting counts, R3.2 filed budgets and spending,
# R4.1 rectification items not yet verified).
STORED_SUMS = (
    "due_so_far",
    "on_time",
    "late",
    "overdue",
    "budget",
    "spent",
    "central_budget",
    "central_spent",
    "rectifications_open",
    "rectifications_overdue",
    "rectifications_submitted",
)


def _tally_rows(
    units: QuerySet[CreationUnit], now: datetime, names: Collection[str] | None
) -> list[dict[str, Any]]:
    aggregates = _tally_aggregates(now)
    if names is not None:
        aggregates = {
            name: aggregate
            for name, aggregate in aggregates.items()
            if name in names or name in ("total", "missing", "due", "next_change_at")
        }
    return list(
        units.order_by()
        .values(
            "region__province",
            "region__province__name",
            "region__province__economic_belt",
            province_id=Coalesce(F("region__province"), F("region")),
            province_name=Coalesce(F("region__province__name"), F("region__name")),
        )
        .annotate(**aggregates)
    )


def stored_tallies(
    units: QuerySet[CreationUnit],
    now: datetime,
    names: Collection[str] | None = None,
    *,
    kept: KeptSums | None = None,
) -> StoredTallies:
    """The units' stored figures summed per province (only the sums and counts `names`, with
    `total`, when given): one query while every row is in place; the missing rows, and the rows
    the clock has changed when they are few, are stored first (stored_figures_ensure) and the
    sums read again. With `kept` (the units are a scope's dashboard's, unfiltered), the sums
    are kept per province (portal.cache.cached_per_province): only the provinces written since,
    or whose rows the clock has changed, are summed again."""
    if kept is not None:
        return _kept_tallies(units, now, names, kept)
    rows = _tally_rows(units, now, names)
    missing = sum(row["missing"] for row in rows)
    due = sum(row["due"] for row in rows)
    if missing or 0 < due <= DUE_REFRESHED_ON_READ:
        stored_figures_ensure(units, now)
        rows = _tally_rows(units, now, names)
    return StoredTallies(rows)


def _kept_tallies(
    units: QuerySet[CreationUnit], now: datetime, names: Collection[str] | None, kept: KeptSums
) -> StoredTallies:
    provinces = list(kept.province_ids)

    def compute(asked: list[int]) -> dict[int, tuple[list[dict[str, Any]], datetime | None]]:
        some = units if len(asked) == len(provinces) else units.filter(units_in_provinces_q(asked))
        rows: dict[int, list[dict[str, Any]]] = {pk: [] for pk in asked}
        for row in stored_tallies(some, now, names).rows:
            rows.setdefault(row["province_id"], []).append(row)
        return {pk: (found, _sums_hold_until(found, now)) for pk, found in rows.items()}

    by_province = cached_per_province(
        "dashboard:tallies", (kept.key, sorted(names or ())), provinces, compute, now
    )
    return StoredTallies([row for rows in by_province.values() for row in rows])


def _sums_hold_until(rows: list[dict[str, Any]], now: datetime) -> datetime | None:
    """Until when sums of stored rows hold by the clock: the first moment one of the rows
    changes by it; not at all (now) while some are missing or already changed (more than a
    read stores at once: stored_figures_ensure)."""
    if any(row["missing"] or row["due"] for row in rows):
        return now
    moments = [row["next_change_at"] for row in rows if row["next_change_at"] is not None]
    return min(moments) if moments else None


def stored_reporting_figures(
    units: QuerySet[CreationUnit], now: datetime | None = None
) -> tuple[Figures, list[dict[str, Any]]]:
    """C1: the reporting figures of the units from their stored rows, which
    reporting.selectors.figures_by counted: their total, and a row per unit by name (`key`,
    `name` and the figures, Figures.stored). Two queries while the rows are in place (the
    missing ones and those the clock changed are stored first)."""
    stored_figures_ensure(units, now or timezone.now())
    rows = [
        {"key": key, "name": name, **asdict(Figures.stored(*counts))}
        for key, name, *counts in UnitFigures.objects.filter(unit__in=units.order_by().values("pk"))
        .order_by("unit__name", "unit_id")
        .values_list("unit_id", "unit__name", *STORED_FIGURE_COLUMNS)
    ]
    total = Figures(
        **{field.name: sum(row[field.name] for row in rows) for field in fields(Figures)}
    )
    return total, rows


def overview_panel(query: DashboardQuery) -> dict[str, Any]:
    """Units by kind and status, and the reporting figures so far (C1), summed over the units'
    stored figures (StoredTallies: no query of its own)."""
    stored = query.stored()
    statuses = CreationUnit.Status.values
    counts = UnitCounts(
        total=stored.total("total"),
        zones=stored.total("zones"),
        projects=stored.total("projects"),
        by_status={status: stored.total(f"status_{status}") for status in statuses},
    )
    on_time, late = stored.total("on_time"), stored.total("late")
    figures = Figures(
        expected=stored.total("due_so_far"),
        submitted=on_time + late,  # C1: on time + late + missing = expected
        on_time=on_time,
        late=late,
        missing=stored.total("overdue"),
    )
    return {
        "counts": counts,
        "figures": figures,
        "urls": {
            "all": query.unit_list_url(),
            "zones": query.unit_list_url(kind=CreationUnit.Kind.ZONE),
            "projects": query.unit_list_url(kind=CreationUnit.Kind.PROJECT),
            "creating": query.unit_list_url(status=CreationUnit.Status.CREATING),
        },
    }


def _by_name(name: str | None) -> tuple[bool, str]:
    return (name is None, name or "")


def provinces_panel(query: DashboardQuery) -> list[dict[str, Any]]:
    """Zones and projects per province, each count linking to the unit list (StoredTallies)."""
    belts = dict(Region.EconomicBelt.choices)
    merged: dict[Any, dict[str, Any]] = {}
    for tally in query.stored().rows:
        province = tally["region__province"]
        row = merged.setdefault(
            province,
            {
                "region__province": province,
                "region__province__name": tally["region__province__name"],
                "region__province__economic_belt": tally["region__province__economic_belt"],
                "belt_label": belts.get(tally["region__province__economic_belt"], ""),
                "zones": 0,
                "projects": 0,
            },
        )
        row["zones"] += tally["zones"]
        row["projects"] += tally["projects"]
    rows = sorted(merged.values(), key=lambda row: _by_name(row["region__province__name"]))
    for row in rows:
        province = row["region__province"]
        row["url"] = query.unit_list_url(province=province) if province else ""
        row["zones_url"] = (
            query.unit_list_url(province=province, kind=CreationUnit.Kind.ZONE) if province else ""
        )
        row["projects_url"] = (
            query.unit_list_url(province=province, kind=CreationUnit.Kind.PROJECT)
            if province
            else ""
        )
    return rows


@dataclass
class ReportingMonths:
    """The units' stored months in a window, summed in one grouped query: per unit and month by
    traffic light for the units shown (the heat map's cells), and per month over all the units
    for the on-time trend."""

    cells: dict[tuple[int, date], CellCounts]
    months: dict[date, dict[str, int]]  # expected (due by now), on_time, late, missing


# A month's totals (the trend's) and the stored month's column each is the sum of.
MONTH_TOTALS = {
    "expected": "expected",
    "on_time": "on_time_due",
    "late": "late_due",
    "missing": "red",
}


def reporting_months(
    units: QuerySet[CreationUnit], *, shown: Collection[int], start: datetime, end: datetime
) -> ReportingMonths:
    """The units' reporting months in [start, end), summed per month from their stored rows
    (UnitMonth, counted by reporting.selectors.monthly_lights: traffic lights and what was due,
    C1), with the cells of the units `shown` (the others summed in one group): one query. A
    month counts what is due: expected, on time, late and missing (the overdue, red). The
    caller has the units' stored figures in place (stored_figures_ensure)."""
    found = ReportingMonths(cells={}, months={})
    for row in _month_sums(units, shown=shown, start=start, end=end):
        _add_cell(found, row)
        _add_totals(found.months, row)
    return found


def _month_sums(
    units: QuerySet[CreationUnit],
    *,
    shown: Collection[int],
    start: datetime,
    end: datetime,
    per_province: bool = False,
) -> QuerySet[UnitMonth]:
    """The units' stored months in [start, end) summed per month, apart for each unit `shown`
    (`shown_unit`), and `per_province` also per province, with the first moment the clock
    changes one of the units' rows (`next_change_at`)."""
    groups: dict[str, Any] = {
        "shown_unit": Case(When(unit_id__in=list(shown), then=F("unit_id")), default=None)
    }
    sums: dict[str, Any] = {name: Sum(name) for name in MONTHLY_COUNTS}
    if per_province:
        groups["province"] = Coalesce(F("unit__region__province"), F("unit__region"))
        sums["next_change_at"] = Min("unit__figures__next_change_at")
    return (
        UnitMonth.objects.filter(
            unit__in=units.order_by().values("pk"),
            month__gte=_as_month(start),
            month__lt=_as_month(end),
        )
        .order_by()
        .values("month", **groups)
        .annotate(**sums)
    )


def kept_reporting_months(
    units: QuerySet[CreationUnit],
    *,
    shown: Collection[int],
    start: datetime,
    end: datetime,
    now: datetime,
    kept: KeptSums,
) -> ReportingMonths:
    """`reporting_months` of the units (a scope's dashboard's, unfiltered: `kept`), their totals
    per month kept per province (portal.cache.cached_per_province) until a write to one of its
    units or until the clock changes one of their months (their rows' `next_change_at`, which
    the months follow): one query for the cells of the units `shown` and the totals when none
    is kept, else one for the cells and one for the totals of the provinces not kept, if any.
    The caller has the units' stored figures in place."""
    found = ReportingMonths(cells={}, months={})
    cells_read = False

    def month_rows(some: QuerySet[CreationUnit]) -> QuerySet[UnitMonth]:
        return _month_sums(some, shown=shown, start=start, end=end, per_province=True)

    def compute(asked: list[int]) -> dict[int, tuple[dict[date, dict[str, int]], datetime | None]]:
        nonlocal cells_read
        if len(asked) == len(provinces):
            some, cells_read = units, True  # the units shown among them
        else:  # the cells apart: an OR of the units shown would cost the planner its estimates
            some = units.filter(units_in_provinces_q(asked))
        totals: dict[int, dict[date, dict[str, int]]] = {pk: {} for pk in asked}
        until: dict[int, datetime | None] = dict.fromkeys(asked)
        for row in month_rows(some):
            if cells_read:
                _add_cell(found, row)
            province = row["province"]
            _add_totals(totals.setdefault(province, {}), row)
            moment = row["next_change_at"]
            if moment is not None and (until.get(province) is None or moment < until[province]):
                until[province] = moment
        return {pk: (months, until.get(pk)) for pk, months in totals.items()}

    provinces = list(kept.province_ids)
    by_province = cached_per_province(
        "dashboard:months", (kept.key, _as_month(start), _as_month(end)), provinces, compute, now
    )
    if not cells_read and shown:
        for row in month_rows(CreationUnit.objects.filter(pk__in=list(shown))):
            _add_cell(found, row)
    for months in by_province.values():
        for month, counts in months.items():
            month_totals = found.months.setdefault(month, dict.fromkeys(MONTH_TOTALS, 0))
            for name, count in counts.items():
                month_totals[name] += count
    return found


def _add_cell(found: ReportingMonths, row: dict[str, Any]) -> None:
    if row["shown_unit"] is not None:
        found.cells[(row["shown_unit"], row["month"])] = CellCounts(
            green=row["green"],
            amber=row["amber"],
            yellow=row["yellow"],
            red=row["red"],
            grey=row["grey"],
        )


def _add_totals(months: dict[date, dict[str, int]], row: dict[str, Any]) -> None:
    totals = months.setdefault(row["month"], dict.fromkeys(MONTH_TOTALS, 0))
    for total, name in MONTH_TOTALS.items():
        totals[total] += row[name]


def heatmap_cells(
    unit_ids: list[int], *, start: datetime, end: datetime, now: datetime
) -> dict[tuple[int, date], CellCounts]:
    """The heat-map cells of the units (reporting_months), their stored figures made current
    first: two queries while they are."""
    units = CreationUnit.objects.filter(pk__in=unit_ids)
    stored_figures_ensure(units, now)
    return reporting_months(units, shown=unit_ids, start=start, end=end).cells


def _as_month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value, SHANGHAI) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


class HeatCell(NamedTuple):
    """One month of a unit's heat-map row. A page has 50 units × 12 months of them: a tuple is
    made in a fraction of a frozen dataclass's time, and the link is written only when read
    (an empty cell has none)."""

    month: date
    light: Light | None
    counts: CellCounts
    calendar_url: str  # the unit's reporting calendar

    @property
    def url(self) -> str:
        return f"{self.calendar_url}?view=month&month={self.month:%Y-%m}"

    @property
    def label(self) -> str:
        return str(LIGHT_LABELS[self.light]) if self.light else ""

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass(frozen=True)
class HeatRow:
    unit: CreationUnit
    cells: list[HeatCell]
    calendar_url: str = ""  # the unit's reporting calendar


def heat_rows(
    units: list[CreationUnit],
    *,
    months: list[date],
    now: datetime,
    cells: dict[tuple[int, date], CellCounts] | None = None,
) -> list[HeatRow]:
    """The heat-map rows of the units, from their `cells` when they have been read (the
    dashboard reads them with the trend) or else from their stored months (heatmap_cells)."""
    if cells is None:
        start = datetime.combine(months[0], time.min, tzinfo=SHANGHAI)
        end = datetime.combine(add_months(months[-1], 1), time.min, tzinfo=SHANGHAI)
        cells = heatmap_cells([unit.pk for unit in units], start=start, end=end, now=now)
    lights: dict[CellCounts, Light | None] = {}  # most cells share a handful of counts
    rows = []
    for unit in units:
        calendar = reverse("reporting:unit-calendar", kwargs={"pk": unit.pk})
        row_cells = []
        for month in months:
            counts = cells.get((unit.pk, month), NOTHING_DUE)
            if counts not in lights:
                lights[counts] = cell_light(counts)
            row_cells.append(HeatCell(month, lights[counts], counts, calendar))
        rows.append(HeatRow(unit, row_cells, calendar))
    return rows


NOTHING_DUE = CellCounts()


def heat_rows_all(
    units: QuerySet[CreationUnit], *, months: list[date], now: datetime, chunk: int = 500
) -> Iterator[HeatRow]:
    """Every filtered unit's heat-map row, for the download: a query per `chunk` units, so
    memory stays flat however many units there are."""
    batch: list[CreationUnit] = []
    for unit in units.iterator(chunk_size=chunk):
        batch.append(unit)
        if len(batch) == chunk:
            yield from heat_rows(batch, months=months, now=now)
            batch = []
    if batch:
        yield from heat_rows(batch, months=months, now=now)


def heatmap_panel(query: DashboardQuery) -> dict[str, Any]:
    """Units of the page × months, their cells read with the trend (DashboardQuery.reporting)."""
    return {
        "months": query.months,
        "rows": heat_rows(
            query.page_units, months=query.months, now=query.now, cells=query.reporting().cells
        ),
        "legend": [(light.value, LIGHT_LABELS[light]) for light in Light],
    }


def trend_rows(months: dict[date, dict[str, int]], *, granularity: str) -> list[dict[str, Any]]:
    """Per month (or quarter) of the due date: reports due by now, on time, late and missing
    (C1, as reporting_months counts them), and the on-time rate. Periods with nothing due yet
    are left out, since they have no rate."""
    periods: dict[date, dict[str, int]] = {}
    for month, counts in sorted(months.items()):
        first = (
            month.replace(month=(month.month - 1) // 3 * 3 + 1)
            if granularity == "quarter"
            else month
        )
        period = periods.setdefault(first, {"expected": 0, "on_time": 0, "late": 0, "missing": 0})
        for name, count in counts.items():
            period[name] += count
    result = []
    for first, counts in periods.items():
        if not counts["expected"]:
            continue
        label = (
            f"{first.year}Q{(first.month - 1) // 3 + 1}"
            if granularity == "quarter"
            else f"{first:%Y-%m}"
        )
        result.append(
            {
                **counts,
                "period": first,
                "label": label,
                "rate": rate(counts["on_time"], counts["expected"]),
            }
        )
    return result


def trend_panel(query: DashboardQuery) -> dict[str, Any]:
    """The on-time trend of all the filtered units, read with the heat map's cells."""
    rows = trend_rows(query.reporting().months, granularity=query.granularity)
    return {
        "rows": rows,
        "granularity": query.granularity,
        "chart": {
            "labels": [row["label"] for row in rows],
            "rates": [None if row["rate"] is None else round(row["rate"] * 100, 1) for row in rows],
            "expected": [row["expected"] for row in rows],
        },
    }


# --- Funds (R3.2, R3.3) ------------------------------------------------------------------------


def with_stored_funds(units: QuerySet[CreationUnit]) -> QuerySet[CreationUnit]:
    """The units with their stored fund figures (UnitFigures: the owner is funds.selectors
    .unit_execution), read with the units themselves: the dashboard pages its units so."""
    return units.annotate(**{name: F(f"figures__{name}") for name in EXECUTION_FIGURES})


def fund_units_panel(query: DashboardQuery) -> list[Any]:
    """Execution of the filed plans of the units of the page, from the stored fund figures
    they were read with (with_stored_funds), in the heat map's order: no query of its own."""
    rows = query.page_units
    for unit in rows:
        for name in EXECUTION_FIGURES:
            if getattr(unit, name, None) is None:  # a row stored since the page was read
                setattr(unit, name, 0)
        unit.funds_url = reverse("funds:unit-funds", kwargs={"pk": unit.pk})
    return with_rates(rows)


def _fund_rows_by_province(tallies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """R3.2: budget, spending and execution rate per province (the region itself for a unit
    whose region is a province), by province name, from the sums of the stored fund figures
    (StoredTallies rows)."""
    merged: dict[Any, dict[str, Any]] = {}
    for tally in tallies:
        row = merged.setdefault(
            tally["province_id"],
            {
                "province_id": tally["province_id"],
                "province_name": tally["province_name"],
                "units": 0,
                **dict.fromkeys(EXECUTION_SUMS, Decimal(0)),
            },
        )
        row["units"] += tally["total"]
        for name in EXECUTION_SUMS:
            row[name] += tally[name] or 0
    return with_rates(sorted(merged.values(), key=lambda row: _by_name(row["province_name"])))


def office_province_funds(user: Any, provinces: Collection[int]) -> list[dict[str, Any]]:
    """The office dashboard's fund panel rows, unfiltered (the office's fund page reads them
    through creation.figures): the sums of its units kept per province with the dashboard's
    (`provinces`: every province they can lie in, as for `dashboard_sums_kept`)."""
    kept = dashboard_sums_kept(user=user, area=OFFICE, provinces=provinces)
    units = dashboard_units(user=user, area=OFFICE)
    return _fund_rows_by_province(stored_tallies(units, timezone.now(), kept=kept).rows)


def fund_provinces_panel(query: DashboardQuery) -> dict[str, Any]:
    """Execution per province over all the filtered units, from their stored figures
    (StoredTallies)."""
    rows = _fund_rows_by_province(query.stored().rows)
    for row in rows:
        row["url"] = query.unit_list_url(province=row["province_id"])
    return {
        "rows": rows,
        "chart": {
            "labels": [row["province_name"] for row in rows],
            "rates": [None if row["rate"] is None else float(row["rate"]) for row in rows],
        },
    }


# --- Publicity (R6.1–R6.3), the veto gauge (R6.6), supervision (R4.1) ------------------------------

TOP_RANKED = 10
WORST_GAUGES = 15


@dataclass(frozen=True)
class StoredScore:
    """A zone's live publicity score as stored (UnitFigures), with its rank among its peers."""

    unit_id: int
    name: str
    rank: int | None
    base: int
    bonus: int
    total: int


@dataclass(frozen=True)
class UnitName:
    pk: int
    name: str


def publicity_panel(query: DashboardQuery) -> dict[str, Any]:
    """R6.3: the live publicity scores of the filtered zones in the current half year, best
    first, as stored (UnitFigures: the owner is scoring.selectors.score_units). Their ranks are
    read over the standings of each zone's peers (C4: every zone of its batch whose cycle
    overlaps its half year, withdrawn ones left out), whatever the filter: `_peers_above`, as
    `_stored_rank`. The counts come with the StoredTallies; one query for the best zones with
    their ranks."""
    stored = query.stored()  # first: it stores the rows that are missing
    today = timezone.localdate(query.now, SHANGHAI)
    half = HalfYear.containing(today)
    zones = query.units.filter(kind=CreationUnit.Kind.ZONE).exclude(
        status=CreationUnit.Status.WITHDRAWN
    )
    top = list(
        UnitFigures.objects.filter(
            unit__in=zones.order_by().values("pk"), publicity_total__isnull=False
        )
        .select_related("unit__batch__programme")
        .only(
            "unit_id",
            "publicity_base",
            "publicity_bonus",
            "publicity_total",
            "rank_group",
            "unit__name",
            "unit__batch",
        )
        .annotate(peers_above=_peers_above())
        .order_by("-publicity_total", "-publicity_bonus", "unit__name", "unit_id")[:TOP_RANKED]
    )
    return {
        "period": str(half),
        "top": [
            {
                "score": StoredScore(
                    unit_id=row.unit_id,
                    name=row.unit.name,
                    rank=standing_rank(above=row.peers_above) if row.rank_group else None,
                    base=row.publicity_base,
                    bonus=row.publicity_bonus,
                    total=row.publicity_total,
                ),
                # A rank is within the unit's batch: each row names its batch, so ranks of
                # different batches are not read as one ranking.
                "batch": row.unit.batch,
                "url": reverse("scoring:unit-publicity", kwargs={"pk": row.unit_id}),
            }
            for row in top
        ],
        "scored": stored.total("scored"),
        "full_base": stored.total("full_base"),
        "with_bonus": stored.total("with_bonus"),
        "periods_url": reverse("scoring:period-list"),
    }


def veto_panel(query: DashboardQuery) -> dict[str, Any]:
    """R6.6: how many of the filtered units are ok, at risk or failing a basic requirement
    (StoredTallies), and the worst of them with what trips them, from the units' stored gauges
    (UnitFigures.veto_status, .veto_items): one query whatever the number of units, two for an
    unfiltered dashboard after a write (`_kept_worst_gauges`)."""
    stored = query.stored()  # first: it stores the rows that are missing
    counts = {status.value: stored.total(f"veto_{status.value}") for status in GaugeStatus}
    language = get_language() or settings.LANGUAGE_CODE
    units = query.units.exclude(status=CreationUnit.Status.WITHDRAWN).order_by()
    if query.kept is None:
        worst = _worst_gauges(units, language)
    else:
        worst = _kept_worst_gauges(units, language, query.kept, stored, query.now)
    list_url = reverse("acceptance:gauge-list")
    return {
        "counts": counts,
        "rows": [
            {
                "unit": UnitName(unit_id, name),
                "status": status,
                "label": GAUGE_STATUS_LABELS[status],
                # What is wrong, in the gauge's own words ("No fund-use plan has been filed;
                # it was due by …"), not the requirement's title, which reads as if it were met.
                "items": [
                    line["message"]
                    for line in _decoded(items) or []
                    if line["status"] != GaugeStatus.OK
                ],
                "url": reverse("acceptance:unit-gauge", kwargs={"pk": unit_id}),
            }
            for unit_id, status, name, items, _province in worst
        ],
        "urls": {
            status: f"{list_url}?gauge_status={status}"
            for status in ("failed", "at_risk", "attention")
        },
    }


def _worst_gauges(
    units: QuerySet[CreationUnit], language: str, *, per_province: bool = False
) -> list[tuple[int, str, str, Any, int]]:
    """R6.6: the WORST_GAUGES worst stored gauges of the units (failing before at risk, then by
    name in code-point order), each as (unit id, status, name, items in `language`, province);
    with `per_province`, the worst of each province. The worst units are found first, and only
    their gauges' items are read: reading the items of every unit that is not ok before keeping
    the worst takes twice as long (the items are stored out of line)."""
    failing = Case(When(veto_status=GaugeStatus.FAILED, then=0), default=1)
    order = [failing.asc(), _code_point_order("unit__name").asc(), F("unit_id").asc()]
    province = Coalesce(F("unit__region__province"), F("unit__region"))
    candidates = UnitFigures.objects.filter(unit__in=units.values("pk")).exclude(
        veto_status=GaugeStatus.OK
    )
    if per_province:
        place = Window(RowNumber(), partition_by=[province], order_by=order)
        worst_ids = candidates.annotate(place=place).filter(place__lte=WORST_GAUGES)
    else:
        worst_ids = candidates.order_by(*order)[:WORST_GAUGES]
    return list(
        UnitFigures.objects.filter(unit_id__in=Subquery(worst_ids.values("unit_id")))
        .annotate(items=_gauge_items(language), province=province)
        .order_by(*order)
        .values_list("unit_id", "veto_status", "unit__name", "items", "province")
    )


def _kept_worst_gauges(
    units: QuerySet[CreationUnit],
    language: str,
    kept: KeptSums,
    stored: StoredTallies,
    now: datetime,
) -> list[tuple[int, str, str, Any, int]]:
    """`_worst_gauges` of a scope's dashboard, unfiltered: the worst of each province kept with
    the province's sums (portal.cache.cached_per_province) and as long as they hold (the gauges
    move with the rows the sums read), the worst of all merged from them. Only the units, their
    status and name are kept (reading every province's items back from the cache cost more
    than the database spends on the merged few): one query for the items of the worst shown,
    and one for the worst of the provinces written since, if any; the items of those come
    with them."""
    tallies: dict[int, list[dict[str, Any]]] = {}
    for row in stored.rows:
        tallies.setdefault(row["province_id"], []).append(row)
    provinces = list(kept.province_ids)
    items_read: dict[int, Any] = {}

    def compute(asked: list[int]) -> dict[int, tuple[list[Any], datetime | None]]:
        some = units if len(asked) == len(provinces) else units.filter(units_in_provinces_q(asked))
        found: dict[int, list[Any]] = {pk: [] for pk in asked}
        for unit_id, status, name, items, province in _worst_gauges(
            some, language, per_province=True
        ):
            items_read[unit_id] = items
            found.setdefault(province, []).append((unit_id, status, name, province))
        return {
            pk: (rows, _sums_hold_until(tallies.get(pk, []), now)) for pk, rows in found.items()
        }

    by_province = cached_per_province(
        "dashboard:worst-gauge-units", (kept.key, language), provinces, compute, now
    )
    rows = [row for worst in by_province.values() for row in worst]
    # The databases' order: failing first, then the name's code points (as Python compares
    # strings), then the unit.
    rows.sort(key=lambda row: (row[1] != GaugeStatus.FAILED, row[2], row[0]))
    worst = rows[:WORST_GAUGES]
    unread = [row[0] for row in worst if row[0] not in items_read]
    if unread:
        items_read.update(
            UnitFigures.objects.filter(unit_id__in=unread)
            .annotate(items=_gauge_items(language))
            .values_list("unit_id", "items")
        )
    return [(unit_id, status, name, items_read[unit_id], p) for unit_id, status, name, p in worst]


def _gauge_items(language: str) -> Any:
    """A stored gauge's items in `language`, else in the portal's own."""
    return Coalesce(
        KeyTransform(language, "veto_items"), KeyTransform(settings.LANGUAGE_CODE, "veto_items")
    )


def _code_point_order(name: str) -> Any:
    """Order by the text's code points, as Python sorts strings, whatever the database's
    collation (SQLite's default collation already compares code points)."""
    return Collate(name, "C") if connection.vendor == "postgresql" else F(name)


def _decoded(value: Any) -> Any:
    # A JSON key read on its own comes back decoded on PostgreSQL, as text on SQLite.
    return json.loads(value) if isinstance(value, str) else value


def supervision_panel(query: DashboardQuery) -> dict[str, Any]:
    """R4.1: inspection coverage of the current year (creating units with none planned, with
    more than the programme allows) and the rectification items not yet verified, summed over
    the units' stored figures (StoredTallies: no query of its own)."""
    stored = query.stored()
    today = timezone.localdate(query.now, SHANGHAI)
    plan_url = reverse("inspections:plan")
    return {
        "year": today.year,
        "none": stored.total(f"coverage_{Coverage.NONE}"),
        "too_many": stored.total(f"coverage_{Coverage.TOO_MANY}"),
        "covered": stored.total(f"coverage_{Coverage.OK}"),
        "rectifications": {
            "open": stored.total("rectifications_open"),
            "overdue": stored.total("rectifications_overdue"),
            "submitted": stored.total("rectifications_submitted"),
        },
        "urls": {
            "plan": f"{plan_url}?year={today.year}",
            "inspections": reverse("inspections:inspection-list"),
        },
    }


# --- The panels of each dashboard ----------------------------------------------------------------

PANELS: dict[str, Panel] = {
    panel.key: panel
    for panel in [
        Panel("overview", _("Overview"), "dashboard/includes/_overview.html", overview_panel),
        Panel(
            "provinces",
            _("Units per province"),
            "dashboard/includes/_provinces.html",
            provinces_panel,
        ),
        Panel(
            "heatmap",
            _("Reporting compliance by unit and month"),
            "dashboard/includes/_heatmap.html",
            heatmap_panel,
        ),
        Panel(
            "on_time_trend",
            _("On-time rate over time"),
            "dashboard/includes/_trend.html",
            trend_panel,
            chart=True,
        ),
        Panel(
            "fund_provinces",
            _("Fund execution per province"),
            "dashboard/includes/_fund_provinces.html",
            fund_provinces_panel,
            chart=True,
        ),
        Panel(
            "fund_units",
            _("Fund execution per unit"),
            "dashboard/includes/_fund_units.html",
            fund_units_panel,
        ),
        Panel(
            "publicity",
            _("Publicity ranking of the current half year"),
            "dashboard/includes/_publicity.html",
            publicity_panel,
        ),
        Panel(
            "veto",
            _("Units at risk of a one-vote veto"),
            "dashboard/includes/_veto.html",
            veto_panel,
        ),
        Panel(
            "supervision",
            _("Inspection coverage and open rectifications"),
            "dashboard/includes/_supervision.html",
            supervision_panel,
        ),
    ]
}

# The order of the panels on each page.
OFFICE_PANELS: list[str] = [
    "overview",
    "veto",
    "provinces",
    "heatmap",
    "on_time_trend",
    "publicity",
    "supervision",
    "fund_provinces",
    "fund_units",
]
PROVINCE_PANELS: list[str] = [
    "overview",
    "veto",
    "heatmap",
    "on_time_trend",
    "publicity",
    "supervision",
    "fund_provinces",
    "fund_units",
]


def dashboard_panels(query: DashboardQuery) -> list[tuple[Panel, Any]]:
    """Each panel of the query's dashboard with its figures: read from the units' stored
    figures and months, their sums over the scope's units kept per province (KeptSums). Not kept
    whole: kept under the user's scope, the panels were dropped by nearly every write on a
    deadline day (a write in a rank group changes every province's scope), and storing them
    (pickling the units of the page) cost more than reading them again."""
    keys = OFFICE_PANELS if query.area == OFFICE else PROVINCE_PANELS
    figures = [PANELS[key].build(query) for key in keys]
    return [(PANELS[key], figure) for key, figure in zip(keys, figures, strict=True)]


# --- The status of units, read from their stored figures (dashboard.models.UnitFigures) -------


def _peers_above() -> Any:
    """R6.3: how many peers of a row's rank group stand higher (PublicityStanding: a greater
    rank text), as `_stored_rank` reads them (the row's rank is one more), read with the row: a
    count over the standings' rank index for each row returned."""
    return count_of(
        PublicityStanding.objects.filter(
            PublicityStanding.above(OuterRef("rank_group"), OuterRef("rank_text"))
        ),
        per="rank_group",
    )


def _peers_ranked() -> Any:
    """C4: how many units a row's rank group ranks, itself included, read with the row."""
    return count_of(
        PublicityStanding.objects.filter(PublicityStanding.in_group(OuterRef("rank_group"))),
        per="rank_group",
    )


def _stored_rank(row: UnitFigures) -> tuple[int, int] | None:
    """R6.3: (rank, units ranked) of a row read by `_stored_rows` (scoring.rules.standing_rank);
    None for a unit that takes no part."""
    if not row.rank_group:
        return None
    return standing_rank(above=row.peers_above), row.peers_ranked


def _stored_rows_query(
    unit_ids: list[int], language: str, *, written: bool = False
) -> QuerySet[UnitFigures]:
    """`written`: the answer as the database writes it out (JSON text), not decoded."""
    answer = (KeyTextTransform if written else KeyTransform)(language, "answers")
    return (
        UnitFigures.objects.filter(unit_id__in=unit_ids)
        .annotate(
            answer=answer,
            peers_above=_peers_above(),
            peers_ranked=_peers_ranked(),
        )
        .only("unit_id", "rank_group", "next_change_at")
    )


def _stored_rows(unit_ids: list[int], language: str) -> dict[int, UnitFigures]:
    """The stored rows of the units, with the answer in `language` only (as `answer`) and the
    counts of `_stored_rank` (two counts over the standings' rank index per row)."""
    if len(unit_ids) == 1:
        return _stored_row(unit_ids[0], _one_unit_statement(language))
    # As plain rows, not models: building 50 model instances cost a page of the status list
    # more than the database spent reading them.
    rows = _stored_rows_query(unit_ids, language).values(*STORED_ROW_FIELDS)
    return {row["unit_id"]: SimpleNamespace(**row) for row in rows}


# What `_stored_rows_query` reads of a row.
STORED_ROW_FIELDS = (
    "unit_id",
    "rank_group",
    "next_change_at",
    "answer",
    "peers_above",
    "peers_ranked",
)


# The status API's read of one unit is the most frequent read of the portal: its statement is
# `_stored_rows_query` compiled once per language (and scope: `_one_visible_unit_statement`),
# with this id in place of the unit's (and prepared on each connection: portal.statements).
_ONE_UNIT = -1


@functools.cache
def _one_unit_statement(language: str) -> tuple[str, tuple[Any, ...]]:
    return _stored_rows_query([_ONE_UNIT], language).query.sql_with_params()


def _stored_row(
    unit_id: int, statement: tuple[str, tuple[Any, ...]], *, written: bool = False
) -> dict[int, Any]:
    """The unit's stored row as one of the statements above reads it: empty when it has none
    (or no unit has that id). `written`: the statement reads the answer written out, which
    stays so (JSONText)."""
    low, high = connection.ops.integer_field_range(CreationUnit._meta.pk.get_internal_type())
    if not low <= unit_id <= high:  # no unit has that id, and the database would refuse it
        return {}
    sql, params = statement
    # Read with a plain cursor, not as a model: building a model instance from a raw query costs
    # more than the database spends answering it.
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id if p == _ONE_UNIT else p for p in params])
        names = [column[0] for column in cursor.description]
        rows = [SimpleNamespace(**dict(zip(names, values, strict=True))) for values in cursor]
    found = {}
    for row in rows:
        # The driver gives the JSON decoded and the moments as datetimes on PostgreSQL, as
        # text on SQLite.
        if row.answer is not None:
            row.answer = JSONText(row.answer) if written else _decoded(row.answer)
        row.next_change_at = read_moment(row.next_change_at)
        found[row.unit_id] = row
    return found


def _stale(row: UnitFigures | None, now: datetime) -> bool:
    """A row to compute again before it is read: missing (a unit older than the table), changed
    by the clock since (`next_change_at` passed) or lacking an answer."""
    return row is None or row.next_change_at <= now or getattr(row, "answer", None) is None


def _fresh_rows(
    found: dict[int, UnitFigures], unit_ids: list[int], language: str, now: datetime
) -> dict[int, UnitFigures]:
    """`found`, with the stale rows (`_stale`) computed and stored now."""
    stale = [pk for pk in unit_ids if _stale(found.get(pk), now)]
    if stale:
        unit_figures_refresh(stale, now=now)
        found.update(_stored_rows(stale, language))
    return found


def _answer(row: UnitFigures, rank: tuple[int, int] | None) -> dict[str, Any]:
    answer = row.answer
    if answer.get("publicity") is not None:
        answer["publicity"] = _ranked(answer["publicity"], rank)
    return answer


def _ranked(publicity: dict[str, Any], rank: tuple[int, int] | None) -> dict[str, Any]:
    """The stored publicity section with its rank as read (`_stored_rank`)."""
    rank_now, ranked = rank or (None, None)
    return {**publicity, "rank": rank_now, "ranked_units": ranked}


# The publicity section of an answer written out: the one object under the top-level key
# "publicity" (no other object of the answer has that key, and a string cannot hold an
# unescaped quote), which holds no object of its own, so it ends at the first brace closed.
_WRITTEN_PUBLICITY = re.compile(r'"publicity":\s*(\{[^{}]*\})')


def _written_answer(row: UnitFigures, rank: tuple[int, int] | None) -> JSONText:
    """`_answer` of an answer written out (`_stored_row(..., written=True)`): the text as
    stored, its publicity section written again with the rank."""
    text = row.answer
    found = _WRITTEN_PUBLICITY.search(text)
    if found is None:  # null: a unit that takes no part
        return text
    publicity = json.dumps(_ranked(json.loads(found.group(1)), rank), ensure_ascii=False)
    return JSONText(f"{text[: found.start(1)]}{publicity}{text[found.end(1) :]}")


def status_answers(unit_ids: list[int], now: datetime | None = None) -> list[dict[str, Any]]:
    """The status API's answers of the units, in the order given and the active language: the
    answers stored with their figures (dashboard.services), with the publicity rank read over
    the peers' stored scores. Two queries for any number of units while their rows are fresh."""
    now = now or timezone.now()
    language = get_language() or settings.LANGUAGE_CODE
    rows = _fresh_rows(_stored_rows(unit_ids, language), unit_ids, language, now)
    return [_answer(rows[pk], _stored_rank(rows[pk])) for pk in unit_ids]


STATUS_CHANGED_AT = "status_changed_at"


def with_status_changed_at(units: QuerySet[CreationUnit]) -> QuerySet[CreationUnit]:
    """The units with `status_changed_at`, the last moment their status answer changed: the
    later of the moment the unit changed (CreationUnit.changed_at) and the moment the ranking of
    its rank group moved (RankGroupChange), which moves its publicity rank without a write to
    it. The status API's ETags and `updated_since` read it. (A unit whose figures were never
    stored has never been answered: its first answer stores them, with its rank group.)"""
    ranking_moved = RankGroupChange.objects.filter(
        rank_group=OuterRef("figures__rank_group")
    ).values("changed_at")[:1]
    moment = Greatest("changed_at", Coalesce(Subquery(ranking_moved), "changed_at"))
    return units.annotate(**{STATUS_CHANGED_AT: moment})


def status_changed_moments(
    unit_ids: list[int], now: datetime | None = None
) -> list[tuple[int, datetime]]:
    """(unit, `status_changed_at`) of the units, in the order given: one query while their rows
    are fresh. Stale rows are computed first, as their answers will be: computing a row can move
    its rank group, and so the moment, and an ETag must be of the answer it is sent with."""
    now = now or timezone.now()

    def read() -> list[tuple[int, datetime, Any]]:
        return list(
            with_status_changed_at(CreationUnit.objects.filter(pk__in=unit_ids))
            .order_by()
            .values_list("pk", STATUS_CHANGED_AT, "figures__next_change_at")
        )

    rows = read()
    stale = [pk for pk, _moment, next_change in rows if next_change is None or next_change <= now]
    if stale:
        unit_figures_refresh(stale, now=now)
        rows = read()
    found = {pk: moment for pk, moment, _next_change in rows}
    return [(pk, found[pk]) for pk in unit_ids if pk in found]


def unit_status_answer(
    user: Any, unit_id: int, now: datetime | None = None
) -> tuple[datetime, JSONText] | None:
    """The unit's last moment of change (with_status_changed_at) and status answer, written out
    as stored (JSONText: the API sends it as it is), when the user may see it
    (CreationUnit.objects.visible_to); None when they may not. One query while its row is
    fresh: the stored row, its rank and, read over the user's units, its moment."""
    now = now or timezone.now()
    language = get_language() or settings.LANGUAGE_CODE
    statement = _one_visible_unit_statement(user, language)
    found = _stored_row(unit_id, statement, written=True)
    row = found.get(unit_id)
    if row is not None:
        visible = row.visible_changed_at is not None
    else:  # a unit older than the table: is it the user's to see?
        visible = CreationUnit.objects.visible_to(user).filter(pk=unit_id).exists()
    if not visible:
        return None
    if _stale(row, now):
        # Read again after storing it: computing the row can move its rank group, and so the
        # moment its answer changed.
        unit_figures_refresh([unit_id], now=now)
        row = _stored_row(unit_id, statement, written=True)[unit_id]
    return read_moment(row.visible_changed_at), _written_answer(row, _stored_rank(row))


# The statements of `unit_status_answer`, one per language and scope (the units a user sees are
# a function of their scope alone), compiled once: building and compiling them cost more than
# running them. Kept for as many scopes as are likely in use at once.
_visible_statements = CompiledStatements(kept=512)


def _one_visible_unit_statement(user: Any, language: str) -> tuple[str, tuple[Any, ...]]:
    def compile_statement() -> tuple[str, tuple[Any, ...]]:
        seen = with_status_changed_at(
            CreationUnit.objects.visible_to(user).filter(pk=OuterRef("unit_id"))
        ).order_by()
        query = _stored_rows_query([_ONE_UNIT], language, written=True).annotate(
            visible_changed_at=Subquery(seen.values(STATUS_CHANGED_AT)[:1])
        )
        return query.query.sql_with_params()

    return _visible_statements.get((language, scope_text(user)), compile_statement)


# Rows a dashboard refreshes itself when the clock has changed them; when the day turns every row
# is due, and the periodic task (dashboard.tasks) refreshes them within minutes instead.
DUE_REFRESHED_ON_READ = 200


def stored_figures_ensure(units: QuerySet[CreationUnit], now: datetime) -> int:
    """Before a dashboard aggregates the stored figures of many units: compute and store the
    missing rows (a unit older than the table), and the rows the clock has changed since when
    they are few. One query when every row is in place. Returns the rows stored."""
    stale = list(
        units.filter(Q(figures__isnull=True) | Q(figures__next_change_at__lte=now))
        .order_by()
        .values_list("pk", "figures__unit_id")
    )
    missing = [pk for pk, stored in stale if stored is None]
    due = [pk for pk, stored in stale if stored is not None]
    ids = missing + (due if len(due) <= DUE_REFRESHED_ON_READ else [])
    return len(unit_figures_refresh(ids, now=now)) if ids else 0


def units_with_vacant_liaison(*, user: Any) -> QuerySet[UnitFigures]:
    """C5: the stored figures of the user's own units whose liaison post is vacant, the longest
    vacancy first (the stored `liaison_vacant_since`, creation.selectors.liaison_vacancies')."""
    scope = user_scope(user)
    own = CreationUnit.objects.visible_to(user).filter(pk__in=scope.staff_unit_ids)
    return (
        UnitFigures.objects.filter(unit__in=own, liaison_vacant_since__isnull=False)
        .select_related("unit")
        .order_by("liaison_vacant_since", "unit_id")
    )


def unit_figures_read(
    unit_ids: Collection[int], fields: Sequence[str], now: datetime | None = None
) -> dict[int, Any]:
    """The stored figures of the units with `fields` (as attributes, like a row's), for the
    pages of the apps below this one (registered with creation.figures by DashboardConfig
    .ready). The rows that are missing are computed and stored first; so are those the clock has
    changed since, when they are at most DUE_REFRESHED_ON_READ (a unit's own page always reads
    its row fresh; when the day turns and every row is due, a list of thousands reads them as
    stored until the periodic task has refreshed them, within minutes). One query while the
    rows are fresh; read as tuples, as a list of thousands would spend more time building model
    instances than the database spends finding them."""
    now = now or timezone.now()
    ids = list(unit_ids)
    rows: dict[int, Any] = {
        row.unit_id: row
        for row in UnitFigures.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "next_change_at", *fields, named=True
        )
    }
    missing = [pk for pk in ids if pk not in rows]
    due = [pk for pk, row in rows.items() if row.next_change_at <= now]
    stale = missing + (due if len(due) <= DUE_REFRESHED_ON_READ else [])
    for row in unit_figures_refresh(stale, now=now) if stale else []:
        rows[row.unit_id] = row
    return rows


# The lists of gauges, worst first (R6.6).
_GAUGE_ORDER = Case(
    When(figures__veto_status=GaugeStatus.FAILED, then=0),
    When(figures__veto_status=GaugeStatus.AT_RISK, then=1),
    default=2,
)


def stored_veto_statuses(
    units: QuerySet[CreationUnit], status: str, worst_first: bool
) -> tuple[QuerySet, dict[str, int]]:
    """creation.figures.stored_veto_statuses: the rows stored first where missing or changed by
    the clock (stored_figures_ensure), then ordered, filtered and counted by the database."""
    stored_figures_ensure(units, timezone.now())
    counts: dict[str, int] = dict.fromkeys(GaugeStatus, 0)
    for value, number in (
        UnitFigures.objects.filter(unit__in=units.order_by().values("pk"))
        .order_by()
        .values("veto_status")
        .annotate(number=Count("pk"))
        .values_list("veto_status", "number")
    ):
        counts[GaugeStatus(value)] += number
    rows = units.annotate(gauge=F("figures__veto_status"))
    if status == "attention":
        rows = rows.exclude(gauge=GaugeStatus.OK)
    elif status in {gauge.value for gauge in GaugeStatus}:
        rows = rows.filter(gauge=status)
    elif status:  # no unit has a status of another name (nor is it sent to the database)
        rows = rows.none()
    order = [_GAUGE_ORDER] if worst_first else []
    return rows.order_by(*order, "name", "pk").values_list("pk", "gauge"), counts
