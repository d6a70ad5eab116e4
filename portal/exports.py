"""CSV and Excel exports of any list, page or API, in bounded memory whatever the number of rows.

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
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark.
UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and how to read the cell from a row."""

    header: Any
    value: Callable[[Any], Any]


def model_columns(model: type[Model], paths: Sequence[str]) -> list[Column]:
    """Columns read from model fields, by path ("held_on", "unit__name"): headed by the field's
    verbose name, choices shown by their label, related objects by their text."""
    columns = []
    for path in paths:
        names = path.split("__")
        current: Any = model
        field: Any = None
        for name in names:
            field = current._meta.get_field(name)
            current = field.related_model or current
        columns.append(Column(capfirst(field.verbose_name), _reader(names, bool(field.choices))))
    return columns


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
    if isinstance(value, int | float | Decimal | date):
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.replace(tzinfo=None)
        return value
    if isinstance(value, list | tuple):
        return "; ".join(force_str(_typed(item)) for item in value)
    return force_str(value)


def _filename_header(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield UTF8_BOM + writer.writerow([_csv_text(h) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in row])


def _csv_text(value: Any) -> str:
    value = cell(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return force_str(value)


def csv_response(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
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
    for row in rows:
        sheet.append([cell(value) for value in row])
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _filename_header(f"{filename}.xlsx")
    return response


def export_response(
    fmt: str,
    *,
    columns: Sequence[Column],
    rows: QuerySet | Iterable[Any],
    filename: str,
    title: str = "",
) -> StreamingHttpResponse | FileResponse:
    """The rows as a CSV or Excel download, one column per `Column`."""
    headers = [column.header for column in columns]
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
                    ", ".join(f"{k}={v}" for k, v in flatten(item).items())
                    if isinstance(item, dict)
                    else force_str(item)
                    for item in value
                )
            else:
                flat[name] = value
    return flat
