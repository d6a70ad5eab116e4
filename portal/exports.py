"""CSV and Excel exports of any list, page or API, in bounded memory whatever the number of rows.

The files are made to be opened by people in Excel and by programs (pandas, openpyxl) alike:
every header is unique and says what its column holds, times are local (settings.TIME_ZONE) to
the minute with the zone in the header, a deadline (the last instant of a day) is that day, and
in Excel dates, times and amounts are typed cells, never text.

Rows are read from the database in chunks (`QuerySet.iterator`) and written out as they come:
CSV goes straight into a streaming response; Excel is written by openpyxl's write-only workbook,
which keeps rows in a temporary file rather than in memory, and the finished file is streamed
from disk.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db import models
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_str
from django.utils.functional import lazy
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, gettext_lazy

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark.
UTF8_BOM = "\ufeff"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_AMOUNT_FORMAT = "#,##0.00"
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and how to read the cell from a row. A column of
    moments (`is_time`) names the time zone its local times are in after its heading."""

    header: Any
    value: Callable[[Any], Any]
    is_time: bool = False

    @property
    def heading(self) -> Any:
        return local_time_header(self.header) if self.is_time else self.header


def local_time_header(header: Any) -> Any:
    """ "Submitted at (UTC+08:00)": the heading of a column of local times."""
    return format_lazy(gettext_lazy("{header} ({zone})"), header=header, zone=local_zone_name())


def local_zone_name() -> str:
    offset = timezone.localtime().strftime("%z")  # "+0800"
    return f"UTC{offset[:3]}:{offset[3:]}"


def model_columns(model: type[Model], paths: Sequence[str | tuple[str, Any]]) -> list[Column]:
    """Columns read from model fields, by path ("held_on", "unit__name"), or by (path, heading).

    A column is headed by its field's verbose name; a field reached through a relation is
    named after the relation as well ("unit__name" → "Creation unit name", "region__province__name"
    → "Province name"), since every related model has a "name" and a file whose headers repeat
    cannot be read by column name. Choices are shown by their label, related objects by their
    text; a date-time column states its time zone."""
    columns = []
    for entry in paths:
        path, heading = entry if isinstance(entry, tuple) else (entry, None)
        names = path.split("__")
        current: Any = model
        fields: list[Any] = []
        for name in names:
            field = current._meta.get_field(name)
            fields.append(field)
            current = field.related_model or current
        field = fields[-1]
        columns.append(
            Column(
                heading if heading is not None else _path_header(fields),
                _reader(names, bool(field.choices)),
                is_time=isinstance(field, models.DateTimeField),
            )
        )
    return columns


def _path_header(fields: list[Any]) -> Any:
    field = fields[-1]
    if len(fields) == 1 or field.is_relation:
        return capfirst(field.verbose_name)
    return related_header(fields[-2].verbose_name, field.verbose_name)


def _related_header(parent: Any, name: Any) -> str:
    parent, name = capfirst(force_str(parent)), force_str(name)
    # A name that already says its parent stands alone: "批次" + "批次号" is "批次号", and
    # "Batch" + "batch number" is "Batch number"; "Batch" + "year" is "Batch year".
    if name.lower().startswith(parent.lower()):
        return capfirst(name)
    if name[:1].isupper() and name[1:2].islower():
        name = name[0].lower() + name[1:]  # "Region" + "Name" → "Region name"; "ID" stays
    return gettext("{parent} {name}").format(parent=parent, name=name)


related_header = lazy(_related_header, str)
related_header.__doc__ = """The heading of a field of a related object or of a nested part,
named after both ("Batch number", "创建单位名称"), translated when the file is written."""


def _reader(names: list[str], has_choices: bool) -> Callable[[Any], Any]:
    def read(row: Any) -> Any:
        value = row
        for name in names[:-1]:
            value = getattr(value, name, None)
            if value is None:
                return None
        if has_choices:
            return getattr(value, f"get_{names[-1]}_display")()
        value = getattr(value, names[-1])
        return value if isinstance(value, int | float | Decimal | date | str | None) else str(value)

    return read


def export_if_requested(
    request: HttpRequest,
    rows: QuerySet | Iterable[Any],
    *,
    columns: Sequence[Column],
    filename: str,
) -> StreamingHttpResponse | FileResponse | None:
    """The list as a download when the page was asked for `?format=csv|xlsx`, else None."""
    fmt = requested_format(request)
    if fmt is None:
        return None
    return export_response(fmt, columns=columns, rows=rows, filename=filename)


def requested_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in EXPORT_FORMATS else None


def rows_of(queryset: QuerySet | Iterable[Any]) -> Iterator[Any]:
    """Rows one chunk at a time; a plain iterable (already bounded) is passed through."""
    if isinstance(queryset, QuerySet):
        return queryset.iterator(chunk_size=CHUNK_SIZE)
    return iter(queryset)


# A text cell that starts with one of these is run as a formula by Excel, LibreOffice or Sheets
# (OWASP "CSV injection"); tab and carriage return hide the sign from a first look.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_text(text: str) -> str:
    """Text as a spreadsheet shows it and never runs it: a text that a spreadsheet would read as
    a formula gets a leading apostrophe. Plain numbers written as text ("-12.50") are left alone;
    so is a text that merely starts with an apostrophe, unless stripping one apostrophe from
    it would give back a formula, so that `spreadsheet_text_read` is its exact inverse."""
    if text[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    if text[:1] == "'" and spreadsheet_text(text[1:]) != text[1:]:
        return "'" + text
    return text


def spreadsheet_text_read(text: str) -> str:
    """The text that `spreadsheet_text` wrote as this cell (for files that come back)."""
    if text[:1] == "'" and spreadsheet_text(text[1:]) == text:
        return text[1:]
    return text


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers and dates stay typed, the rest becomes text, made
    safe by `spreadsheet_text`. Every spreadsheet and CSV file of the portal writes its cells
    through this function."""
    value = _typed(value)
    return spreadsheet_text(value) if isinstance(value, str) else value


def _typed(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return local_minute(value)
    if isinstance(value, int | float | Decimal | date):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(force_str(_typed(item)) for item in value)
    return force_str(value)


def local_minute(moment: datetime) -> datetime | date:
    """A moment as a spreadsheet shows it: naive local time to the minute (Excel has no time
    zones). A deadline, stored as the last instant of its day (23:59:59.999999), is that day as
    a date: Excel would round its microseconds up to midnight of the next day."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    moment = moment.replace(tzinfo=None)
    if moment.time() == time.max:
        return moment.date()
    return moment.replace(second=0, microsecond=0)


def _filename_header(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, iso_times: bool = False
) -> Iterator[str]:
    """The lines of a CSV file. Times are local, "YYYY-MM-DD HH:MM" for people (the header
    names the zone), or ISO 8601 with their offset for programs (`iso_times`)."""
    writer = csv.writer(_Echo())
    yield UTF8_BOM + writer.writerow([_csv_text(h, iso_times) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_text(value, iso_times) for value in row])


def _csv_text(value: Any, iso_times: bool) -> str:
    value = cell(value)
    if isinstance(value, datetime):
        if iso_times:
            return timezone.make_aware(value).isoformat(timespec="seconds")
        return value.strftime(CSV_TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return force_str(value)


def csv_response(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    filename: str,
    iso_times: bool = False,
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(headers, rows, iso_times=iso_times), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _filename_header(f"{filename}.csv")
    return response


def xlsx_response(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str, title: str = ""
) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "export")[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        heading = WriteOnlyCell(sheet, value=cell(header))
        heading.font = bold
        header_cells.append(heading)
    sheet.append(header_cells)

    def typed_cell(value: Any) -> Any:
        value = cell(value)
        number_format = _xlsx_format(value)
        if number_format is None:
            return value
        written = WriteOnlyCell(sheet, value=value)
        written.number_format = number_format
        return written

    for row in rows:
        sheet.append([typed_cell(value) for value in row])
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _filename_header(f"{filename}.xlsx")
    return response


def _xlsx_format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return XLSX_TIME_FORMAT
    if isinstance(value, date):
        return XLSX_DATE_FORMAT
    if isinstance(value, Decimal):
        return XLSX_AMOUNT_FORMAT
    return None


def export_response(
    fmt: str,
    *,
    columns: Sequence[Column],
    rows: QuerySet | Iterable[Any],
    filename: str,
    title: str = "",
) -> StreamingHttpResponse | FileResponse:
    """The rows as a CSV or Excel download, one column per `Column`."""
    headers = [column.heading for column in columns]
    values = ([column.value(row) for column in columns] for row in rows_of(rows))
    stamped = f"{filename}-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        return xlsx_response(headers, values, filename=stamped, title=title or filename)
    return csv_response(headers, values, filename=stamped)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """A serializer's nested output as flat columns: {"unit": {"name": x}} → {"unit.name": x}."""
    flat: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(flatten(value, name))
            elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
                flat[name] = "; ".join(
                    ", ".join(f"{k}={_item_text(v)}" for k, v in flatten(item).items())
                    if isinstance(item, dict)
                    else force_str(item)
                    for item in value
                )
            else:
                flat[name] = value
    return flat


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _item_text(value: Any) -> str:
    """A value inside a list joined into one cell: a serializer's time ("…T23:59:59.999999+08:00")
    written like the time of any other cell, local to the minute with its offset, or a date."""
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            shown = local_minute(moment)
            if isinstance(shown, datetime):
                return timezone.make_aware(shown).isoformat()
            return shown.isoformat()
    return force_str(value)
