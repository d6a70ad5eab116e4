"""The one point where the pages of the apps below dashboard read a unit's stored figures.

A unit's figures are computed by their owners (the veto gauge by scoring, the liaison vacancy by
creation; docs/architecture.md, "Owners of figures") and stored in one row per unit,
`dashboard.models.UnitFigures`, by its one writer. The unit's own pages (its home, its veto
gauge, the lists of gauges) live in creation and scoring, which sit below dashboard and may not
import it. So dashboard registers its reader here from `DashboardConfig.ready()`, and those pages
ask through `stored_figures` below rather than computing the figure again; the office's fund
page (in funds) reads the execution per province the same way (`office_province_funds`), as the
office dashboard's fund panel shows it and with the sums it keeps.

The reader returns the rows as they are stored, computing and storing first the ones that are
missing and the ones the clock has changed since (within a bound, for long lists: see
dashboard.selectors.unit_figures_read).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class StoredFigures(Protocol):
    """What the pages below dashboard read of a unit's stored row: only the fields they asked
    for are loaded."""

    unit_id: int
    # R6.6: "ok", "at_risk" or "failed"; the items in every language: {language: [item, …]}.
    veto_status: str
    veto_items: dict[str, list[dict[str, Any]]]
    # C5: the first day of the current liaison vacancy, None while someone serves.
    liaison_vacant_since: date | None
    # C1: the reports due so far, sent on time, sent late, and past their due moment and not
    # submitted.
    due_so_far: int
    on_time: int
    late: int
    overdue: int


StoredFiguresReader = Callable[[Collection[int], Sequence[str]], dict[int, StoredFigures]]
# office reviewer, every province -> one dict per province: province_id, province_name, units,
# budget, spent, central_budget, central_spent, rate (R3.2).
ProvinceFundsReader = Callable[[Any, Collection[int]], list[dict[str, Any]]]
# units, status, worst_first -> ((unit id, veto status) rows in the lists' order, to page; how
# many of the units are at each status) (R6.6).
VetoStatusesReader = Callable[[QuerySet, str, bool], tuple[QuerySet, dict[str, int]]]
# units -> (the total of their reporting figures, one row of them per unit by name) (C1).
ReportingFiguresReader = Callable[[QuerySet], tuple[Any, list[dict[str, Any]]]]

_reader: StoredFiguresReader | None = None
_province_funds_reader: ProvinceFundsReader | None = None
_veto_statuses_reader: VetoStatusesReader | None = None
_reporting_figures_reader: ReportingFiguresReader | None = None


def stored_figures_reader_register(reader: StoredFiguresReader) -> None:
    """Make `reader(unit_ids, fields)` the read of the units' stored figures (registering again
    replaces it: ready() may run twice in tests)."""
    global _reader
    _reader = reader


def office_province_funds_reader_register(reader: ProvinceFundsReader) -> None:
    """Make `reader(user, provinces)` the read of the fund figures per province of the units
    of the programmes the user runs for the office, summed over their stored figures."""
    global _province_funds_reader
    _province_funds_reader = reader


def stored_veto_statuses_reader_register(reader: VetoStatusesReader) -> None:
    """Make `reader(units, status, worst_first)` the read of the units' stored veto statuses
    in the order of the lists of gauges."""
    global _veto_statuses_reader
    _veto_statuses_reader = reader


def stored_reporting_figures_reader_register(reader: ReportingFiguresReader) -> None:
    """Make `reader(units)` the read of the units' stored reporting figures, summed and per
    unit."""
    global _reporting_figures_reader
    _reporting_figures_reader = reader


def _registered(reader: Any, name: str) -> Any:
    if reader is None:
        raise ImproperlyConfigured(
            "No reader of stored figures is registered: the app that stores them (dashboard) "
            f"registers one with creation.figures.{name}() in its AppConfig.ready()."
        )
    return reader


def stored_figures(unit_ids: Collection[int], *, fields: Sequence[str]) -> dict[int, StoredFigures]:
    """The stored figures of the units, by unit id, with `fields` loaded: one query while their
    rows are fresh, whatever the number of units."""
    return _registered(_reader, "stored_figures_reader_register")(unit_ids, fields)


def office_province_funds(*, user: Any, provinces: Collection[int]) -> list[dict[str, Any]]:
    """R3.2: budget and spending of the filed plans and the execution rate per province of the
    units of the programmes `user` runs for the office (every unit for a superuser), summed over
    their stored figures, by province name; `provinces`: every province, which the caller has
    read (the sums are kept per province with the office dashboard's)."""
    reader = _registered(_province_funds_reader, "office_province_funds_reader_register")
    return reader(user, provinces)


def stored_veto_statuses(
    units: QuerySet, *, status: str = "", worst_first: bool = False
) -> tuple[QuerySet, dict[str, int]]:
    """R6.6: the (unit id, stored veto status) of the units (scoped and filtered), by name and
    worst first if asked, only those at `status` ("at_risk" or "failed"; "attention" = either),
    as a query that a paginator reads a page of; and how many of all the units are at each
    status. The database orders and pages them, whatever the number of units."""
    reader = _registered(_veto_statuses_reader, "stored_veto_statuses_reader_register")
    return reader(units, status, worst_first)


def stored_reporting_figures(units: QuerySet) -> tuple[Any, list[dict[str, Any]]]:
    """C1: the reporting figures of the units (due so far, submitted, on time, late, missing)
    from their stored rows: their total (reporting.selectors.Figures) and a row per unit by name
    (`key`, `name` and the figures), in two queries while the rows are fresh."""
    reader = _registered(_reporting_figures_reader, "stored_reporting_figures_reader_register")
    return reader(units)
