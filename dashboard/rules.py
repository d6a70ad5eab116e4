"""Pure rules of the dashboards and the unit status: the colour of a heat-map cell, rates, the
months shown and a unit's current period. Plain values in, plain values out; `today` and `now`
are arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from creation.rules import Period
from reporting.rules import Light
from scoring.rules import window_on

# A cell takes the colour of its most urgent obligation, as a day of the calendar's month view
# does (reporting.views.URGENCY): overdue, then due soon, then late, then not yet due, then on time.
URGENCY: tuple[Light, ...] = (Light.RED, Light.YELLOW, Light.AMBER, Light.GREY, Light.GREEN)


@dataclass(frozen=True)
class CellCounts:
    """The obligations of one unit due in one month, counted by their traffic light
    (reporting.rules.traffic_light)."""

    green: int = 0  # first submitted on time
    amber: int = 0  # first submitted after the due moment
    yellow: int = 0  # not submitted, due within the warning window
    red: int = 0  # not submitted, overdue
    grey: int = 0  # not submitted, due later

    @property
    def total(self) -> int:
        return self.green + self.amber + self.yellow + self.red + self.grey

    def count(self, light: Light) -> int:
        return getattr(self, light.value)


def cell_light(counts: CellCounts) -> Light | None:
    """The colour of a heat-map cell: its most urgent light; None when nothing is due that month."""
    return next((light for light in URGENCY if counts.count(light)), None)


def rate(part: int, whole: int) -> float | None:
    """A share to three decimals, None when there is nothing to count."""
    return round(part / whole, 3) if whole else None


def month_window(*, end: date, months: int) -> list[date]:
    """The first days of `months` calendar months ending with the month of `end`, oldest first."""
    index = end.year * 12 + end.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class CurrentPeriod:
    kind: str  # "half_year" or "cycle"
    label: str
    start: date
    end: date


def current_period(*, kind: str, start_date: date, today: date) -> CurrentPeriod:
    """R6.3: zones are scored every half year (Jan–Jun, Jul–Dec); R6.4: projects once over their
    two-year cycle. The period of the unit's own cycle (C2) that `today` falls in
    (`scoring.rules.window_on`, the one the publicity score counts over)."""
    start, end = window_on(kind=kind, start_date=start_date, today=today)
    if kind == "zone":
        half = Period.containing(start, months=6)
        return CurrentPeriod("half_year", str(half), start, end)
    return CurrentPeriod("cycle", f"{start:%Y-%m-%d}/{end:%Y-%m-%d}", start, end)
