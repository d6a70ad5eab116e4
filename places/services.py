"""Writes of the records of a creating place (§7): the Excel import. Single records are created,
changed and deleted through creation.services.unit_record_save / unit_record_delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from creation.models import CreationUnit
from creation.scope import user_scope
from creation.services import unit_record_save
from places.excel import UnitResolver, workbook_parse


@dataclass(frozen=True)
class ImportResult:
    created: dict[str, int]  # per section of places.kinds.RECORD_KINDS
    errors: list[Any]  # places.excel.CellError, in the order of the file

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def place_records_import(
    *, user: Any, workbook: Any, default_unit: CreationUnit | None, replace: bool = False
) -> ImportResult:
    """Import the records of an Excel workbook (places.excel): all of them, or — when any
    row has a problem — none, with every problem by sheet, row and column. Rows may name only
    units the user may change. `replace`: the records of each kind a sheet holds for a unit
    replace that unit's records of the kind; otherwise they are added (staff rows, one per
    level, update the level's row)."""
    scope = user_scope(user)
    editable = [
        unit for unit in CreationUnit.objects.visible_to(user) if scope.can_edit_unit(unit.pk)
    ]
    if default_unit is not None and not scope.can_edit_unit(default_unit.pk):
        raise PermissionDenied(_("Only the unit's own staff can change its records."))
    parsed = workbook_parse(
        workbook,
        resolve_unit=UnitResolver(editable=editable, default=default_unit),
        replace=replace,
    )
    if parsed.errors:
        return ImportResult(created={}, errors=parsed.errors)
    if replace:
        for kind, unit_id in {(kind, row.unit_id) for kind, row in parsed.rows}:
            kind.model.objects.filter(unit_id=unit_id).delete()
    created: dict[str, int] = {}
    for kind, instance in parsed.rows:
        unit_record_save(user=user, instance=instance, fields={})
        created[kind.section] = created.get(kind.section, 0) + 1
    return ImportResult(created=created, errors=[])
