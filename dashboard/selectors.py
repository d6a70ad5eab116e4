"""Reads of the office and provincial dashboards, each starting from `visible_to(user)`.

A dashboard is a list of panels (PANELS). A panel is a named building block: a selector that
takes the dashboard's query (the filtered units, their page, the months shown, `now`) and returns
the figures of one section of the page, with the template that shows them. Every panel runs a
fixed number of set-based queries, whatever the number of units. To add a figure (publicity
ranking, units at risk of veto, inspection coverage…), write one `build` function and its
template and append a `Panel` to OFFICE_PANELS / PROVINCE_PANELS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import TruncMonth, TruncQuarter
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from creation.models import Batch, CreationUnit
from creation.scope import user_scope
from creation.selectors import unit_counts, units_per_province
from dashboard.models import UnitFigures
from dashboard.rules import CellCounts, add_months, cell_light, rate
from dashboard.services import unit_figures_refresh
from funds.selectors import province_execution, unit_execution, with_rates
from inspections.models import InspectionSettings, Rectification
from inspections.rules import Coverage, inspection_coverage
from portal.cache import cached
from reporting.models import Obligation, late_q, on_time_q, submitted_q
from reporting.rules import SHANGHAI, Light
from reporting.selectors import obligation_figures
from reporting.views import LIGHT_LABELS, WARN_DAYS
from scoring.models import ScoringSettings
from scoring.rules import GAUGE_STATUS_LABELS, GaugeStatus, HalfYear
from scoring.selectors import publicity_ranking

OFFICE = "office"
PROVINCE = "province"
UNITS_PER_PAGE = 50
MONTHS_SHOWN = 12


def dashboard_units(*, user: Any, area: str) -> QuerySet[CreationUnit]:
    """The units a dashboard covers: those of the programmes the user runs for the office, or
    those of the provinces the user reviews (every unit for a superuser); always within
    `visible_to(user)`."""
    units = CreationUnit.objects.visible_to(user).with_related()
    scope = user_scope(user)
    if scope.everything:
        return units
    if area == OFFICE:
        return units.filter(batch__programme__in=scope.office_programme_ids)
    return units.filter(
        Q(region__province__in=scope.province_ids) | Q(region__in=scope.province_ids)
    )


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
        """The unit list with the dashboard's filters, and more."""
        query = QueryDict(self.filter_query, mutable=True)
        for name, value in filters.items():
            query[name] = value
        encoded = query.urlencode()
        return reverse("creation:unit-list") + (f"?{encoded}" if encoded else "")


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any
    template: str
    build: Callable[[DashboardQuery], Any]
    chart: bool = False  # the page loads ECharts only when a panel draws a chart


# --- Reporting: counts, heat map and on-time trend (R5.2, R3.3, R4.2) -----------------------------


def _obligations(query: DashboardQuery) -> QuerySet[Obligation]:
    return Obligation.objects.filter(unit__in=query.units.order_by().values("pk"))


def overview_panel(query: DashboardQuery) -> dict[str, Any]:
    """Units by kind and status, and the reporting figures so far: two aggregate queries."""
    counts = unit_counts(query.units)
    figures = obligation_figures(_obligations(query), now=query.now)
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


def provinces_panel(query: DashboardQuery) -> list[dict[str, Any]]:
    """Zones and projects per province, each count linking to the unit list: one query."""
    rows = units_per_province(query.units)
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


def heatmap_cells(
    unit_ids: list[int], *, start: datetime, end: datetime, now: datetime
) -> dict[tuple[int, date], CellCounts]:
    """The obligations of the units due in [start, end), counted per unit and month (Beijing
    time) by traffic light, in one grouped query. Submitted, on time and late are those of every
    other figure (C1: reporting.models.on_time_q, late_q, submitted_q): on time green, late
    amber; not submitted — never sent, or returned or withdrawn and not sent again — overdue
    red, due within WARN_DAYS yellow, later grey (the lights of reporting.rules.traffic_light)."""
    waiting = ~submitted_q()
    soon = now + timedelta(days=WARN_DAYS)
    rows = (
        Obligation.objects.filter(unit_id__in=unit_ids, due_at__gte=start, due_at__lt=end)
        .order_by()
        .values("unit_id", month=TruncMonth("due_at", tzinfo=SHANGHAI))
        .annotate(
            green=Count("pk", filter=on_time_q()),
            amber=Count("pk", filter=late_q()),
            red=Count("pk", filter=waiting & Q(due_at__lt=now)),
            yellow=Count("pk", filter=waiting & Q(due_at__gte=now, due_at__lte=soon)),
            grey=Count("pk", filter=waiting & Q(due_at__gt=soon)),
        )
    )
    cells: dict[tuple[int, date], CellCounts] = {}
    for row in rows:
        month = _as_month(row["month"])
        cells[(row["unit_id"], month)] = CellCounts(
            green=row["green"],
            amber=row["amber"],
            yellow=row["yellow"],
            red=row["red"],
            grey=row["grey"],
        )
    return cells


def _as_month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value, SHANGHAI) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


@dataclass(frozen=True)
class HeatCell:
    month: date
    light: Light | None
    counts: CellCounts
    url: str

    @property
    def label(self) -> str:
        return str(LIGHT_LABELS[self.light]) if self.light else ""


@dataclass(frozen=True)
class HeatRow:
    unit: CreationUnit
    cells: list[HeatCell]


def heat_rows(units: list[CreationUnit], *, months: list[date], now: datetime) -> list[HeatRow]:
    """The heat-map rows of the units: one grouped query for all their cells."""
    start = datetime.combine(months[0], time.min, tzinfo=SHANGHAI)
    end = datetime.combine(add_months(months[-1], 1), time.min, tzinfo=SHANGHAI)
    cells = heatmap_cells([unit.pk for unit in units], start=start, end=end, now=now)
    rows = []
    for unit in units:
        calendar = reverse("reporting:unit-calendar", kwargs={"pk": unit.pk})
        row_cells = []
        for month in months:
            counts = cells.get((unit.pk, month), CellCounts())
            row_cells.append(
                HeatCell(
                    month, cell_light(counts), counts, f"{calendar}?view=month&month={month:%Y-%m}"
                )
            )
        rows.append(HeatRow(unit, row_cells))
    return rows


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
    """Units of the page × months: one grouped query for all cells."""
    return {
        "months": query.months,
        "rows": heat_rows(query.page_units, months=query.months, now=query.now),
        "legend": [(light.value, LIGHT_LABELS[light]) for light in Light],
    }


def on_time_trend(
    obligations: QuerySet[Obligation],
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    granularity: str = "month",
) -> list[dict[str, Any]]:
    """Per month (or quarter) of the due date: reports due by now, on time, late and missing
    (C1, reporting.models.on_time_q), and the on-time rate, in one grouped query. Periods with nothing due yet are left
    out, since they have no rate."""
    trunc = TruncQuarter if granularity == "quarter" else TruncMonth
    rows = (
        obligations.filter(due_at__gte=start, due_at__lt=min(end, now))
        .order_by()
        .values(period=trunc("due_at", tzinfo=SHANGHAI))
        .annotate(
            expected=Count("pk"),
            on_time=Count("pk", filter=on_time_q()),
            late=Count("pk", filter=late_q()),
            missing=Count("pk", filter=~submitted_q()),
        )
        .order_by("period")
    )
    result = []
    for row in rows:
        first = _as_month(row["period"])
        label = (
            f"{first.year}Q{(first.month - 1) // 3 + 1}"
            if granularity == "quarter"
            else f"{first:%Y-%m}"
        )
        result.append(
            {**row, "period": first, "label": label, "rate": rate(row["on_time"], row["expected"])}
        )
    return result


def trend_panel(query: DashboardQuery) -> dict[str, Any]:
    rows = on_time_trend(
        _obligations(query),
        start=query.start,
        end=query.end,
        now=query.now,
        granularity=query.granularity,
    )
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


def fund_units_panel(query: DashboardQuery) -> list[Any]:
    """Execution of the filed plans of the units of the page: one query."""
    ids = [unit.pk for unit in query.page_units]
    rows = with_rates(unit_execution(query.units.filter(pk__in=ids)))
    for row in rows:
        row.funds_url = reverse("funds:unit-funds", kwargs={"pk": row.pk})
    # In the heat map's order, so that both tables read alike.
    position = {pk: index for index, pk in enumerate(ids)}
    return sorted(rows, key=lambda row: position[row.pk])


def fund_provinces_panel(query: DashboardQuery) -> dict[str, Any]:
    """Execution per province over all the filtered units: one query."""
    rows = province_execution(query.units)
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


def publicity_panel(query: DashboardQuery) -> dict[str, Any]:
    """R6.3: the live publicity scores of the filtered zones in the current half year, best
    first. Their ranks are those of the period's ranking (C4: scoring.selectors.publicity_ranking,
    among all the zones of each batch, withdrawn ones left out), whatever the filter. One query
    for the filtered zones, one settings query, three queries per programme and one for the
    batches shown, however many units."""
    today = timezone.localdate(query.now, SHANGHAI)
    half = HalfYear.containing(today)
    zones = query.units.filter(kind=CreationUnit.Kind.ZONE).exclude(
        status=CreationUnit.Status.WITHDRAWN
    )
    rows = list(zones.order_by().values_list("pk", "batch_id", "batch__programme_id"))
    shown = {pk for pk, _batch, _programme in rows}
    batches_of: dict[int, set[int]] = {}
    for _pk, batch_id, programme_id in rows:
        batches_of.setdefault(programme_id, set()).add(batch_id)
    settings = ScoringSettings.for_programmes(batches_of)
    scores = []
    for programme_id, batch_ids in sorted(batches_of.items()):
        scores += [
            score
            for score in publicity_ranking(
                programme_id=programme_id,
                kind=CreationUnit.Kind.ZONE,
                batch_ids=sorted(batch_ids),
                start=half.start,
                end=half.end,
                now=query.now,
                settings=settings[programme_id],
            )
            if score.unit_id in shown
        ]
    scores.sort(key=lambda score: (-score.total, -score.bonus, score.name))
    top = scores[:TOP_RANKED]
    # A rank is within the unit's batch: each row names its batch, so ranks of different
    # batches are not read as one ranking.
    batch_of = {pk: batch_id for pk, batch_id, _programme in rows}
    batches = Batch.objects.select_related("programme").in_bulk(
        {batch_of[score.unit_id] for score in top}
    )
    return {
        "period": str(half),
        "top": [
            {
                "score": score,
                "batch": batches[batch_of[score.unit_id]],
                "url": reverse("scoring:unit-publicity", kwargs={"pk": score.unit_id}),
            }
            for score in top
        ],
        "scored": len(scores),
        "full_base": sum(1 for score in scores if score.base),
        "with_bonus": sum(1 for score in scores if score.bonus),
        "periods_url": reverse("scoring:period-list"),
    }


def veto_panel(query: DashboardQuery) -> dict[str, Any]:
    """R6.6: how many of the filtered units are ok, at risk or failing a basic requirement, and
    the worst of them with what trips them, from the units' stored gauges (UnitFigures
    .veto_status, .veto_items): three queries whatever the number of units."""
    units = query.units.exclude(status=CreationUnit.Status.WITHDRAWN).order_by()
    stored_figures_ensure(units, query.now)
    figures = UnitFigures.objects.filter(unit__in=units.values("pk"))
    counts = {status.value: 0 for status in GaugeStatus}
    for status, count in figures.order_by().values_list("veto_status").annotate(n=Count("pk")):
        counts[status] += count
    order = {GaugeStatus.FAILED.value: 0, GaugeStatus.AT_RISK.value: 1}
    # Sorted here, as the gauge pages sort names, not by the database's collation.
    worst_ids = [
        unit_id
        for unit_id, _status, _name in sorted(
            figures.exclude(veto_status=GaugeStatus.OK).values_list(
                "unit_id", "veto_status", "unit__name"
            ),
            key=lambda row: (order[row[1]], row[2]),
        )[:WORST_GAUGES]
    ]
    # The units apart from their figures: the panel is cached (portal.cache), and a unit loaded
    # with its row would carry every language's gauge items into it.
    units_of = {unit.pk: unit for unit in query.units.filter(pk__in=worst_ids)}
    worst = sorted(
        UnitFigures.objects.filter(unit_id__in=worst_ids).only("veto_status", "veto_items"),
        key=lambda row: worst_ids.index(row.unit_id),
    )
    list_url = reverse("acceptance:gauge-list")
    return {
        "counts": counts,
        "rows": [
            {
                "unit": units_of[row.unit_id],
                "status": row.veto_status,
                "label": GAUGE_STATUS_LABELS[row.veto_status],
                # What is wrong, in the gauge's own words ("No fund-use plan has been filed;
                # it was due by …"), not the requirement's title, which reads as if it were met.
                "items": [
                    line["message"] for line in _veto_items(row) if line["status"] != GaugeStatus.OK
                ],
                "url": reverse("acceptance:unit-gauge", kwargs={"pk": row.unit_id}),
            }
            for row in worst
        ],
        "urls": {
            status: f"{list_url}?gauge_status={status}"
            for status in ("failed", "at_risk", "attention")
        },
    }


def supervision_panel(query: DashboardQuery) -> dict[str, Any]:
    """R4.1: inspection coverage of the current year (units with none planned, with more than
    the programme allows) and the rectification items not yet verified. Two grouped queries."""
    today = timezone.localdate(query.now, SHANGHAI)
    creating = query.units.filter(status=CreationUnit.Status.CREATING)
    planned = (
        creating.order_by()
        .annotate(
            planned=Count("inspections", filter=Q(inspections__planned_start__year=today.year))
        )
        .values_list(
            "planned",
            "batch__programme__inspection_settings__min_per_year",
            "batch__programme__inspection_settings__max_per_year",
        )
    )
    defaults = InspectionSettings()
    coverage = {Coverage.NONE: 0, Coverage.OK: 0, Coverage.TOO_MANY: 0}
    for count, minimum, maximum in planned:
        found = inspection_coverage(
            count=count,
            minimum=defaults.min_per_year if minimum is None else minimum,
            maximum=defaults.max_per_year if maximum is None else maximum,
        )
        coverage[found] = coverage.get(found, 0) + 1
    open_items = Rectification.objects.filter(
        finding__inspection__unit__in=query.units.order_by().values("pk")
    ).exclude(status=Rectification.Status.VERIFIED)
    figures = open_items.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        submitted=Count("pk", filter=Q(status=Rectification.Status.SUBMITTED)),
    )
    plan_url = reverse("inspections:plan")
    return {
        "year": today.year,
        "none": coverage.get(Coverage.NONE, 0),
        "too_many": coverage.get(Coverage.TOO_MANY, 0),
        "covered": coverage.get(Coverage.OK, 0),
        "rectifications": figures,
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
    """Each panel of the query's dashboard with its figures. The figures are derived ones
    (portal.cache): computed once per user, filters, page, day and language, and dropped by any
    write to the records they count."""
    keys = OFFICE_PANELS if query.area == OFFICE else PROVINCE_PANELS
    cache_key = "|".join(
        str(part)
        for part in (
            query.user.pk,
            query.area,
            query.filter_query,
            query.page.number,
            query.months[0],
            query.months[-1],
            query.granularity,
            get_language(),
            timezone.localdate(query.now, SHANGHAI),
        )
    )
    figures = cached("dashboard", cache_key, lambda: [PANELS[key].build(query) for key in keys])
    return [(PANELS[key], figure) for key, figure in zip(keys, figures, strict=True)]


# --- The status of units, read from their stored figures (dashboard.models.UnitFigures) -------


def _stored_ranks(rows: list[UnitFigures]) -> dict[int, tuple[int, int]]:
    """R6.3: (rank, units ranked) of each row's stored live score among its peers' (C4: the
    stored `rank_group`), competition style: one more than the peers whose stored `rank_text`
    is greater (scoring.rules.rank_text), so equal units share a rank. One indexed query."""
    ranked = [row for row in rows if row.rank_group]
    if not ranked:
        return {}
    if len(ranked) == 1:
        (row,) = ranked
        counts = UnitFigures.objects.filter(rank_group=row.rank_group).aggregate(
            # the rank index holds the group, never empty here: the count reads the index only
            above=Count("rank_group", filter=Q(rank_text__gt=row.rank_text)),
            ranked=Count("rank_group"),
        )
        return {row.unit_id: (counts["above"] + 1, counts["ranked"])}
    keys: dict[str, dict[str, int]] = {}
    for group, text, count in (
        UnitFigures.objects.filter(rank_group__in={row.rank_group for row in ranked})
        .order_by()
        .values("rank_group", "rank_text")
        .annotate(count=Count("*"))
        .values_list("rank_group", "rank_text", "count")
    ):
        keys.setdefault(group, {})[text] = count
    ranks = {}
    for row in ranked:
        peers = keys[row.rank_group]
        above = sum(count for text, count in peers.items() if text > row.rank_text)
        ranks[row.unit_id] = (above + 1, sum(peers.values()))
    return ranks


def _stored_rows(unit_ids: list[int], language: str) -> dict[int, UnitFigures]:
    """The stored rows of the units, with the answer in `language` only (as `answer`)."""
    return {
        row.unit_id: row
        for row in UnitFigures.objects.filter(unit_id__in=unit_ids)
        .annotate(answer=KeyTransform(language, "answers"))
        .only("unit_id", "rank_group", "rank_text", "next_change_at")
    }


def _fresh_rows(
    found: dict[int, UnitFigures], unit_ids: list[int], language: str, now: datetime
) -> dict[int, UnitFigures]:
    """`found`, with the rows that are missing (a unit older than the table), that the clock
    has changed since (`next_change_at` passed) or that lack an answer computed and stored now."""
    stale = [
        pk
        for pk in unit_ids
        if pk not in found
        or found[pk].next_change_at <= now
        or getattr(found[pk], "answer", None) is None
    ]
    for row in unit_figures_refresh(stale, now=now) if stale else []:
        row.answer = row.answers[language]
        found[row.unit_id] = row
    return found


def _answer(row: UnitFigures, rank: tuple[int, int] | None) -> dict[str, Any]:
    answer = row.answer
    if answer.get("publicity") is not None:
        rank_now, ranked = rank or (None, None)
        answer["publicity"] = {**answer["publicity"], "rank": rank_now, "ranked_units": ranked}
    return answer


def status_answers(unit_ids: list[int], now: datetime | None = None) -> list[dict[str, Any]]:
    """The status API's answers of the units, in the order given and the active language: the
    answers stored with their figures (dashboard.services), with the publicity rank read over
    the peers' stored scores. Two queries for any number of units while their rows are fresh."""
    now = now or timezone.now()
    language = get_language() or settings.LANGUAGE_CODE
    rows = _fresh_rows(_stored_rows(unit_ids, language), unit_ids, language, now)
    ranks = _stored_ranks([rows[pk] for pk in unit_ids])
    return [_answer(rows[pk], ranks.get(pk)) for pk in unit_ids]


# The status API's read of one unit, the most frequent read of the portal: a fixed statement,
# so no query is built per request. The rank is as `_stored_ranks` reads it: one more than the
# peers of the rank group whose rank text is greater (both counts read the rank index only).
UNIT_ANSWER_SQL = """
SELECT f.answers, f.rank_group, f.next_change_at,
    (SELECT COUNT(*) FROM dashboard_unitfigures AS peer
        WHERE peer.rank_group = f.rank_group AND peer.rank_text > f.rank_text),
    (SELECT COUNT(*) FROM dashboard_unitfigures AS peer WHERE peer.rank_group = f.rank_group)
FROM dashboard_unitfigures AS f
WHERE f.unit_id = %s
"""


def _stored_answer(unit_id: int, language: str, now: datetime) -> dict[str, Any] | None:
    """The unit's stored answer in `language` with its rank, or None when its row is missing,
    due (the clock has changed it) or has no answer in that language."""
    with connection.cursor() as cursor:
        cursor.execute(UNIT_ANSWER_SQL, [unit_id])
        found = cursor.fetchone()
    if found is None:
        return None
    answers, rank_group, next_change_at, above, ranked = found
    field = UnitFigures._meta.get_field("next_change_at")
    for converter in connection.ops.get_db_converters(Col("f", field)):
        next_change_at = converter(next_change_at, field, connection)
    answers = json.loads(answers) if isinstance(answers, str) else answers
    if next_change_at <= now or language not in answers:
        return None
    row = UnitFigures(unit_id=unit_id)
    row.answer = answers[language]
    return _answer(row, (above + 1, ranked) if rank_group else None)


def unit_status_answer(
    units: QuerySet[CreationUnit], unit_id: int, now: datetime | None = None
) -> tuple[datetime, dict[str, Any]] | None:
    """The unit's moment of last change (creation.models.CreationUnit.changed_at) and status
    answer, when it is among `units` (the caller's scope); None when it is not. Two queries
    while its row is fresh."""
    now = now or timezone.now()
    language = get_language() or settings.LANGUAGE_CODE
    visible = list(units.filter(pk=unit_id).order_by().values_list("changed_at", flat=True))
    if not visible:
        return None
    answer = _stored_answer(unit_id, language, now)
    if answer is None:
        row = _fresh_rows({}, [unit_id], language, now)[unit_id]
        answer = _answer(row, _stored_ranks([row]).get(unit_id))
    return visible[0], answer


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


def _veto_items(row: UnitFigures) -> list[dict[str, Any]]:
    items = row.veto_items
    return items.get(get_language() or "", items.get(settings.LANGUAGE_CODE, []))


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
