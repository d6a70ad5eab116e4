"""Reads of supervision (R4), each starting from `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from creation.models import CreationUnit
from creation.scope import user_scope
from inspections.models import (
    ChecklistItem,
    FeedbackLetter,
    Finding,
    Inspection,
    Rectification,
    RectificationEvent,
    SelfInspection,
    SelfInspectionItem,
)
from inspections.rules import (
    DEFAULT_MAX_PER_YEAR,
    DEFAULT_MIN_PER_YEAR,
    PENDING,
    Coverage,
    inspection_coverage,
)
from portal.aggregates import count_of


def _finding_count() -> Coalesce:
    return count_of(Finding.objects.filter(inspection=OuterRef("pk")), per="inspection")


def inspection_list(*, user: Any) -> QuerySet[Inspection]:
    return (
        Inspection.objects.visible_to(user)
        .select_related("unit__region__province", "unit__batch__programme", "letter")
        # Counted per row shown, not by grouping every inspection of the scope before the page
        # is cut (a national office sees some 10,000).
        .annotate(finding_count=_finding_count())
        .order_by("-planned_start", "-pk")
    )


def inspection_get(*, user: Any, pk: int) -> Inspection:
    return (
        Inspection.objects.visible_to(user)
        .select_related("unit__region__province", "unit__region__parent", "unit__batch__programme")
        .prefetch_related(
            "members",
            Prefetch("checklist", ChecklistItem.objects.select_related("indicator")),
            Prefetch(
                "findings",
                Finding.objects.select_related("rectification", "indicator").prefetch_related(
                    "evidence"
                ),
            ),
        )
        .get(pk=pk)
    )


def finding_list(*, user: Any) -> QuerySet[Finding]:
    return (
        Finding.objects.visible_to(user)
        .select_related("inspection__unit", "indicator", "rectification")
        .prefetch_related("evidence")
    )


def rectification_list(*, user: Any) -> QuerySet[Rectification]:
    return Rectification.objects.visible_to(user).select_related(
        "finding__inspection__unit", "finding__indicator"
    )


def rectification_get(*, user: Any, pk: int) -> Rectification:
    return (
        rectification_list(user=user)
        .select_related("finding__inspection__unit__batch")
        .prefetch_related(
            "evidence",
            Prefetch("events", RectificationEvent.objects.select_related("actor")),
            "finding__evidence",
        )
        .get(pk=pk)
    )


def rectification_check_queue(*, user: Any) -> QuerySet[Rectification]:
    """Rectifications the units submitted, waiting for the office of their programme to verify
    or reopen them, the longest waiting first: `submitted_at` is the last submission."""
    scope = user_scope(user)
    queue = (
        rectification_list(user=user)
        .filter(status=Rectification.Status.SUBMITTED)
        .select_related("finding__inspection__unit__region__province")
        # The last submission read for each row, not summed over a join of every event: a count
        # of the queue (the header's open tasks) then reads neither the events nor a grouping.
        .annotate(
            submitted_at=Subquery(
                RectificationEvent.objects.filter(
                    rectification=OuterRef("pk"), to_status=Rectification.Status.SUBMITTED
                )
                .order_by("-at")
                .values("at")[:1]
            )
        )
    )
    if not scope.everything:
        queue = queue.filter(
            finding__inspection__unit__batch__programme__in=scope.office_programme_ids
        )
    return queue.order_by("submitted_at", "pk")


def letter_list(*, user: Any) -> QuerySet[FeedbackLetter]:
    return FeedbackLetter.objects.visible_to(user).select_related(
        "inspection__unit__region__province", "sent_by"
    )


def self_inspection_list(*, user: Any) -> QuerySet[SelfInspection]:
    return SelfInspection.objects.visible_to(user).select_related(
        "unit__region__province", "obligation__submission", "meeting"
    )


def province_self_inspections(*, user: Any) -> QuerySet[SelfInspection]:
    """R4.2: the self-inspections of the province's units, copied to the provincial culture and
    finance departments once submitted (a draft is still the unit's own)."""
    return (
        self_inspection_list(user=user)
        .filter(obligation__submission__first_submitted_at__isnull=False)
        .order_by("-obligation__period_start", "unit__name", "pk")
    )


# --- R4.1 plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    unit: CreationUnit
    count: int
    minimum: int
    maximum: int

    @property
    def coverage(self) -> Coverage:
        return inspection_coverage(count=self.count, minimum=self.minimum, maximum=self.maximum)


def planned_inspections(units: QuerySet[CreationUnit], year: int) -> QuerySet[CreationUnit]:
    """R4.1: the units with how many inspections are planned to start in `year` (`planned`) and
    their programme's minimum and maximum a year (`min_per_year`, `max_per_year`; the defaults
    where the programme has no settings): the one count of the inspection plan and of the
    stored figures (dashboard.status.inspection_plan_section)."""
    settings = "batch__programme__inspection_settings"
    return units.annotate(
        planned=Count("inspections", filter=Q(inspections__planned_start__year=year)),
        min_per_year=Coalesce(
            F(f"{settings}__min_per_year"), DEFAULT_MIN_PER_YEAR, output_field=IntegerField()
        ),
        max_per_year=Coalesce(
            F(f"{settings}__max_per_year"), DEFAULT_MAX_PER_YEAR, output_field=IntegerField()
        ),
    )


def inspection_plan_rows(*, user: Any, year: int) -> list[PlanRow]:
    """R4.1: every creating unit in scope with how many inspections are planned for the year,
    flagged against its programme's minimum and maximum."""
    units = planned_inspections(
        CreationUnit.objects.visible_to(user)
        .filter(status=CreationUnit.Status.CREATING)
        .select_related("region__province", "batch__programme"),
        year,
    ).order_by("batch__programme_id", "region__code", "name")
    return [PlanRow(unit, unit.planned, unit.min_per_year, unit.max_per_year) for unit in units]


# --- Comparison of a self-inspection with the office's inspection --------------------------------


@dataclass(frozen=True)
class ComparedItem:
    text: str
    own: SelfInspectionItem | None
    office: ChecklistItem | None

    @property
    def differs(self) -> bool:
        return bool(self.own and self.office and self.own.result != self.office.result)


@dataclass(frozen=True)
class Comparison:
    self_inspection: SelfInspection
    inspection: Inspection | None
    items: list[ComparedItem]
    # findings of the office on indicators the unit judged met, or on nothing it checked
    missed: list[Finding]


def self_inspection_comparison(
    *, self_inspection: SelfInspection, inspection: Inspection | None
) -> Comparison:
    own_items = list(self_inspection.items.select_related("indicator"))
    if inspection is None:
        return Comparison(
            self_inspection, None, [ComparedItem(i.text, i, None) for i in own_items], []
        )
    office_items = list(inspection.checklist.select_related("indicator"))
    by_indicator = {i.indicator_id: i for i in office_items if i.indicator_id}
    by_text = {i.text: i for i in office_items}
    used: set[int] = set()
    items: list[ComparedItem] = []
    for own in own_items:
        office = by_indicator.get(own.indicator_id) if own.indicator_id else by_text.get(own.text)
        if office is not None:
            used.add(office.pk)
        items.append(ComparedItem(own.text, own, office))
    items.extend(ComparedItem(i.text, None, i) for i in office_items if i.pk not in used)
    met_indicators = {i.indicator_id for i in own_items if i.indicator_id and i.result == "met"}
    checked_indicators = {i.indicator_id for i in own_items if i.indicator_id}
    missed = [
        finding
        for finding in inspection.findings.select_related("indicator", "rectification")
        if finding.indicator_id is None
        or finding.indicator_id in met_indicators
        or finding.indicator_id not in checked_indicators
    ]
    return Comparison(self_inspection, inspection, items, missed)


def latest_inspection_of(*, user: Any, unit: CreationUnit) -> Inspection | None:
    return (
        Inspection.objects.visible_to(user)
        .filter(
            unit=unit, status__in=[Inspection.Status.COMPLETED, Inspection.Status.FEEDBACK_SENT]
        )
        .order_by("-held_start", "-planned_start", "-pk")
        .first()
    )


# --- Work queues (the worklist app assembles them) ---------------------------------------------


def unit_rectifications_open(*, user: Any) -> QuerySet[Rectification]:
    """R4.1: the rectification items the user's own units still owe (open, in progress or
    reopened), nearest deadline first (overdue ones on top)."""
    scope = user_scope(user)
    return (
        rectification_list(user=user)
        .filter(
            finding__inspection__unit__in=scope.staff_unit_ids,
            status__in=[str(status) for status in PENDING],
        )
        .order_by("deadline", "pk")
    )


def _office_programmes_q(user: Any, prefix: str) -> Q:
    scope = user_scope(user)
    if scope.everything:
        return Q()
    return Q(**{f"{prefix}batch__programme__in": scope.office_programme_ids})


def letters_to_send(*, user: Any) -> QuerySet[Inspection]:
    """R4.1: the completed inspections whose written feedback the office has not sent yet, the
    earliest ended first."""
    return (
        Inspection.objects.visible_to(user)
        .filter(_office_programmes_q(user, "unit__"))
        .filter(status=Inspection.Status.COMPLETED, letter__isnull=True)
        .select_related("unit")
        .order_by(F("held_end").asc(nulls_last=True), "planned_end", "pk")
    )
