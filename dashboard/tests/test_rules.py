from datetime import date, datetime, timedelta

import pytest

from dashboard.rules import (
    CellCounts,
    add_months,
    cell_light,
    current_period,
    month_window,
    rate,
)
from reporting.rules import SHANGHAI, Light, traffic_light

NOW = datetime(2026, 3, 20, 12, tzinfo=SHANGHAI)


def test_cell_light_nothing_due_is_none():
    assert cell_light(CellCounts()) is None


@pytest.mark.parametrize(
    ("counts", "light"),
    [
        (CellCounts(green=3), Light.GREEN),
        (CellCounts(green=3, grey=1), Light.GREY),
        (CellCounts(green=1, amber=1, grey=1), Light.AMBER),
        (CellCounts(amber=1, yellow=1), Light.YELLOW),
        (CellCounts(green=5, yellow=1, red=1), Light.RED),
    ],
)
def test_cell_light_most_urgent_obligation_wins(counts, light):
    assert cell_light(counts) == light


@pytest.mark.parametrize(
    ("due", "first_submitted", "light"),
    [
        (NOW - timedelta(days=3), NOW - timedelta(days=4), Light.GREEN),
        (NOW - timedelta(days=3), NOW - timedelta(days=1), Light.AMBER),
        (NOW - timedelta(seconds=1), None, Light.RED),
        (NOW + timedelta(days=7), None, Light.YELLOW),
        (NOW + timedelta(days=7, seconds=1), None, Light.GREY),
    ],
)
def test_R5_2_single_obligation_cell_has_the_calendars_traffic_light(due, first_submitted, light):
    assert traffic_light(due_at=due, first_submitted_at=first_submitted, now=NOW) == light
    assert cell_light(CellCounts(**{light.value: 1})) == light


def test_rate_rounds_to_three_decimals_and_is_none_without_anything_due():
    assert rate(1, 3) == 0.333
    assert rate(0, 0) is None


def test_month_window_ends_with_the_given_month_across_a_year():
    assert month_window(end=date(2026, 2, 17), months=4) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert add_months(date(2026, 11, 27), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 5), -1) == date(2025, 12, 1)


def test_R6_3_zone_current_period_is_the_half_year():
    period = current_period(
        kind="zone",
        start_date=date(2025, 7, 1),
        today=date(2026, 8, 3),
    )
    assert (period.kind, period.label, period.start, period.end) == (
        "half_year",
        "2026H2",
        date(2026, 7, 1),
        date(2026, 12, 31),
    )


def test_R6_4_project_current_period_is_the_creation_cycle():
    period = current_period(
        kind="project",
        start_date=date(2025, 7, 1),
        today=date(2026, 8, 3),
    )
    assert (period.kind, period.start, period.end) == ("cycle", date(2025, 7, 1), date(2027, 6, 30))
    assert period.label == "2025-07-01/2027-06-30"


def test_C2_R6_3_zone_current_period_after_its_own_cycle_is_its_last_half_year():
    # a zone that started on 2025-07-01 ends its cycle on 2027-06-30, whatever its batch says
    period = current_period(kind="zone", start_date=date(2025, 7, 1), today=date(2027, 9, 1))
    assert (period.label, period.start, period.end) == (
        "2027H1",
        date(2027, 1, 1),
        date(2027, 6, 30),
    )
