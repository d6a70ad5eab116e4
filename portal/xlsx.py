"""A one-sheet Excel workbook written row by row as XML text, for exports of any length.

openpyxl's write-only workbook and xlsxwriter's constant-memory mode build one Python object (or
make several calls) per cell: 600,000 rows of thirteen columns took 250 s with the first and
80 s with the second before a single row was read from the database. Here a cell is a short
string made by a function chosen once per column (`portal.exports`), a row is one `join`, and
the sheet goes through zlib in large pieces, so the sheet costs a few seconds per 100,000 rows
and memory stays flat. The file holds only what the exports need: inline strings, numbers,
and four styles (bold headings, dates, times to the minute, amounts).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO

# Styles, by their index in `cellXfs` of STYLES.
HEADING_STYLE = 1
DATE_STYLE = 2
TIME_STYLE = 3
AMOUNT_STYLE = 4
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
AMOUNT_FORMAT = "#,##0.00"

EMPTY_CELL = "<c/>"
# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in for every later date).
_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_MINUTES_PER_DAY = 24 * 60
# Characters XML 1.0 cannot hold at all, and the three it holds only escaped.
_NOT_PLAIN = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    | {chr(c): None for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}
    | {"\ufffe": None, "\uffff": None}
)
# How much sheet text is gathered before it is encoded and compressed.
_FLUSH_CHARACTERS = 1 << 20
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def text_cell(text: str, style: int = 0) -> str:
    if _NOT_PLAIN.search(text):
        text = text.translate(_ESCAPES)
    shown = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{shown}><is><t xml:space="preserve">{text}</t></is></c>'


def number_cell(number: int | float) -> str:
    return f"<c><v>{number!r}</v></c>"


def amount_cell(amount: object) -> str:
    return f'<c s="{AMOUNT_STYLE}"><v>{amount}</v></c>'


def date_cell(day: date) -> str:
    return f'<c s="{DATE_STYLE}"><v>{day.toordinal() - _EXCEL_EPOCH_ORDINAL}</v></c>'


def minute_cell(moment: datetime) -> str:
    """A naive local time, to the minute."""
    serial = (
        moment.toordinal()
        - _EXCEL_EPOCH_ORDINAL
        + (moment.hour * 60 + moment.minute) / _MINUTES_PER_DAY
    )
    return f'<c s="{TIME_STYLE}"><v>{serial!r}</v></c>'


def sheet_name(title: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip("'")[:31]
    return name or "export"


def write_workbook(
    target: IO[bytes], *, title: str, headings: Iterable[str], rows: Iterable[Iterable[str]]
) -> None:
    """The workbook into `target`: one sheet named `title`, a bold row of `headings`, then
    `rows`, each an iterable of cells made by the `*_cell` functions above."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELATIONSHIPS)
        book.writestr("xl/workbook.xml", _workbook(sheet_name(title)))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONSHIPS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for piece in _sheet_pieces(headings, rows):
                sheet.write(piece.encode("utf-8"))


def _sheet_pieces(headings: Iterable[str], rows: Iterable[Iterable[str]]) -> Iterator[str]:
    heading_row = "".join(text_cell(heading, HEADING_STYLE) for heading in headings)
    pending = [f'{_DECLARATION}<worksheet xmlns="{_MAIN}"><sheetData><row>{heading_row}</row>']
    size = 0
    for row in rows:
        line = "<row>" + "".join(row) + "</row>"
        pending.append(line)
        size += len(line)
        if size >= _FLUSH_CHARACTERS:
            yield "".join(pending)
            pending = []
            size = 0
    pending.append("</sheetData></worksheet>")
    yield "".join(pending)


def _workbook(name: str) -> str:
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
        f'<sheet name="{name.translate(_ESCAPES).replace(chr(34), "&quot;")}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )


_CONTENT_TYPES = (
    f'{_DECLARATION}<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELATIONSHIPS = (
    f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELATIONSHIPS = (
    f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLE = 'fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"'
_STYLES = (
    f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="3"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{TIME_FORMAT}"/>'
    f'<numFmt numFmtId="166" formatCode="{AMOUNT_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    f'<xf numFmtId="164" {_STYLE}/><xf numFmtId="165" {_STYLE}/><xf numFmtId="166" {_STYLE}/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
