"""R6.5 input: verified publicity points over a unit's whole creation cycle."""

from datetime import UTC, date, datetime

import pytest

from creation.models import CreationUnit
from creation.tests.factories import BatchFactory, CreationUnitFactory
from reporting.models import Submission
from reporting.rules import due_moment
from reporting.tests.factories import ObligationFactory, SubmissionFactory
from scoring.models import AdoptionClaim
from scoring.selectors import cycle_publicity_points
from scoring.tests.factories import AdoptionClaimFactory, outlet

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)  # both half years of 2026 have started


def _on_time(unit, due_on: date, *, late: bool = False) -> None:
    due = due_moment(due_on)
    obligation = ObligationFactory(unit=unit, due_at=due, period_start=due_on)
    first = due.replace(day=due_on.day + 1) if late else due.replace(day=1)
    SubmissionFactory(
        obligation=obligation,
        status=Submission.Status.ACCEPTED,
        first_submitted_at=first,
        submitted_at=first,
        is_late=late,
    )


def test_R6_5_cycle_points_sum_base_and_verified_adoptions_of_started_periods():
    batch = BatchFactory(cycle_start=date(2026, 1, 1), cycle_end=date(2027, 12, 31))
    zone = CreationUnitFactory(batch=batch)
    _on_time(zone, date(2026, 2, 5))
    _on_time(zone, date(2026, 8, 5), late=True)  # second half year: base 0
    AdoptionClaimFactory(unit=zone, status=AdoptionClaim.Status.VERIFIED, outlet=outlet("求是"))
    AdoptionClaimFactory(
        unit=zone,
        status=AdoptionClaim.Status.VERIFIED,
        outlet=outlet("文化部网站"),
        published_on=date(2026, 9, 1),
    )
    AdoptionClaimFactory(unit=zone, status=AdoptionClaim.Status.CLAIMED)  # not verified: nothing
    project = CreationUnitFactory(
        batch=batch, kind=CreationUnit.Kind.PROJECT, host_organisation="图书馆"
    )
    AdoptionClaimFactory(unit=project, status=AdoptionClaim.Status.VERIFIED)  # 人民日报, tier 2

    points = cycle_publicity_points(unit_ids=[zone.pk, project.pk], now=NOW)

    # Zone: 2026H1 50 + 50 (求是); 2026H2 0 + 10 (文化部网站); 2027 not started.
    # Project: one period over the cycle, 50 + 40.
    assert points == {zone.pk: 110, project.pk: 90}


def test_R6_5_cycle_points_queries_constant(django_assert_num_queries):
    batch = BatchFactory()
    units = [CreationUnitFactory(batch=batch)]
    with django_assert_num_queries(5):
        cycle_publicity_points(unit_ids=[u.pk for u in units], now=NOW)
    units += CreationUnitFactory.create_batch(20, batch=batch)
    for unit in units:
        AdoptionClaimFactory(unit=unit, status=AdoptionClaim.Status.VERIFIED)
    with django_assert_num_queries(5):
        points = cycle_publicity_points(unit_ids=[u.pk for u in units], now=NOW)
    assert set(points.values()) == {50 + 40 + 50}
