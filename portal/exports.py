"""CSV and Excel exports of any list, page or API, fast and in bounded memory whatever the
number of rows.

The files are made to be opened by people in Excel and by programs (pandas, openpyxl) alike:
every header is unique and says what its column holds, times are local (settings.TIME_ZONE) to
the minute with the zone in the header, a deadline is its day, and in Excel dates, times and
amounts are typed cells, never text.

Each column declares what it holds (`Kind`), so that its cells are written by one function
chosen once for the column rather than by looking at every value. A list whose columns all
name database fields (`Column.reads`) is read as tuples (`values_list`, a chunk at a time from
a server-side cursor), without building a model instance per row; other lists are read as
objects, a chunk at a time. CSV is written by the csv module a few thousand rows at a time into
a streaming response; Excel by `portal.xlsx` into a temporary file that is then streamed.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from operator import itemgetter
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_str
from django.utils.functional import lazy
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language, gettext, gettext_lazy

from portal import xlsx

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark.
UTF8_BOM = "\ufeff"
XLSX_DATE_FORMAT = xlsx.DATE_FORMAT
XLSX_TIME_FORMAT = xlsx.TIME_FORMAT
XLSX_AMOUNT_FORMAT = xlsx.AMOUNT_FORMAT
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"
# Rows read per trip to the database, and rows of CSV text sent as one piece of the response.
READ_CHUNK_SIZE = 5000
CSV_ROWS_PER_PIECE = 2000


class Kind(StrEnum):
    """What a column holds. Declared once per column: its cells are written by one function,
    and a deadline is told from a time by its column, never guessed from its value."""

    ANY = "any"  # looked at cell by cell (`cell`)
    TEXT = "text"
    NUMBER = "number"
    AMOUNT = "amount"  # a Decimal in yuan: a number cell shown with two decimals
    DATE = "date"
    TIME = "time"  # a moment: local, to the minute, its heading names the zone
    # A moment stored as the last instant of its day (23:59:59.999999 local): that day, as a
    # date; as a time Excel would round the microseconds up to midnight of the next day.
    DEADLINE = "deadline"
    YES_NO = "yes_no"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading, what it holds and how to read its cell.

    Either `value` reads the cell from the row object, or the column `reads` database paths
    ("held_on", "unit__name"; fields, not relations) and `value`, when given, makes the cell of
    their values (without it the cell is the one value read). A list whose columns all read
    paths is read from the database as tuples."""

    header: Any
    value: Callable[..., Any] | None = None
    kind: Kind = Kind.ANY
    reads: tuple[str, ...] = ()
    # Every value is of the kind's Python type, or None: read as stored from a model field of
    # that kind. The CSV writer then leaves numbers and dates to the csv module.
    typed: bool = False

    @property
    def heading(self) -> Any:
        return local_time_header(self.header) if self.kind == Kind.TIME else self.header

    def read_object(self) -> Callable[[Any], Any]:
        """The cell of a row object."""
        if not self.reads:
            if self.value is None:
                raise ValueError(f"column {self.header!r} neither reads paths nor has a value")
            return self.value
        paths = [path.split("__") for path in self.reads]
        make = self.value
        if make is None:
            (names,) = paths
            return lambda row: _path_value(row, names)
        return lambda row: make(*(_path_value(row, names) for names in paths))


def _path_value(row: Any, names: list[str]) -> Any:
    value = row
    for name in names:
        try:
            value = getattr(value, name)
        except ObjectDoesNotExist:  # a missing reverse one-to-one, as the database's NULL
            return None
        if value is None:
            return None
    return value


def local_time_header(header: Any) -> Any:
    """ "Submitted at (UTC+08:00)": the heading of a column of local times."""
    return format_lazy(gettext_lazy("{header} ({zone})"), header=header, zone=local_zone_name())


def local_zone_name() -> str:
    offset = timezone.localtime().strftime("%z")  # "+0800"
    return f"UTC{offset[:3]}:{offset[3:]}"


def model_columns(
    model: type[Model],
    paths: Sequence[str | tuple[str, Any]],
) -> list[Column]:
    """Columns read from model fields, by path ("held_on", "unit__name"), or by (path, heading).

    A column is headed by its field's verbose name; a field reached through a relation is
    named after the relation as well ("unit__name" → "Creation unit name", "region__province__name"
    → "Province name"), since every related model has a "name" and a file whose headers repeat
    cannot be read by column name. Choices are shown by their label, related objects by their
    text; a date-time column states its time zone. (A deadline is a `Column` of its own kind.)"""
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
        header = heading if heading is not None else _path_header(fields)
        if field.is_relation or any(f.one_to_many or f.many_to_many for f in fields):
            # Shown by the related object's text, which only the object knows.
            columns.append(Column(header, _object_text_reader(names)))
            continue
        kind = _model_field_kind(field)
        if field.choices:
            columns.append(Column(header, ChoiceLabel(field), kind=kind, reads=(path,)))
        else:
            columns.append(Column(header, kind=kind, reads=(path,), typed=kind != Kind.ANY))
    return columns


def _model_field_kind(field: models.Field) -> Kind:
    if field.choices:
        return Kind.TEXT
    if isinstance(field, models.BooleanField):
        return Kind.YES_NO
    if isinstance(field, models.DateTimeField):
        return Kind.TIME
    if isinstance(field, models.DateField):
        return Kind.DATE
    if isinstance(field, models.DecimalField):
        return Kind.AMOUNT
    if isinstance(field, models.IntegerField | models.FloatField):
        return Kind.NUMBER
    if isinstance(field, models.CharField | models.TextField):
        return Kind.TEXT
    return Kind.ANY


class ChoiceLabel:
    """A stored choice as its label in the language of the export (looked up once per
    language, not once per cell)."""

    def __init__(self, field: models.Field) -> None:
        self.choices = dict(field.flatchoices)
        self.labels: dict[str | None, dict[Any, str]] = {}

    def __call__(self, value: Any) -> Any:
        language = get_language()
        labels = self.labels.get(language)
        if labels is None:
            labels = {key: force_str(label) for key, label in self.choices.items()}
            self.labels[language] = labels
        return labels.get(value, value)


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


def _object_text_reader(names: list[str]) -> Callable[[Any], Any]:
    def read(row: Any) -> Any:
        value = _path_value(row, names)
        return None if value is None else str(value)

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


def column_values(columns: Sequence[Column], rows: QuerySet | Iterable[Any]) -> Iterator[list[Any]]:
    """Each row as the list of its columns' values. A queryset whose columns all read database
    paths is read as tuples of those paths; anything else as objects."""
    if (
        isinstance(rows, QuerySet)
        and not rows.query.combinator
        and columns
        and all(column.reads for column in columns)
    ):
        return _values_of_tuples(columns, rows)
    readers = [column.read_object() for column in columns]
    return ([read(row) for read in readers] for row in rows_of(rows))


def _values_of_tuples(columns: Sequence[Column], queryset: QuerySet) -> Iterator[tuple]:
    # The primary key first: a distinct queryset stays one row per object whatever is read.
    pk_name = queryset.model._meta.pk.name
    paths = ["pk"]
    for column in columns:
        paths.extend(path for path in column.reads if path not in paths and path != pk_name)
    # A row is the tuple read, followed by the values of the columns that make theirs; one
    # itemgetter then puts every column's value in its place.
    made: list[Callable[[tuple], Any]] = []
    places: list[int] = []
    for column in columns:
        where = [paths.index("pk" if path == pk_name else path) for path in column.reads]
        make = column.value
        if make is None:
            places.append(where[0])
            continue
        places.append(len(paths) + len(made))
        if len(where) == 1:
            made.append(lambda row, at=where[0], make=make: make(row[at]))
        else:
            pick = itemgetter(*where)
            made.append(lambda row, pick=pick, make=make: make(*pick(row)))
    in_place: Callable[[tuple], tuple] = (
        itemgetter(*places) if len(places) > 1 else lambda row: (row[places[0]],)
    )
    tuples = queryset.values_list(*paths).iterator(chunk_size=READ_CHUNK_SIZE)
    if not made:
        return (in_place(row) for row in tuples)
    return (in_place(row + tuple([make(row) for make in made])) for row in tuples)


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
    through this function, or through the function its column's `Kind` chose, which gives the
    same cell for the values of that kind."""
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


def local_minute(moment: datetime) -> datetime:
    """A moment as a spreadsheet shows it: naive local time to the minute (Excel has no time
    zones)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def deadline_day(moment: datetime) -> date:
    """A deadline as a spreadsheet shows it: its local day (see `Kind.DEADLINE`)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.date()


def _filename_header(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# --- Cells by kind: one function per column, chosen when the file starts ----------------------


def _csv_any(iso_times: bool) -> Callable[[Any], str]:
    def text(value: Any) -> str:
        value = cell(value)
        if isinstance(value, datetime):
            if iso_times:
                return timezone.make_aware(value).isoformat(timespec="seconds")
            return value.strftime(CSV_TIME_FORMAT)
        if isinstance(value, date):
            return value.isoformat()
        return force_str(value)

    return text


# Most text starts with none of these, and needs no closer look (`spreadsheet_text`).
_CHECKED_STARTS = frozenset((*FORMULA_STARTS, "'"))


def _safe_text(text: str) -> str:
    return spreadsheet_text(text) if text[:1] in _CHECKED_STARTS else text


def _safe_text_or_none(text: str | None) -> str | None:
    if text is None or text[:1] not in _CHECKED_STARTS:
        return text
    return spreadsheet_text(text)


def csv_cell_writer(
    kind: Kind, *, iso_times: bool = False, typed: bool = False
) -> Callable[[Any], Any] | None:
    """The text of a CSV cell of this kind. A value that is not of the kind (a serializer's
    text, say) is written as any value would be. Times are shown in the zone that is current
    when the writer is made. None for a `typed` column of numbers or dates: the csv module
    writes an int, a Decimal, a date and None as this function would (str(), and "" for
    None)."""
    any_text = _csv_any(iso_times)
    zone = timezone.get_current_timezone()
    if typed and kind in (Kind.NUMBER, Kind.AMOUNT, Kind.DATE):
        return None
    if typed and kind == Kind.TEXT:
        return _safe_text_or_none
    if kind == Kind.TEXT:
        return lambda v: _safe_text(v) if type(v) is str else any_text(v)
    if kind == Kind.NUMBER:
        return lambda v: str(v) if type(v) is int or type(v) is float else any_text(v)
    if kind == Kind.AMOUNT:
        return lambda v: str(v) if type(v) is Decimal else any_text(v)
    if kind == Kind.DATE:
        return lambda v: v.isoformat() if type(v) is date else any_text(v)
    if kind == Kind.DEADLINE:
        return lambda v: (
            v.astimezone(zone).date().isoformat()
            if type(v) is datetime and v.tzinfo is not None
            else any_text(v)
        )
    if kind == Kind.TIME and iso_times:
        return lambda v: (
            v.astimezone(zone).replace(second=0, microsecond=0).isoformat()
            if type(v) is datetime and v.tzinfo is not None
            else any_text(v)
        )
    if kind == Kind.TIME:
        return lambda v: (
            v.astimezone(zone).strftime(CSV_TIME_FORMAT)
            if type(v) is datetime and v.tzinfo is not None
            else any_text(v)
        )
    if kind == Kind.YES_NO:
        shown = {True: gettext("Yes"), False: gettext("No"), None: ""}
        return lambda v: shown[v] if type(v) is bool or v is None else any_text(v)
    return any_text


def _xlsx_any(value: Any) -> str:
    value = cell(value)
    if isinstance(value, str):
        return xlsx.text_cell(value) if value else xlsx.EMPTY_CELL
    if isinstance(value, datetime):
        return xlsx.minute_cell(value)
    if isinstance(value, date):
        return xlsx.date_cell(value)
    if isinstance(value, Decimal):
        return xlsx.amount_cell(value)
    return xlsx.number_cell(value)


def _xlsx_empty_or_any(value: Any) -> str:
    return xlsx.EMPTY_CELL if value is None else _xlsx_any(value)


def xlsx_cell_writer(kind: Kind) -> Callable[[Any], str]:
    """The XML of an Excel cell of this kind (see `csv_cell_writer`)."""
    zone = timezone.get_current_timezone()
    if kind == Kind.TEXT:
        return lambda v: (
            xlsx.text_cell(_safe_text(v)) if type(v) is str and v else _xlsx_empty_or_any(v)
        )
    if kind == Kind.NUMBER:
        return lambda v: xlsx.number_cell(v) if type(v) is int else _xlsx_empty_or_any(v)
    if kind == Kind.AMOUNT:
        return lambda v: xlsx.amount_cell(v) if type(v) is Decimal else _xlsx_any(v)
    if kind == Kind.DATE:
        return lambda v: xlsx.date_cell(v) if type(v) is date else _xlsx_any(v)
    if kind == Kind.DEADLINE:
        return lambda v: (
            xlsx.date_cell(v.astimezone(zone).date())
            if type(v) is datetime and v.tzinfo is not None
            else _xlsx_any(v)
        )
    if kind == Kind.TIME:
        return lambda v: (
            xlsx.minute_cell(v.astimezone(zone))
            if type(v) is datetime and v.tzinfo is not None
            else _xlsx_any(v)
        )
    if kind == Kind.YES_NO:
        shown = {True: xlsx.text_cell(gettext("Yes")), False: xlsx.text_cell(gettext("No"))}
        return lambda v: shown[v] if type(v) is bool else _xlsx_any(v)
    return _xlsx_any


# --- Files ----------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, iso_times: bool = False
) -> Iterator[str]:
    """The lines of a CSV file of values of any kind. Times are local, "YYYY-MM-DD HH:MM" for
    people (the header names the zone), or ISO 8601 with their offset for programs
    (`iso_times`)."""
    writer = csv.writer(_Echo())
    text = _csv_any(iso_times)
    yield UTF8_BOM + writer.writerow([text(h) for h in headers])
    for row in rows:
        yield writer.writerow([text(value) for value in row])


def csv_pieces(
    headings: Sequence[Any],
    kinds: Sequence[Kind],
    rows: Iterable[Sequence[Any]],
    *,
    iso_times: bool = False,
    typed: Sequence[bool] | None = None,
) -> Iterator[str]:
    """A CSV file in pieces of many rows, each column's cells written by its kind's function
    (`csv_cell_writer`; `typed` says which columns are `Column.typed`)."""
    typed = typed if typed is not None else [False] * len(kinds)
    writers = [
        (at, write)
        for at, (kind, exact) in enumerate(zip(kinds, typed, strict=True))
        if (write := csv_cell_writer(kind, iso_times=iso_times, typed=exact)) is not None
    ]
    heading_text = _csv_any(iso_times)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow([heading_text(h) for h in headings])
    yield UTF8_BOM + buffer.getvalue()
    batch: list[list[str]] = []
    for row in rows:
        cells = list(row)
        for at, write in writers:
            cells[at] = write(cells[at])
        batch.append(cells)
        if len(batch) == CSV_ROWS_PER_PIECE:
            yield _csv_rows_text(batch)
            batch = []
    if batch:
        yield _csv_rows_text(batch)


def _csv_rows_text(batch: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(batch)
    return buffer.getvalue()


def csv_response(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    filename: str,
    iso_times: bool = False,
    kinds: Sequence[Kind] | None = None,
    typed: Sequence[bool] | None = None,
) -> StreamingHttpResponse:
    """Rows of values as a CSV download; the columns are of any kind unless `kinds` says."""
    kinds = kinds if kinds is not None else [Kind.ANY] * len(headers)
    response = StreamingHttpResponse(
        csv_pieces(headers, kinds, rows, iso_times=iso_times, typed=typed),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = _filename_header(f"{filename}.csv")
    return response


def xlsx_response(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    filename: str,
    title: str = "",
    kinds: Sequence[Kind] | None = None,
) -> FileResponse:
    """Rows of values as an Excel download (see `csv_response`)."""
    kinds = kinds if kinds is not None else [Kind.ANY] * len(headers)
    writers = [xlsx_cell_writer(kind) for kind in kinds]
    cells = ([write(value) for write, value in zip(writers, row, strict=True)] for row in rows)
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    xlsx.write_workbook(
        spool,
        title=title or "export",
        headings=[force_str(cell(header)) for header in headers],
        rows=cells,
    )
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _filename_header(f"{filename}.xlsx")
    return response


def columns_response(
    fmt: str,
    *,
    headings: Sequence[Any],
    columns: Sequence[Column],
    rows: QuerySet | Iterable[Any],
    filename: str,
    title: str = "",
    iso_times: bool = False,
) -> StreamingHttpResponse | FileResponse:
    """The rows as a CSV or Excel download under these headings, one column per `Column`."""
    kinds = [column.kind for column in columns]
    values = column_values(columns, rows)
    if fmt == "xlsx":
        return xlsx_response(headings, values, filename=filename, title=title, kinds=kinds)
    return csv_response(
        headings,
        values,
        filename=filename,
        iso_times=iso_times,
        kinds=kinds,
        typed=[column.typed for column in columns],
    )


def export_response(
    fmt: str,
    *,
    columns: Sequence[Column],
    rows: QuerySet | Iterable[Any],
    filename: str,
    title: str = "",
) -> StreamingHttpResponse | FileResponse:
    """The rows as a CSV or Excel download, one column per `Column`, headed by its heading."""
    return columns_response(
        fmt,
        headings=[column.heading for column in columns],
        columns=columns,
        rows=rows,
        filename=f"{filename}-{timezone.localdate().isoformat()}",
        title=title or filename,
    )


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
    """A value inside a list joined into one cell: a serializer's time ("…T10:05:59.123+08:00")
    written like the time of any other cell, local to the minute with its offset."""
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return timezone.make_aware(local_minute(moment)).isoformat()
    return force_str(value)
