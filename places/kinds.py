"""The kinds of record a creating place keeps (docs/rules.md §7), in one list that the pages, the
Excel import and export, and the admin share: each kind's model and its editable fields, in the
order of the form and of the spreadsheet's columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from places.models import (
    ArtTeam,
    CulturalEvent,
    Facility,
    Honour,
    Investment,
    StaffCount,
    TrainingCourse,
)


@dataclass(frozen=True)
class RecordKind:
    name: str  # singular, for URL names: "facility" → place:facility-create
    section: str  # plural, for the page's tabs and the spreadsheet: "facilities"
    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    @property
    def columns(self) -> list[str]:
        return [str(self.field(name).verbose_name) for name in self.fields]


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "facility",
        "facilities",
        Facility,
        ("kind", "name", "community", "address", "floor_area", "equipment", "weekly_hours"),
    ),
    RecordKind("art-team", "art-teams", ArtTeam, ("name", "kind", "community", "members")),
    RecordKind(
        "event",
        "events",
        CulturalEvent,
        ("name", "held_on", "is_brand", "performances", "audience"),
    ),
    RecordKind(
        "staff-count", "staff", StaffCount, ("level", "full_time", "part_time", "volunteers")
    ),
    RecordKind("training-course", "training", TrainingCourse, ("course", "held_on", "trainees")),
    RecordKind("investment", "investments", Investment, ("item", "amount", "invested_on")),
    RecordKind("honour", "honours", Honour, ("title", "level", "awarded_on", "awarded_by")),
)
KINDS_BY_SECTION = {kind.section: kind for kind in RECORD_KINDS}


def display_value(instance: models.Model, name: str) -> Any:
    """A field's value as a person reads it: choice labels, yes/no, plain numbers, ISO dates."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if field.choices:
        return getattr(instance, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, date):
        return value.isoformat()
    return value
