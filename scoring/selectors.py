"""Reads of scoring, each starting from `visible_to(user)` (or from units the caller has already
found through it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from creation.models import (
    CreationUnit,
    Department,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
)
from creation.rules import LeadershipFacts, LiaisonFact, MemberFact
from creation.scope import user_scope
from funds.models import Expenditure, FundPlanVersion
from funds.rules import PlanStatus
from reporting.models import Obligation
from scoring.models import (
    AcceptanceEvaluation,
    AcceptanceSettings,
    CreationStandard,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    VetoOverride,
)
from scoring.rules import (
    AcceptanceNumbers,
    GaugeLine,
    GaugeStatus,
    ObligationFact,
    OverrideFact,
    VetoFacts,
    VetoItem,
    gauge_lines,
    gauge_status,
    veto_items,
)

VETO_TYPES = ("fund_report", "self_inspection", "work_update", "in_depth_report")


def acceptance_numbers(*, programme_id: int) -> AcceptanceNumbers:
    row = AcceptanceSettings.objects.filter(programme_id=programme_id).first()
    return row.numbers() if row is not None else AcceptanceNumbers()


def _numbers_by_programme(programme_ids: Iterable[int]) -> dict[int, AcceptanceNumbers]:
    rows = AcceptanceSettings.objects.filter(programme_id__in=set(programme_ids))
    return defaultdict(AcceptanceNumbers, {row.programme_id: row.numbers() for row in rows})


# --- R6.6: the veto gauge -----------------------------------------------------------------------


def evidence_url(unit_id: int, item: VetoItem) -> str:
    """The page where the evidence of a veto item lives."""
    leadership = reverse("creation:unit-leadership", kwargs={"pk": unit_id})
    funds = reverse("funds:unit-funds", kwargs={"pk": unit_id})
    reports = reverse("reporting:unit-calendar", kwargs={"pk": unit_id})
    return {
        VetoItem.LEADERSHIP_GROUP: f"{leadership}#group",
        VetoItem.GROUP_OFFICE: f"{leadership}#office",
        VetoItem.LIAISON: f"{leadership}#liaison",
        VetoItem.FUND_PLAN_FILED: f"{funds}#plans",
        VetoItem.NO_SPENDING_OUTSIDE_PLAN: reverse("funds:spending", kwargs={"pk": unit_id}),
        VetoItem.FUND_REPORTS: reports,
        VetoItem.SELF_INSPECTIONS: reports,
        VetoItem.R5_2_SUBMISSIONS: reports,
    }[item]


@dataclass
class UnitGauge:
    """R6.6: the veto gauge of one unit: every basic requirement with its status, explanation
    and evidence page, the office's overrides in force, and the overall status."""

    unit: CreationUnit
    lines: list[GaugeLine]
    status: GaugeStatus

    @property
    def vetoed(self) -> bool:
        return self.status == GaugeStatus.FAILED

    @property
    def failed_items(self) -> tuple[str, ...]:
        return tuple(line.item.value for line in self.lines if line.status == GaugeStatus.FAILED)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": line.item.value,
                "rule": line.computed.rule,
                "label": line.computed.label,
                "status": line.status.value,
                "computed_status": line.computed.status.value,
                "message": str(line.computed.message),
                "evidence": line.computed.evidence,
                "evidence_url": evidence_url(self.unit.pk, line.item),
                "override": line.override,
            }
            for line in self.lines
        ]


def _veto_facts(units: list[CreationUnit], *, today: date) -> dict[int, VetoFacts]:
    """The plain facts of the veto gauge of many units: a fixed number of queries, whatever the
    number of units."""
    ids = [u.pk for u in units]
    with_group = set(LeadershipGroup.objects.filter(unit__in=ids).values_list("unit_id", flat=True))
    members: dict[int, list[MemberFact]] = defaultdict(list)
    for unit_id, name, role, leader_kind, department, duty in GroupMember.objects.filter(
        group__unit__in=ids
    ).values_list("group__unit_id", "name", "role", "leader_kind", "department__name", "duty"):
        members[unit_id].append(
            MemberFact(name, role, leader_kind, department, bool((duty or "").strip()))
        )
    departments = list(
        Department.objects.values_list("name", "required_for_zones", "required_for_projects")
    )
    offices = {
        row[0]: row
        for row in GroupOffice.objects.filter(unit__in=ids).values_list(
            "unit_id", "in_cultural_administration", "director_name"
        )
    }
    liaisons: dict[int, list[LiaisonFact]] = defaultdict(list)
    for unit_id, name, kind, started, ended in Liaison.objects.filter(unit__in=ids).values_list(
        "unit_id", "name", "position_kind", "started_on", "ended_on"
    ):
        liaisons[unit_id].append(LiaisonFact(name, kind, started, ended))
    # R3.2, as funds.selectors.fund_facts reads it for one unit.
    filed: dict[int, list[tuple[str, int, date]]] = defaultdict(list)
    for unit_id, title, number, closed_at in (
        FundPlanVersion.objects.filter(plan__unit__in=ids, status=PlanStatus.FILED)
        .order_by("closed_at")
        .values_list("plan__unit_id", "plan__title", "number", "closed_at")
    ):
        filed[unit_id].append((title, number, timezone.localdate(closed_at)))
    outside = dict(
        Expenditure.objects.filter(line__version__plan__unit__in=ids)
        .filter(~Q(line__version__status=PlanStatus.FILED) | Q(line__spent__gt=F("line__amount")))
        .order_by()
        .values_list("line__version__plan__unit")
        .annotate(n=Count("pk"))
        .values_list("line__version__plan__unit", "n")
    )
    # R3.3, R4.2, R5.2: obligations due so far or soon (the warning days are at most a year).
    horizon = timezone.make_aware(datetime.combine(today + timedelta(days=366), time.max))
    obligations: dict[int, list[ObligationFact]] = defaultdict(list)
    for unit_id, kind, label, due_at, first in Obligation.objects.filter(
        unit__in=ids, type__in=VETO_TYPES, due_at__lte=horizon
    ).values_list("unit_id", "type", "period_label", "due_at", "submission__first_submitted_at"):
        obligations[unit_id].append(
            ObligationFact(kind, label, timezone.localdate(due_at), first is not None)
        )
    facts = {}
    for unit in units:
        zone = unit.kind == CreationUnit.Kind.ZONE
        office = offices.get(unit.pk)
        leadership = LeadershipFacts(
            kind=unit.kind,
            start_date=unit.start_date,
            cycle_end=unit.batch.cycle_end,
            has_group=unit.pk in with_group,
            members=tuple(members[unit.pk]),
            required_departments=tuple(
                name
                for name, for_zones, for_projects in departments
                if (for_zones if zone else for_projects)
            ),
            has_office=office is not None,
            office_in_cultural_administration=bool(office and office[1]),
            office_has_director=bool(office and office[2].strip()),
            liaisons=tuple(liaisons[unit.pk]),
        )
        facts[unit.pk] = VetoFacts(
            leadership=leadership,
            filed_plans=tuple(filed[unit.pk]),
            spending_outside_plan=outside.get(unit.pk, 0),
            obligations=tuple(obligations[unit.pk]),
        )
    return facts


def _overrides_in_force(ids: list[int]) -> dict[int, dict[str, OverrideFact]]:
    """The latest override per unit and item (one query)."""
    found: dict[int, dict[str, OverrideFact]] = defaultdict(dict)
    rows = (
        VetoOverride.objects.filter(unit__in=ids)
        .order_by("decided_at", "pk")
        .values_list("unit_id", "item", "decision", "reason", "decided_by__username", "decided_at")
    )
    for unit_id, item, decision, reason, by, at in rows:
        found[unit_id][item] = OverrideFact(
            decision, reason, by, timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
        )
    return found


def veto_gauges(units: Iterable[CreationUnit], *, today: date | None = None) -> list[UnitGauge]:
    """R6.6: the gauges of many units (loaded with batch and programme), in a fixed number of
    queries."""
    units = list(units)
    today = today or timezone.localdate()
    facts = _veto_facts(units, today=today)
    overrides = _overrides_in_force([u.pk for u in units])
    numbers = _numbers_by_programme(u.batch.programme_id for u in units)
    gauges = []
    for unit in units:
        items = veto_items(facts[unit.pk], numbers=numbers[unit.batch.programme_id], today=today)
        lines = gauge_lines(items, overrides.get(unit.pk, {}))
        gauges.append(UnitGauge(unit, lines, gauge_status(lines)))
    return gauges


def veto_gauge(*, unit: CreationUnit, today: date | None = None) -> UnitGauge:
    return veto_gauges([unit], today=today)[0]


def office_units(*, user: Any) -> QuerySet[CreationUnit]:
    """The units an office reviewer acts for (every unit for a superuser)."""
    scope = user_scope(user)
    units = CreationUnit.objects.visible_to(user).with_related()
    if not scope.everything:
        units = units.filter(batch__programme__in=scope.office_programme_ids)
    return units


def gauge_list(
    *,
    units: QuerySet[CreationUnit],
    status: str = "",
    today: date | None = None,
) -> list[UnitGauge]:
    """The gauges of the units (already scoped and filtered), optionally only those at a status
    ("at_risk" or "failed"; "attention" = either), worst first."""
    gauges = veto_gauges(units.order_by("name", "pk"), today=today)
    if status == "attention":
        gauges = [g for g in gauges if g.status != GaugeStatus.OK]
    elif status:
        gauges = [g for g in gauges if g.status == status]
    order = {GaugeStatus.FAILED: 0, GaugeStatus.AT_RISK: 1, GaugeStatus.OK: 2}
    return sorted(gauges, key=lambda g: order[g.status])


def override_history(*, unit: CreationUnit) -> QuerySet[VetoOverride]:
    return VetoOverride.objects.filter(unit=unit).select_related("decided_by")


# --- §8: standards, reviews --------------------------------------------------------------------


def standard_list(*, user: Any) -> QuerySet[CreationStandard]:
    return (
        CreationStandard.objects.visible_to(user)
        .select_related("batch__programme")
        .annotate(indicator_count=Count("indicators"))
    )


def indicator_list(*, user: Any) -> QuerySet[Indicator]:
    return Indicator.objects.visible_to(user).select_related("standard__batch")


def review_list(*, user: Any) -> QuerySet[IndicatorReview]:
    return IndicatorReview.objects.visible_to(user).select_related("unit", "recorded_by")


def review_values(*, review: IndicatorReview) -> QuerySet[IndicatorValue]:
    return review.values.select_related("indicator").order_by(
        "indicator__sort_order", "indicator__code"
    )


def latest_review(*, unit: CreationUnit, stage: str) -> IndicatorReview | None:
    return (
        IndicatorReview.objects.filter(unit=unit, stage=stage)
        .order_by("-reviewed_on", "-pk")
        .first()
    )


def evaluation_list(*, user: Any) -> QuerySet[AcceptanceEvaluation]:
    return AcceptanceEvaluation.objects.visible_to(user).select_related("unit", "evaluated_by")


# --- R6.5: publicity points of a batch ---------------------------------------------------------


def _cycle_points(unit_ids: list[int]) -> dict[int, int]:
    """Verified publicity points over each unit's whole cycle (R6.2–R6.4).

    The publicity records live on the publicity side of this app; this is the one place that
    reads them for acceptance."""
    return dict.fromkeys(unit_ids, 0)


def batch_publicity(*, unit: CreationUnit) -> tuple[int, int]:
    """R6.5: the unit's publicity points over its cycle and the best points of its batch."""
    ids = list(CreationUnit.objects.filter(batch_id=unit.batch_id).values_list("pk", flat=True))
    points = _cycle_points(ids)
    return points.get(unit.pk, 0), max(points.values(), default=0)
