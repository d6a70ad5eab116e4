"""Excel import and export of a creating place's records (§7): a clean file imports; a file with
a bad number, a missing column or a unit outside the user's scope is refused with row and column
messages, and nothing is saved."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from places.excel import sheet_title, workbook_template
from places.kinds import KINDS_BY_SECTION, RECORD_KINDS
from places.models import ArtTeam, CulturalEvent, Facility, StaffCount
from places.services import place_records_import
from places.tests.factories import FacilityFactory, StaffCountFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _english():
    # Messages and column names as written in the code (the catalogue translates some of them).
    with translation.override("en"):
        yield


def _workbook(sheets: dict[str, list[list]]) -> Workbook:
    """A workbook with the given sheets (by section), header row first, in English."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    with translation.override("en"):
        for section, rows in sheets.items():
            sheet = workbook.create_sheet(sheet_title(KINDS_BY_SECTION[section]))
            for row in rows:
                sheet.append(row)
    return workbook


def _upload(workbook: Workbook, name: str = "records.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


FACILITY_HEADER = [
    "unit",
    "type",
    "name",
    "community",
    "address",
    "floor area (m²)",
    "equipment",
    "opening hours a week",
]
TEAM_HEADER = ["unit", "name", "type", "community", "members"]
EVENT_HEADER = ["unit", "name", "date", "brand event", "performances", "audience (person-times)"]
STAFF_HEADER = ["unit", "level", "full-time staff", "part-time staff", "volunteers"]


def _clean_file(unit_name: str = "") -> Workbook:
    return _workbook(
        {
            "facilities": [
                FACILITY_HEADER,
                [unit_name, "文化站", "东风街道文化站", "东风社区", "东风路8号", 520.5, "音响", 48],
                [unit_name, "community_room", "新河社区文化活动室", "新河社区", "", "60", "", "42"],
            ],
            "art-teams": [
                TEAM_HEADER,
                [unit_name, "东风社区舞蹈队", "Dance (舞蹈)", "东风社区", 24],
            ],
            "events": [
                EVENT_HEADER,
                [unit_name, "东风社区艺术节", date(2026, 5, 1), "是", 12, 3000],
                [unit_name, "送戏进社区", "2026-06-01", "no", 1, 300],
            ],
            "staff": [STAFF_HEADER, [unit_name, "区县", 13, 4, 60]],
        }
    )


def _import(world, workbook, *, role="unit_staff", replace=False):
    return place_records_import(
        user=world.users[role],
        workbook=load_workbook(io.BytesIO(_upload(workbook).read())),
        default_unit=world.objects["units"]["own"],
        replace=replace,
    )


def _count(unit) -> int:
    return sum(kind.model.objects.filter(unit=unit).count() for kind in RECORD_KINDS)


def test_clean_file_imports_every_row(world):
    own = world.objects["units"]["own"]
    before = _count(own)
    result = _import(world, _clean_file())
    assert result.ok, result.errors
    assert result.created == {"facilities": 2, "art-teams": 1, "events": 2, "staff": 1}
    assert _count(own) == before + 5  # the staff row updates the county row of the world
    station = Facility.objects.get(unit=own, name="东风街道文化站")
    assert (station.kind, station.floor_area, station.weekly_hours) == (
        Facility.Kind.STATION,
        Decimal("520.5"),
        Decimal(48),
    )
    assert ArtTeam.objects.get(unit=own, name="东风社区舞蹈队").kind == ArtTeam.Kind.DANCE
    festival = CulturalEvent.objects.get(unit=own, name="东风社区艺术节")
    assert (festival.held_on, festival.is_brand) == (date(2026, 5, 1), True)
    assert CulturalEvent.objects.get(unit=own, name="送戏进社区").is_brand is False


def test_staff_rows_update_the_level_row_instead_of_adding_one(world):
    own = world.objects["units"]["own"]
    # the world already holds a county row for every unit
    assert StaffCount.objects.get(unit=own, level="county").full_time != 13
    assert _import(world, _clean_file()).ok
    assert StaffCount.objects.filter(unit=own, level="county").count() == 1
    assert StaffCount.objects.get(unit=own, level="county").full_time == 13


def test_rows_may_name_the_unit_by_name_or_number(world):
    own = world.objects["units"]["own"]
    by_name = _workbook({"art-teams": [TEAM_HEADER, [own.name, "甲队", "choir", "新河社区", 10]]})
    by_number = _workbook({"art-teams": [TEAM_HEADER, [own.pk, "乙队", "合唱", "新河社区", 11]]})
    assert _import(world, by_name).ok
    assert _import(world, by_number).ok
    assert set(
        ArtTeam.objects.filter(unit=own, community="新河社区").values_list("name", flat=True)
    ) == {"甲队", "乙队"}


def test_bad_number_is_refused_by_row_and_column_and_nothing_is_saved(world):
    own = world.objects["units"]["own"]
    before = _count(own)
    workbook = _clean_file()
    workbook[sheet_title(KINDS_BY_SECTION["facilities"])]["F3"] = "sixty"  # row 3, floor area
    workbook[sheet_title(KINDS_BY_SECTION["art-teams"])]["E2"] = 2.5  # row 2, members
    result = _import(world, workbook)
    assert not result.ok
    found = {(error.row, error.column, error.message) for error in result.errors}
    assert (3, "floor area (m²)", "Enter a number.") in found
    assert (2, "members", "Enter a whole number.") in found
    assert result.created == {}
    assert _count(own) == before


def test_missing_column_is_refused_and_nothing_is_saved(world):
    own = world.objects["units"]["own"]
    before = _count(own)
    workbook = _clean_file()
    sheet = workbook[sheet_title(KINDS_BY_SECTION["facilities"])]
    sheet.delete_cols(6)  # floor area
    result = _import(world, workbook)
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
        (sheet.title, 1, "floor area (m²)", "This column is missing.")
    ]
    assert _count(own) == before


def test_unit_outside_the_scope_is_refused_and_nothing_is_saved(world):
    own, other = world.objects["units"]["own"], world.objects["units"]["other"]
    before = (_count(own), _count(other))
    workbook = _clean_file()
    sheet = workbook[sheet_title(KINDS_BY_SECTION["events"])]
    sheet["A3"] = other.name
    result = _import(world, workbook)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.sheet, error.row, error.column) == (sheet.title, 3, "unit")
    assert other.name in error.message
    assert (_count(own), _count(other)) == before


def test_unit_the_user_sees_but_may_not_change_is_refused(world):
    """Sibling is in the provincial reviewer's scope, but only its staff change its records."""
    sibling = world.objects["units"]["sibling"]
    workbook = _workbook({"art-teams": [TEAM_HEADER, [sibling.name, "队", "dance", "社区", 5]]})
    result = _import(world, workbook)
    assert [error.column for error in result.errors] == ["unit"]
    assert not ArtTeam.objects.filter(unit=sibling, name="队").exists()


def test_other_problems_are_listed_with_their_cells(world):
    workbook = _workbook(
        {
            "facilities": [
                FACILITY_HEADER,
                ["", "library", "", "", "", -5, "", 200],
            ],
            "events": [EVENT_HEADER, ["", "节", "2026-13-01", "maybe", 1, 1]],
            "staff": [STAFF_HEADER, ["", "county", 1, 1, 1], ["", "区县", 2, 2, 2]],
        }
    )
    result = _import(world, workbook)
    cells = {(error.row, error.column) for error in result.errors}
    assert {
        (2, "type"),
        (2, "name"),
        (2, "floor area (m²)"),
        (2, "opening hours a week"),
        (2, "date"),
        (2, "brand event"),
        (3, "level"),
    } <= cells


def test_replace_swaps_the_unit_records_of_the_kinds_in_the_file(world):
    own, sibling = world.objects["units"]["own"], world.objects["units"]["sibling"]
    FacilityFactory(unit=own, name="旧设施")
    assert _import(world, _clean_file(), replace=True).ok
    assert set(Facility.objects.filter(unit=own).values_list("name", flat=True)) == {
        "东风街道文化站",
        "新河社区文化活动室",
    }
    assert Facility.objects.filter(unit=sibling).exists()  # other units untouched


def assert_reads_back_the_same(user, unit, workbook: bytes) -> None:
    """Importing an exported records workbook over the unit's records changes none of them."""

    def records() -> dict[str, list[str]]:
        return {
            kind.section: sorted(map(str, kind.model.objects.filter(unit=unit)))
            for kind in RECORD_KINDS
        }

    before = records()
    result = place_records_import(
        user=user, workbook=load_workbook(io.BytesIO(workbook)), default_unit=unit, replace=True
    )
    assert result.ok, result.errors
    assert records() == before


def test_export_reads_back_as_the_same_records(world, client):
    own = world.objects["units"]["own"]
    StaffCountFactory(unit=own, level="community", full_time=3, part_time=2, volunteers=9)
    client.force_login(world.users["unit_staff"])
    response = client.get(reverse("place:records-export", kwargs={"pk": own.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert_reads_back_the_same(world.users["unit_staff"], own, response.content)


def test_template_has_a_sheet_per_kind_with_its_columns(world, client):
    own = world.objects["units"]["own"]
    client.force_login(world.users["unit_staff"])
    response = client.get(reverse("place:records-template", kwargs={"pk": own.pk}))
    workbook = load_workbook(io.BytesIO(response.content))
    titles = workbook.sheetnames[1:]
    assert len(titles) == len(RECORD_KINDS)
    for kind, title in zip(RECORD_KINDS, titles, strict=True):
        header = [cell.value for cell in workbook[title][1]]
        assert len(header) == len(kind.fields) + 1
        assert workbook[title].max_row == 1  # no rows to delete before filling in
    guide = "\n".join(str(row[0].value) for row in workbook.worksheets[0].iter_rows())
    assert own.name in guide


def test_template_filled_in_chinese_imports(world):
    own = world.objects["units"]["own"]
    with translation.override("zh-hans"):
        workbook = workbook_template(units=[own])
        sheet = workbook[sheet_title(KINDS_BY_SECTION["honours"])]
        sheet.append(["", "省级文化先进单位", "Provincial (省级)", "2026-03-08", "省文化厅"])
    result = _import(world, workbook)
    assert result.ok, result.errors
    assert own.honours.filter(title="省级文化先进单位", level="provincial").exists()


# --- The import page ----------------------------------------------------------------------------


def test_import_page_lists_the_problems_and_saves_nothing(world, client):
    own = world.objects["units"]["own"]
    before = _count(own)
    workbook = _clean_file()
    workbook[sheet_title(KINDS_BY_SECTION["facilities"])]["F2"] = "大"
    client.force_login(world.users["unit_staff"])
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("place:records-import", kwargs={"pk": own.pk}), {"file": _upload(workbook)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-error-row="2"' in page
    assert "Enter a number." in page
    assert _count(own) == before


def test_import_page_imports_a_clean_file(world, client):
    own = world.objects["units"]["own"]
    before = _count(own)
    client.force_login(world.users["unit_staff"])
    response = client.post(
        reverse("place:records-import", kwargs={"pk": own.pk}), {"file": _upload(_clean_file())}
    )
    assert response.status_code == 302
    assert _count(own) == before + 5  # the staff row updates the county row
    assert response.url == reverse("place:records", kwargs={"pk": own.pk})


def test_import_page_refuses_a_file_that_is_not_excel(world, client):
    own = world.objects["units"]["own"]
    client.force_login(world.users["unit_staff"])
    fake = SimpleUploadedFile("records.xlsx", b"not a workbook at all", content_type=XLSX)
    response = client.post(reverse("place:records-import", kwargs={"pk": own.pk}), {"file": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
