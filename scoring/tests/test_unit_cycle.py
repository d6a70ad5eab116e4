"""C2, C3 (R6): a unit's scoring periods and veto gauge follow its own creation cycle, and are
right from the moment the unit is saved."""

from datetime import UTC, date, datetime

import pytest

from creation import services as creation_services
from creation.models import CreationUnit
from creation.tests.factories import BatchFactory, CityFactory
from reporting.services import obligations_sync
from scoring.models import PeriodScore, ScoringPeriod
from scoring.rules import GaugeStatus, HalfYear, VetoItem
from scoring.selectors import (
    cycle_publicity_points,
    period_units,
    unit_period_windows,
    veto_gauges,
)
from scoring.services import period_ensure, periods_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch():
    return BatchFactory(cycle_start=date(2025, 1, 1), cycle_end=date(2026, 12, 31))


def _unit(batch, *, kind="zone", start_date=date(2025, 7, 1), name="长沙市天心区"):
    return creation_services.unit_ensure(
        batch=batch,
        name=name,
        kind=kind,
        region=CityFactory(),
        start_date=start_date,
        host_organisation="" if kind == "zone" else "长沙市图书馆",
    )


def test_C2_R6_1_zone_has_no_period_before_its_start(batch):
    zone = _unit(batch)
    on_time = _unit(batch, start_date=date(2025, 1, 1), name="长沙市岳麓区")

    windows = unit_period_windows(zone, today=date(2027, 12, 1))

    assert windows[-1] == (date(2025, 7, 1), date(2025, 12, 31))  # oldest: its first half year
    assert windows[0] == (date(2027, 1, 1), date(2027, 6, 30))  # newest: the end of its cycle
    assert len(windows) == 4
    first_half = period_ensure(programme=batch.programme, kind="zone", half_year=HalfYear(2025, 1))
    last_half = period_ensure(programme=batch.programme, kind="zone", half_year=HalfYear(2027, 1))
    assert list(period_units(first_half)) == [on_time]
    assert list(period_units(last_half)) == [zone]


def test_C2_R6_3_periods_sync_opens_the_half_years_of_each_zone_cycle(batch):
    _unit(batch)

    periods_sync(today=date(2027, 12, 1))

    labels = set(
        ScoringPeriod.objects.filter(programme=batch.programme).values_list("label", flat=True)
    )
    assert labels == {"2025H2", "2026H1", "2026H2", "2027H1"}


def test_C2_R6_project_period_is_its_own_cycle(batch):
    project = _unit(batch, kind="project")

    assert unit_period_windows(project, today=date(2026, 1, 1)) == [
        (date(2025, 7, 1), date(2027, 6, 30))
    ]


def test_C2_R6_5_cycle_points_count_only_the_zone_own_periods(batch):
    zone = _unit(batch)
    obligations_sync(unit=zone)  # as the daily task would (idempotent)

    # 2025H2 .. 2027H1, nothing submitted: every base is 0 (calendar items missed), no claims
    points = cycle_publicity_points(
        unit_ids=[zone.pk], now=datetime(2027, 12, 1, 12, 0, tzinfo=UTC)
    )

    assert points == {zone.pk: 0}


def test_C3_R6_6_gauge_of_a_new_unit_is_not_ok_before_any_task_runs(batch):
    zone = _unit(batch)

    (gauge,) = veto_gauges(
        CreationUnit.objects.with_related().filter(pk=zone.pk), today=date(2026, 12, 1)
    )

    statuses = {line.item: line.status for line in gauge.lines}
    # 2025H2's fund report and self-inspection were due on 2026-01-15, never submitted
    assert statuses[VetoItem.FUND_REPORTS] == GaugeStatus.FAILED
    assert statuses[VetoItem.SELF_INSPECTIONS] == GaugeStatus.FAILED
    assert statuses[VetoItem.R5_2_SUBMISSIONS] == GaugeStatus.FAILED
    assert gauge.status == GaugeStatus.FAILED


def test_C2_R6_4_project_cycle_points_use_the_frozen_score_of_its_batch_period(batch):
    project = _unit(batch, kind="project")
    period = period_ensure(programme=batch.programme, kind="project", batch=batch)
    ScoringPeriod.objects.filter(pk=period.pk).update(status=ScoringPeriod.Status.CLOSED)
    PeriodScore.objects.create(
        period=period, unit=project, all_on_time=True, base=50, bonus=27, total=77, rank=1
    )

    points = cycle_publicity_points(
        unit_ids=[project.pk], now=datetime(2027, 12, 1, 12, 0, tzinfo=UTC)
    )

    assert points == {project.pk: 77}
