"""The one point where the pages of the apps below dashboard read a unit's stored figures.

A unit's figures are computed by their owners (the veto gauge by scoring, the liaison vacancy by
creation; docs/architecture.md, "Owners of figures") and stored in one row per unit,
`dashboard.models.UnitFigures`, by its one writer. The unit's own pages (its home, its veto
gauge, the lists of gauges) live in creation and scoring, which sit below dashboard and may not
import it. So dashboard registers its reader here from `DashboardConfig.ready()`, and those pages
ask through `stored_figures` below rather than computing the figure again.

The reader returns the rows as they are stored, computing and storing first the ones that are
missing and the ones the clock has changed since (within a bound, for long lists: see
dashboard.selectors.unit_figures_read).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class StoredFigures(Protocol):
    """What the pages below dashboard read of a unit's stored row: only the fields they asked
    for are loaded."""

    unit_id: int
    # R6.6: "ok", "at_risk" or "failed"; the items in every language: {language: [item, …]}.
    veto_status: str
    veto_items: dict[str, list[dict[str, Any]]]
    # C5: the first day of the current liaison vacancy, None while someone serves.
    liaison_vacant_since: date | None


StoredFiguresReader = Callable[[Collection[int], Sequence[str]], dict[int, StoredFigures]]

_reader: StoredFiguresReader | None = None


def stored_figures_reader_register(reader: StoredFiguresReader) -> None:
    """Make `reader(unit_ids, fields)` the read of the units' stored figures (registering again
    replaces it: ready() may run twice in tests)."""
    global _reader
    _reader = reader


def stored_figures(unit_ids: Collection[int], *, fields: Sequence[str]) -> dict[int, StoredFigures]:
    """The stored figures of the units, by unit id, with `fields` loaded: one query while their
    rows are fresh, whatever the number of units."""
    if _reader is None:
        raise ImproperlyConfigured(
            "No reader of stored figures is registered: the app that stores them (dashboard) "
            "registers one with creation.figures.stored_figures_reader_register() in its "
            "AppConfig.ready()."
        )
    return _reader(unit_ids, fields)
