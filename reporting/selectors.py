"""Reads of reporting, each starting from `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from creation.models import CreationUnit
from reporting.models import Obligation, Submission
from reporting.rules import R5_2_TYPES, ObligationOutcome, all_on_time


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


@dataclass(frozen=True)
class Figures:
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.expected, 3) if self.expected else None


def _figure_aggregates(now: datetime) -> dict[str, Any]:
    due = Q(due_at__lte=now)
    submitted = Q(submission__first_submitted_at__isnull=False)
    return {
        "expected": Count("pk", filter=due),
        "submitted": Count("pk", filter=due & submitted),
        "on_time": Count(
            "pk",
            filter=due
            & Q(submission__status=Submission.Status.ACCEPTED, submission__is_late=False),
        ),
        "late": Count("pk", filter=due & Q(submission__is_late=True)),
        "missing": Count("pk", filter=due & ~submitted),
    }


def obligation_figures(
    obligations: QuerySet[Obligation], *, now: datetime | None = None
) -> Figures:
    """Expected (due by now), submitted, on time (accepted, first submitted in time), late and
    missing, in one query."""
    row = obligations.order_by().aggregate(**_figure_aggregates(now or timezone.now()))
    return Figures(**row)


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
    """R6.1: whether every R5.2 item due in [start, end] was submitted on time and accepted.
    The publicity base score of a scoring period depends on it."""
    rows = Obligation.objects.filter(
        unit=unit, type__in=[str(t) for t in R5_2_TYPES], due_at__gte=start, due_at__lte=end
    ).values_list("type", "due_at", "submission__first_submitted_at", "submission__status")
    return all_on_time(
        [
            ObligationOutcome(kind, due_at, first, status == Submission.Status.ACCEPTED)
            for kind, due_at, first, status in rows
        ]
    )
