"""Reads of reporting, each starting from `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from creation.figures import stored_figures
from creation.models import CreationUnit
from creation.scope import user_scope
from reporting.models import Obligation, Submission, late_q, on_time_q, submitted_q
from reporting.rules import (
    R5_2_TYPES,
    SHANGHAI,
    WARN_DAYS,
    ObligationOutcome,
    ObligationType,
    all_on_time,
)


def obligation_list(*, user: Any) -> QuerySet[Obligation]:
    return Obligation.objects.visible_to(user).select_related("unit", "submission")


def submission_list(*, user: Any) -> QuerySet[Submission]:
    return Submission.objects.visible_to(user).select_related("obligation__unit")


def review_queue(*, user: Any) -> QuerySet[Submission]:
    """Submitted reports waiting for the office, oldest first."""
    return (
        submission_list(user=user)
        .filter(status=Submission.Status.SUBMITTED)
        .order_by("submitted_at")
    )


# The columns of a unit's stored row that hold its Figures (dashboard.models.UnitFigures), in
# the order of Figures.stored.
STORED_FIGURE_COLUMNS = ("due_so_far", "on_time", "late", "overdue")


@dataclass(frozen=True)
class Figures:
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int

    @classmethod
    def stored(cls, due_so_far: int, on_time: int, late: int, overdue: int) -> Figures:
        """The figures as a unit's stored row holds them (submitted = on time + late, C1)."""
        return cls(
            expected=due_so_far,
            submitted=on_time + late,
            on_time=on_time,
            late=late,
            missing=overdue,
        )

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.expected, 3) if self.expected else None


def _figure_aggregates(now: datetime) -> dict[str, Any]:
    # C1: submitted, on time and late as reporting.models defines them; a report returned or
    # withdrawn and not sent again is missing, so on time + late + missing = expected.
    due = Q(due_at__lte=now)
    return {
        "expected": Count("pk", filter=due),
        "submitted": Count("pk", filter=due & submitted_q()),
        "on_time": Count("pk", filter=due & on_time_q()),
        "late": Count("pk", filter=due & late_q()),
        "missing": Count("pk", filter=due & ~submitted_q()),
    }


def obligation_figures(
    obligations: QuerySet[Obligation], *, now: datetime | None = None
) -> Figures:
    """Expected (due by now), submitted, on time, late and missing (C1: `on_time_q`), in one
    query."""
    row = obligations.order_by().aggregate(**_figure_aggregates(now or timezone.now()))
    return Figures(**row)


def stored_unit_figures(unit_id: int) -> Figures:
    """The unit's figures as its stored row holds them (creation.figures: read fresh, stored
    first when the clock or a write changed them), counted by `figures_by` when stored."""
    row = stored_figures([unit_id], fields=STORED_FIGURE_COLUMNS)[unit_id]
    return Figures.stored(*(getattr(row, name) for name in STORED_FIGURE_COLUMNS))


def figures_by(
    obligations: QuerySet[Obligation], *, group: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The same figures per province (`group="province"`), programme or unit, in one query."""
    fields = {
        "province": ("unit__region__province", "unit__region__province__name"),
        "programme": ("unit__batch__programme", "unit__batch__programme__name"),
        "unit": ("unit", "unit__name"),
    }[group]
    rows = (
        obligations.order_by()
        .values(key=F(fields[0]), name=F(fields[1]))
        .annotate(**_figure_aggregates(now or timezone.now()))
        .order_by("name")
    )
    for row in rows:
        row["on_time_rate"] = (
            round(row["on_time"] / row["expected"], 3) if row["expected"] else None
        )
    return list(rows)


def r5_2_all_on_time(*, unit: CreationUnit, start: datetime, end: datetime) -> bool:
    """R6.1: whether every R5.2 item due in [start, end] was submitted on time (C1). The
    publicity base score of a scoring period depends on it."""
    rows = Obligation.objects.filter(
        unit=unit, type__in=[str(t) for t in R5_2_TYPES], due_at__gte=start, due_at__lte=end
    ).values_list("type", "due_at", "submission__first_submitted_at", "submission__status")
    return all_on_time([ObligationOutcome(*row) for row in rows])


# --- Pages ----------------------------------------------------------------------------------------


def office_review_queue(*, user: Any) -> QuerySet[Submission]:
    """The review queue of an office reviewer: the submitted reports of the programmes the user
    reviews for (a reviewer may see other units through other roles, but not act on them)."""
    scope = user_scope(user)
    queue = (
        review_queue(user=user)
        .select_related("obligation__unit__region__province")
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )
    if scope.everything:
        return queue
    return queue.filter(obligation__unit__batch__programme__in=scope.office_programme_ids)


def province_obligations(*, user: Any) -> QuerySet[Obligation]:
    """The obligations of the units in the provinces a provincial reviewer follows."""
    return Obligation.objects.in_followed_provinces(user).select_related("unit", "submission")


def province_copied_reports(*, user: Any) -> QuerySet[Submission]:
    """R3.3, R4.2: the fund reports and self-inspections of the province's units, copied to the
    provincial departments once submitted (a draft is still the unit's own), newest first."""
    return (
        Submission.objects.in_followed_provinces(user)
        .filter(obligation__type__in=[ObligationType.FUND_REPORT, ObligationType.SELF_INSPECTION])
        .exclude(status=Submission.Status.DRAFT)
        .select_related("obligation__unit__region__province")
        .order_by("-submitted_at", "-pk")
    )


# --- Work queues (the worklist app assembles them) ---------------------------------------------


def unit_reports_to_submit(*, user: Any, until: datetime) -> QuerySet[Obligation]:
    """The reports the user's own units still owe and have not started or left as a draft, due
    before `until` (overdue ones included), soonest first. A returned report is
    `unit_reports_returned`'s."""
    scope = user_scope(user)
    return (
        obligation_list(user=user)
        .filter(unit__in=scope.staff_unit_ids, due_at__lt=until)
        .filter(Q(submission__isnull=True) | Q(submission__status=Submission.Status.DRAFT))
        .order_by("due_at", "pk")
    )


def unit_reports_returned(*, user: Any) -> QuerySet[Submission]:
    """The reports of the user's own units that the office returned for changes, oldest
    return first."""
    scope = user_scope(user)
    return (
        submission_list(user=user)
        .filter(obligation__unit__in=scope.staff_unit_ids, status=Submission.Status.RETURNED)
        .order_by(F("reviewed_at").asc(nulls_last=True), "pk")
    )


def province_overdue_reports(*, user: Any, now: datetime) -> QuerySet[Obligation]:
    """The reports of the province's units past their due moment and not submitted (C1), which
    the provincial culture reviewer is told of and follows up, longest overdue first."""
    return (
        province_obligations(user=user)
        .filter(due_at__lt=now)
        .exclude(submitted_q())
        .order_by("due_at", "pk")
    )


# The counts of `monthly_lights`, in its rows.
MONTHLY_COUNTS = ("green", "amber", "red", "yellow", "grey", "expected", "on_time_due", "late_due")


def monthly_lights(obligations: QuerySet[Obligation], now: datetime) -> QuerySet:
    """R5.2, C1: the obligations counted per unit and month (Beijing time) of their due moment,
    in one grouped query: rows of `unit_id`, `month` (its first day) and MONTHLY_COUNTS. A
    report counts by its traffic light (reporting.rules.traffic_light): on time green, late
    amber; not submitted — never sent, or returned or withdrawn and not sent again — overdue
    red, due within WARN_DAYS yellow, later grey. `expected` is what is due by `now`, and
    `on_time_due` and `late_due` what of it was on time and late (as every other figure
    counts them: on_time_q, late_q, submitted_q)."""
    waiting = ~submitted_q()
    soon = now + timedelta(days=WARN_DAYS)
    due = Q(due_at__lt=now)
    return (
        obligations.order_by()
        .values("unit_id", month=TruncMonth("due_at", tzinfo=SHANGHAI, output_field=DateField()))
        .annotate(
            green=Count("pk", filter=on_time_q()),
            amber=Count("pk", filter=late_q()),
            red=Count("pk", filter=waiting & due),
            yellow=Count("pk", filter=waiting & Q(due_at__gte=now, due_at__lte=soon)),
            grey=Count("pk", filter=waiting & Q(due_at__gt=soon)),
            expected=Count("pk", filter=due),
            on_time_due=Count("pk", filter=on_time_q() & due),
            late_due=Count("pk", filter=late_q() & due),
        )
    )
