"""Excel files of a creating place's records (§7): the template to fill in, the export, and the
reading of an uploaded file into unsaved, validated rows.

One sheet per kind of record (places.kinds.RECORD_KINDS), titled with the kind's name; the first
column names the unit (its name or id; empty means the unit whose page the file is uploaded on),
the others are the kind's fields. Sheets and columns are recognised by their Chinese or English
names, so a file made with the portal in either language reads back. Reading never saves: it
returns every problem with its sheet, row and column, and the import (creation.services
.place_records_import) saves only a file without any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from creation.models import CreationUnit
from places.kinds import RECORD_KINDS, RecordKind, display_value
from places.models import StaffCount
from portal.exports import cell, spreadsheet_text_read

UNIT_COLUMN = gettext_lazy("unit")
LANGUAGES = ("zh-hans", "en")
MAX_ROWS = 2000
TRUE_WORDS = {"是", "yes", "y", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "no", "n", "false", "0", ""}


def _names(label: Any) -> set[str]:
    """A label in every language of the portal, folded for comparison."""
    names = set()
    for language in LANGUAGES:
        with translation.override(language):
            names.add(_fold(str(label)))
    return names


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def sheet_title(kind: RecordKind) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's title.
    return re.sub(r"[\[\]:*?/\\]", " ", kind.label)[:31]


# --- Writing ------------------------------------------------------------------------------------


def _header(sheet: Any, kind: RecordKind) -> None:
    sheet.append([cell(str(UNIT_COLUMN)), *(cell(column) for column in kind.columns)])
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate([24, *[18] * len(kind.fields)], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width


def _choices_validation(sheet: Any, kind: RecordKind) -> None:
    """A drop-down of the choice labels on the choice columns (and yes/no on flags)."""
    for index, name in enumerate(kind.fields, start=2):
        model_field = kind.field(name)
        if model_field.choices:
            labels = [str(label) for _value, label in model_field.choices]
        elif isinstance(model_field, models.BooleanField):
            labels = [_("Yes"), _("No")]
        else:
            continue
        formula = '"' + ",".join(label.replace(",", " ") for label in labels) + '"'
        if len(formula) > 255:
            continue  # Excel's limit for a list written into the rule
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        letter = sheet.cell(row=1, column=index).column_letter
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)


def workbook_template(*, units: Iterable[CreationUnit]) -> Workbook:
    """An empty sheet per kind with its columns, and a sheet that says how to fill them."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = _("How to fill in")[:31]
    guide.column_dimensions["A"].width = 100
    for line in (
        _("Records of a creating place: one sheet per kind of record, one row per record."),
        _(
            "Column “unit”: the unit's name or number; leave it empty for the unit whose page "
            "you upload the file on."
        ),
        _("Dates as YYYY-MM-DD; floor areas in m²; amounts in 10,000 yuan (万元)."),
        _(
            "Types, levels and yes/no: choose from the list in the cell. Nothing is imported until "
            "every row is correct; the import page lists each problem by sheet, row and column."
        ),
        _("Units you may fill in:"),
        *[f"{unit.pk}  {unit.name}" for unit in units],
    ):
        guide.append([cell(line)])
    for kind in RECORD_KINDS:
        sheet = workbook.create_sheet(sheet_title(kind))
        _header(sheet, kind)
        _choices_validation(sheet, kind)
    return workbook


def workbook_export(*, records: dict[str, list[models.Model]]) -> Workbook:
    """The records of each kind (by section), with the same columns as the template."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in RECORD_KINDS:
        sheet = workbook.create_sheet(sheet_title(kind))
        _header(sheet, kind)
        for record in records.get(kind.section, []):
            sheet.append(
                [
                    cell(record.unit.name),
                    *(cell(display_value(record, name)) for name in kind.fields),
                ]
            )
        _choices_validation(sheet, kind)
    return workbook


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ParsedFile:
    rows: list[tuple[RecordKind, models.Model]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


class CellValueError(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    # A text the portal's export made safe for spreadsheets reads back as it was written.
    return spreadsheet_text_read(str(value).strip())


def _choice(model_field: models.Field, value: Any) -> str:
    text = _fold(_text(value))
    if not text:
        return ""
    for code, label in model_field.choices:
        accepted = {_fold(code), *_names(label)}
        # "Cultural station (文化站)" may be written as "文化站"
        accepted |= {_fold(part) for part in re.findall(r"[（(]([^（）()]+)[)）]", str(label))}
        if text in accepted:
            return code
    raise CellValueError(
        _("Choose one of: %(choices)s.")
        % {"choices": ", ".join(str(label) for _code, label in model_field.choices)}
    )


def _decimal(value: Any) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise CellValueError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellValueError(_("Enter a number.")) from None
    if not number.is_finite():
        raise CellValueError(_("Enter a number."))
    return number


def _integer(value: Any) -> int | None:
    try:
        number = _decimal(value)
    except CellValueError:
        raise CellValueError(_("Enter a whole number.")) from None
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellValueError(_("Enter a whole number."))
    return int(number)


def _date(value: Any) -> date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", _text(value))
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellValueError(_("Enter a date as YYYY-MM-DD."))


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _fold(_text(value))
    if text in TRUE_WORDS or text in _names(_("Yes")):
        return True
    if text in FALSE_WORDS or text in _names(_("No")):
        return False
    raise CellValueError(_("Enter yes or no."))


def convert(model_field: models.Field, value: Any) -> Any:
    """A cell's value as the model field takes it; CellValueError says what is wrong."""
    if model_field.choices:
        return _choice(model_field, value)
    if isinstance(model_field, models.BooleanField):
        return _boolean(value)
    if isinstance(model_field, models.DecimalField):
        return _decimal(value)
    if isinstance(model_field, models.IntegerField):
        return _integer(value)
    if isinstance(model_field, models.DateField):
        return _date(value)
    return _text(value)


class UnitResolver:
    """The unit a row names: only units the user may change; the page's unit when empty."""

    def __init__(self, *, editable: Iterable[CreationUnit], default: CreationUnit | None) -> None:
        self.default = default
        self.by_id = {unit.pk: unit for unit in editable}
        self.by_name: dict[str, list[CreationUnit]] = {}
        for unit in self.by_id.values():
            self.by_name.setdefault(_fold(unit.name), []).append(unit)

    def __call__(self, value: Any) -> CreationUnit:
        text = _text(value)
        if not text:
            if self.default is None:
                raise CellValueError(_("Name the unit."))
            return self.default
        if text.isdigit() and int(text) in self.by_id:
            return self.by_id[int(text)]
        found = self.by_name.get(_fold(text), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise CellValueError(
                _("Several of your units are called %(name)s: write the unit's number.")
                % {"name": text}
            )
        raise CellValueError(
            _("%(name)s is not a unit you may change: it is unknown or outside your scope.")
            % {"name": text}
        )


def _header_map(kind: RecordKind, header: list[Any]) -> tuple[dict[str, int], int | None]:
    wanted = {name: {_fold(name), *_names(kind.field(name).verbose_name)} for name in kind.fields}
    positions: dict[str, int] = {}
    unit_position = None
    unit_names = {"unit", *_names(UNIT_COLUMN), "单位", "创建单位"}
    for position, heading in enumerate(header):
        text = _fold(_text(heading))
        if not text:
            continue
        if text in unit_names and unit_position is None:
            unit_position = position
            continue
        for name, names in wanted.items():
            if text in names and name not in positions:
                positions[name] = position
    return positions, unit_position


def _required(model_field: models.Field) -> bool:
    return not model_field.blank and not model_field.has_default()


def _staff_key_taken(seen: set[tuple[int, str]], instance: models.Model) -> bool:
    key = (instance.unit_id, instance.level)
    if key in seen:
        return True
    seen.add(key)
    return False


def workbook_parse(
    workbook: Any, *, resolve_unit: UnitResolver, replace: bool = False
) -> ParsedFile:
    """Every record of the workbook as an unsaved, validated model instance, or the problems."""
    parsed = ParsedFile()
    sheets = {_fold(sheet.title): sheet for sheet in workbook.worksheets}
    staff_seen: set[tuple[int, str]] = set()
    for kind in RECORD_KINDS:
        titles = {_fold(kind.section), *_names(kind.model._meta.verbose_name_plural)}
        titles |= {_fold(title[:31]) for title in titles}
        sheet = next((sheets[title] for title in titles if title in sheets), None)
        if sheet is None:
            continue
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows, []) or [])
        positions, unit_position = _header_map(kind, header)
        missing = [
            name for name in kind.fields if name not in positions and _required(kind.field(name))
        ]
        for name in missing:
            parsed.errors.append(
                CellError(
                    sheet.title,
                    1,
                    str(kind.field(name).verbose_name),
                    _("This column is missing."),
                )
            )
        if missing:
            continue
        for number, values in enumerate(rows, start=2):
            values = list(values)
            if not any(_text(value) for value in values):
                continue  # blank rows in between
            if number > MAX_ROWS + 1:
                parsed.errors.append(
                    CellError(
                        sheet.title,
                        number,
                        "—",
                        _("At most %(max)s rows a sheet.") % {"max": MAX_ROWS},
                    )
                )
                break
            row_errors, fields, unit_value = _parse_row(
                kind, sheet.title, number, values, positions, unit_position
            )
            try:
                unit = resolve_unit(unit_value)
            except CellValueError as error:
                row_errors.append(CellError(sheet.title, number, str(UNIT_COLUMN), str(error)))
                unit = None
            # The cells that could be read are checked too, so one pass shows every problem.
            instance = _instance(kind, unit, fields, replace=replace)
            errors = row_errors + _validate(kind, sheet.title, number, instance, fields, unit)
            if kind.model is StaffCount and not errors and _staff_key_taken(staff_seen, instance):
                errors.append(
                    CellError(
                        sheet.title,
                        number,
                        str(kind.field("level").verbose_name),
                        _("This level is given twice for the unit."),
                    )
                )
            if errors:
                parsed.errors.extend(errors)
            else:
                parsed.rows.append((kind, instance))
    return parsed


def _parse_row(
    kind: RecordKind,
    title: str,
    number: int,
    values: list[Any],
    positions: dict[str, int],
    unit_position: int | None,
) -> tuple[list[CellError], dict[str, Any], Any]:
    errors: list[CellError] = []
    fields: dict[str, Any] = {}
    for name in kind.fields:
        model_field = kind.field(name)
        position = positions.get(name)
        value = values[position] if position is not None and position < len(values) else None
        try:
            fields[name] = convert(model_field, value)
        except CellValueError as error:
            errors.append(CellError(title, number, str(model_field.verbose_name), str(error)))
    unit_value = (
        values[unit_position] if unit_position is not None and unit_position < len(values) else None
    )
    return errors, fields, unit_value


def _instance(
    kind: RecordKind, unit: CreationUnit | None, fields: dict[str, Any], *, replace: bool
) -> models.Model:
    # Staff are one row per level: a file's row updates the unit's row of that level.
    instance = None
    if kind.model is StaffCount and unit is not None and not replace:
        instance = StaffCount.objects.filter(unit=unit, level=fields.get("level")).first()
    instance = instance or kind.model(unit=unit)
    for name, value in fields.items():
        model_field = kind.field(name)
        if value is None and not model_field.null:
            value = "" if isinstance(model_field, models.CharField | models.TextField) else None
        setattr(instance, name, value)
    return instance


def _validate(
    kind: RecordKind,
    title: str,
    number: int,
    instance: models.Model,
    fields: dict[str, Any],
    unit: CreationUnit | None,
) -> list[CellError]:
    # Cells that could not be read, and the unit when unknown, already have their message.
    exclude = [name for name in kind.fields if name not in fields]
    if unit is None:
        exclude.append("unit")
    try:
        # One row per staff level is checked within the file (workbook_parse); against the
        # database, a row of a level updates the unit's row of that level.
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            column = (
                "—"
                if name == NON_FIELD_ERRORS or name not in kind.fields
                else str(kind.field(name).verbose_name)
            )
            problems.extend(CellError(title, number, column, message) for message in messages)
        return problems
    return []
