"""C3 (R6.6): what other apps derive from a unit's dates, kind and batch (its reporting calendar)
is refreshed by the service that writes the unit, inside the same transaction, so that no unit is
ever saved without it and no figure waits for a periodic task.

Imports point from the domain apps to creation, never back: an app that keeps such structure
registers its sync here from its `AppConfig.ready()`; creation's services call
`unit_structure_sync` and need not know who listens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from creation.models import CreationUnit

UnitSync = Callable[..., Any]

_unit_syncs: dict[str, UnitSync] = {}


def unit_sync_register(name: str, sync: UnitSync) -> None:
    """Register `sync(unit=...)` under a name (registering again replaces it: ready() may run
    twice in tests)."""
    _unit_syncs[name] = sync


def unit_structure_sync(*, unit: CreationUnit) -> None:
    """Bring every registered structure of the unit in step with its saved row. Call it inside
    the transaction that saved the unit."""
    for sync in _unit_syncs.values():
        sync(unit=unit)
