"""The status of creation units: one cheap read of where each unit stands.

The payload of a unit is its identity plus named sections. Each section is a loader: it takes
the units (already scoped through `visible_to(user)`) and `now`, and returns the part of every
unit given (a list section: `[]` when empty; a missing unit reads as null), keyed by unit id,
with a fixed number of set-based queries however many units there are. The status of one unit
and of a page of fifty cost the same queries. To add a section (publicity score, veto gauge,
open rectifications…), write one loader here, its serializer in dashboard/api/serializers.py
and one line in `STATUS_SECTIONS` there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from creation.models import CreationUnit, Liaison
from creation.selectors import active_liaisons, liaison_vacancies
from dashboard.rules import CurrentPeriod, current_period
from funds.rules import execution_rate
from funds.selectors import unit_execution
from inspections.models import Rectification
from inspections.rules import Coverage, inspection_coverage
from inspections.selectors import planned_inspections
from reporting.models import Obligation, submitted_q
from reporting.rules import SHANGHAI
from reporting.selectors import figures_by
from scoring.models import ScoringSettings
from scoring.rules import rank_text, unit_windows, window_on
from scoring.selectors import scores_by_window, veto_gauge_rows_by_language

NEXT_DUE_COUNT = 3

Loader = Callable[[list[CreationUnit], datetime], dict[int, Any]]


def current_period_section(units: list[CreationUnit], now: datetime) -> dict[int, CurrentPeriod]:
    """R6.3, R6.4: the half year of a zone, the creation cycle of a project. No query."""
    today = timezone.localdate(now, SHANGHAI)
    return {
        unit.pk: current_period(kind=unit.kind, start_date=unit.cycle_start, today=today)
        for unit in units
    }


@dataclass(frozen=True)
class ReportingStatus:
    next_due: list[Obligation]
    overdue_count: int
    due_so_far: int
    on_time: int
    late: int
    on_time_rate: float | None


def reporting_section(units: list[CreationUnit], now: datetime) -> dict[int, ReportingStatus]:
    """R5.2, R3.3, R4.2: the next reports due (not yet submitted), how many are overdue, and the
    on-time rate (on time / due so far, C1: reporting.models.on_time_q). Two queries: one
    grouped count, one ranked list of the next obligations."""
    ids = [unit.pk for unit in units]
    figures = {
        row["key"]: row
        for row in figures_by(Obligation.objects.filter(unit_id__in=ids), group="unit", now=now)
    }
    upcoming = (
        Obligation.objects.filter(unit_id__in=ids, due_at__gte=now)
        .exclude(submitted_q())  # C1: one returned and not sent again is still to submit
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("unit_id")], order_by=[F("due_at").asc(), F("type")]
            )
        )
        .filter(rank__lte=NEXT_DUE_COUNT)
        .order_by("unit_id", "due_at", "type")
    )
    next_due: dict[int, list[Obligation]] = defaultdict(list)
    for obligation in upcoming:
        next_due[obligation.unit_id].append(obligation)
    result = {}
    for unit_id in ids:
        row = figures.get(unit_id, {})
        result[unit_id] = ReportingStatus(
            next_due=next_due.get(unit_id, []),
            overdue_count=row.get("missing", 0),
            due_so_far=row.get("expected", 0),
            on_time=row.get("on_time", 0),
            late=row.get("late", 0),
            on_time_rate=row.get("on_time_rate"),
        )
    return result


@dataclass(frozen=True)
class FundStatus:
    filed_plans: int
    budget: Decimal
    spent: Decimal
    central_budget: Decimal
    central_spent: Decimal
    execution_rate: Decimal | None


def funds_section(units: list[CreationUnit], now: datetime) -> dict[int, FundStatus]:
    """R3.2: budget and spending of the filed plans and the execution rate
    (funds.selectors.unit_execution). One query."""
    rows = unit_execution(CreationUnit.objects.filter(pk__in=[unit.pk for unit in units])).values(
        "pk", "filed_plans", "budget", "spent", "central_budget", "central_spent"
    )
    return {
        row["pk"]: FundStatus(
            filed_plans=row["filed_plans"],
            budget=row["budget"],
            spent=row["spent"],
            central_budget=row["central_budget"],
            central_spent=row["central_spent"],
            execution_rate=execution_rate(spent=row["spent"], budget=row["budget"]),
        )
        for row in rows
    }


def liaison_section(units: list[CreationUnit], now: datetime) -> dict[int, Liaison | None]:
    """R2.1: the current liaison of each unit (creation.selectors.active_liaisons)."""
    return active_liaisons([unit.pk for unit in units])


def liaison_vacancy_section(units: list[CreationUnit], now: datetime) -> dict[int, date | None]:
    """C5: the first day of each unit's current liaison vacancy, null while someone serves
    (creation.selectors.liaison_vacancies: one query for all the units)."""
    return liaison_vacancies(units=units, today=timezone.localdate(now, SHANGHAI))


def unit_statuses(
    units: list[CreationUnit], sections: dict[str, Loader], *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The status of each unit, in the order given: `id`, `unit`, then one key per section."""
    now = now or timezone.now()
    loaded = {name: load(units, now) for name, load in sections.items()}
    return [
        {
            "id": unit.pk,
            "unit": unit,
            **{name: parts.get(unit.pk) for name, parts in loaded.items()},
        }
        for unit in units
    ]


# --- Publicity (R6.1–R6.4), the veto gauge (R6.6) and rectifications (R4.1) ----------------------


@dataclass(frozen=True)
class PublicityStatus:
    period_start: date
    period_end: date
    base: int
    bonus: int
    total: int
    rank: int
    ranked_units: int


def _scoring_window(unit: CreationUnit, today: date) -> tuple[date, date]:
    """The scoring period the unit is in today (R6.3 half year, R6.4 cycle); after the cycle,
    its last period."""
    return window_on(kind=unit.kind, start_date=unit.cycle_start, today=today)


@dataclass(frozen=True)
class PublicityScore:
    period_start: date
    period_end: date
    base: int
    bonus: int
    total: int
    tier_counts: tuple[int, ...]
    # {first day: rank text} of each scoring period of the unit's cycle, the current one among
    # them: where it stands in each in the R6.3 order (scoring.rules.rank_text), for its peers
    # ranked in that period (PublicityStanding).
    standings: dict[date, str]

    @property
    def rank_text(self) -> str:
        """Where the score of the current period stands in the R6.3 order."""
        return self.standings[self.period_start]


def publicity_scores(units: list[CreationUnit], now: datetime) -> dict[int, PublicityScore]:
    """R6.1–R6.4: the live score of each unit's current scoring period, without its rank, and
    where it stands in every period of its cycle (scoring.selectors.scores_by_window, the owner
    of the score, for the units given only). A withdrawn unit takes no part (C4:
    scoring.selectors.publicity_peers). One settings query, then two queries per programme."""
    today = timezone.localdate(now, SHANGHAI)
    by_programme: dict[int, dict[tuple[date, date], list[CreationUnit]]] = defaultdict(
        lambda: defaultdict(list)
    )
    taking_part = [unit for unit in units if unit.status != CreationUnit.Status.WITHDRAWN]
    for unit in taking_part:
        for window in unit_windows(kind=unit.kind, start_date=unit.cycle_start):
            by_programme[unit.batch.programme_id][window].append(unit)
    settings = ScoringSettings.for_programmes(by_programme)
    scored: dict[int, dict[tuple[date, date], Any]] = defaultdict(dict)
    for programme_id, units_by_window in by_programme.items():
        found = scores_by_window(
            units_by_window=units_by_window, settings=settings[programme_id], now=now
        )
        for window, scores in found.items():
            for score in scores:
                scored[score.unit_id][window] = score
    result: dict[int, PublicityScore] = {}
    for unit in taking_part:
        windows = scored[unit.pk]
        start, end = _scoring_window(unit, today)
        score = windows[(start, end)]
        result[unit.pk] = PublicityScore(
            period_start=start,
            period_end=end,
            base=score.base,
            bonus=score.bonus,
            total=score.total,
            tier_counts=tuple(score.tier_counts),
            standings={window[0]: rank_text(found) for window, found in sorted(windows.items())},
        )
    return result


@dataclass(frozen=True)
class VetoStatus:
    status: str
    items: list[dict[str, Any]]


def veto_section_by_language(
    units: list[CreationUnit], now: datetime
) -> dict[str, dict[int, VetoStatus]]:
    """R6.6: the veto section of each unit in every language of the site (the gauge's messages
    are sentences), from facts read once (scoring.selectors.veto_gauge_rows_by_language)."""
    today = timezone.localdate(now, SHANGHAI)
    found = veto_gauge_rows_by_language(
        units, today=today, languages=[code for code, _name in settings.LANGUAGES]
    )
    return {
        code: {
            pk: VetoStatus(status=status.value, items=rows) for pk, (status, rows) in gauges.items()
        }
        for code, gauges in found.items()
    }


@dataclass(frozen=True)
class RectificationStatus:
    open: int
    overdue: int
    next_deadline: date | None
    submitted: int = 0  # for the office to check; stored, not in the status answer


def rectifications_section(
    units: list[CreationUnit], now: datetime
) -> dict[int, RectificationStatus]:
    """R4.1: the unit's rectification items not yet verified by the office, how many are past
    their deadline, the nearest deadline, and how many the unit has submitted for the office to
    check. One grouped query."""
    today = timezone.localdate(now, SHANGHAI)
    rows = (
        Rectification.objects.filter(finding__inspection__unit_id__in=[u.pk for u in units])
        .exclude(status=Rectification.Status.VERIFIED)
        .order_by()
        .values("finding__inspection__unit_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today)),
            next_deadline=Min("deadline"),
            submitted=Count("pk", filter=Q(status=Rectification.Status.SUBMITTED)),
        )
    )
    found = {
        row["finding__inspection__unit_id"]: RectificationStatus(
            row["open"], row["overdue"], row["next_deadline"], row["submitted"]
        )
        for row in rows
    }
    return {unit.pk: found.get(unit.pk, RectificationStatus(0, 0, None)) for unit in units}


@dataclass(frozen=True)
class InspectionPlan:
    planned: int
    coverage: Coverage


def inspection_plan_section(units: list[CreationUnit], now: datetime) -> dict[int, InspectionPlan]:
    """R4.1: the inspections planned to start in the current calendar year and how that stands
    against the programme's minimum and maximum (inspections.rules.inspection_coverage, as the
    plan's rows count: inspections.selectors.inspection_plan_rows). One grouped query."""
    year = timezone.localdate(now, SHANGHAI).year
    units_of = CreationUnit.objects.filter(pk__in=[unit.pk for unit in units]).order_by()
    rows = planned_inspections(units_of, year).values_list(
        "pk", "planned", "min_per_year", "max_per_year"
    )
    return {
        pk: InspectionPlan(
            planned, inspection_coverage(count=planned, minimum=minimum, maximum=maximum)
        )
        for pk, planned, minimum, maximum in rows
    }
