"""Every list, in the API and on the pages, downloads as CSV and Excel, within the caller's scope
and in bounded memory."""

import csv
import io
import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from creation.models import Region
from portal.api import serializer_leaves
from portal.exports import UTF8_BOM

pytestmark = pytest.mark.django_db


def _api_list_routes() -> list[str]:
    """Names of every DRF list route of the portal (the router names them `<basename>-list`)."""
    names: list[str] = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif (
                isinstance(pattern, URLPattern)
                and (pattern.name or "").endswith("-list")
                and not pattern.pattern.regex.groups
            ):
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return sorted(name for name in set(names) if name.startswith("api:"))


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(UTF8_BOM)
    return list(csv.reader(io.StringIO(text[len(UTF8_BOM) :])))


def _xlsx_rows(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_every_api_list_exports_csv_and_xlsx_with_the_rows_of_its_json_list(world):
    routes = _api_list_routes()
    assert len(routes) > 20
    client = _api(world.users["office"])
    for name in routes:
        url = reverse(name)
        listed = client.get(url, {"page_size": 200})
        assert listed.status_code == 200, name
        count = listed.json()["count"]
        as_csv = client.get(url, {"format": "csv"})
        assert as_csv.status_code == 200, name
        assert as_csv["Content-Type"].startswith("text/csv"), name
        assert len(_csv_rows(as_csv)) == count + 1, name
        as_xlsx = client.get(url, {"format": "xlsx"})
        assert as_xlsx.status_code == 200, name
        assert ".xlsx" in as_xlsx["Content-Disposition"], name
        assert len(_xlsx_rows(as_xlsx)) == count + 1, name


def test_api_export_keeps_the_scope_and_the_filters(world):
    own = world.objects["units"]["own"]
    staff_rows = _csv_rows(
        _api(world.users["unit_staff"]).get("/api/v1/units/?format=csv&headers=keys")
    )
    header, *rows = staff_rows
    names = {row[header.index("name")] for row in rows}
    assert names == {own.name}

    office = _api(world.users["office"])
    province = world.province_own.pk
    filtered = _csv_rows(
        office.get("/api/v1/units/", {"format": "csv", "headers": "keys", "province": province})
    )
    header, *rows = filtered
    assert {row[header.index("name")] for row in rows} == {"长沙市", "株洲市"}


def test_api_export_refused_without_login(world):
    response = APIClient().get("/api/v1/units/?format=csv")
    assert response.status_code == 401


def test_export_cells_that_look_like_formulas_are_neutralised(world):
    own = world.objects["units"]["own"]
    own.name = "=HYPERLINK(1)"
    own.save(update_fields=["name"])
    header, *rows = _csv_rows(
        _api(world.users["unit_staff"]).get("/api/v1/units/?format=csv&headers=keys")
    )
    assert rows[0][header.index("name")] == "'=HYPERLINK(1)"


def _many_regions(world, count: int) -> None:
    city = Region.objects.get(name="长沙市")
    province_id = city.province_id
    Region.objects.bulk_create(
        (
            Region(
                code=f"9{n:09d}",
                name=f"区{n}",
                level="district",
                parent=city,
                province_id=province_id,
            )
            for n in range(count)
        ),
        batch_size=5000,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_streams_every_row(world, fmt):
    """The export is streamed, a row at a time, and complete. Its memory at volume (600,000
    rows, under 200 MB) is a figure of `make bench` (export_600k_peak_mb), not of this suite."""
    rows = 2_000
    _many_regions(world, rows)
    expected = Region.objects.count() + 1
    response = _api(world.users["superuser"]).get("/api/v1/regions/", {"format": fmt})
    assert response.status_code == 200
    assert response.streaming
    rows_read = _csv_rows(response) if fmt == "csv" else _xlsx_rows(response)
    assert len(rows_read) == expected


# --- Pages ---------------------------------------------------------------------------------------

PAGE_LISTS = {
    # route: (template that shows the list, whether the route takes the unit's pk)
    "creation:unit-list": ("creation/includes/_unit_table.html", False),
    "creation:province-home": ("creation/includes/_unit_table.html", False),
    "creation:office-home": ("creation/includes/_unit_table.html", False),
    "creation:meeting-list": ("creation/meeting_list.html", True),
    "creation:liaison-meeting-list": ("creation/liaison_meeting_list.html", False),
    "place:records": ("places/records.html", True),
    "reporting:unit-calendar": ("reporting/unit_calendar.html", True),
    "reporting:review-queue": ("reporting/review_queue.html", False),
    "reporting:province-reports": ("reporting/province_reports.html", False),
    "reporting:document-job-list": ("reporting/document_job_list.html", False),
    "funds:spending": ("funds/spending.html", True),
    "funds:province-plans": ("funds/province_plans.html", False),
    "funds:office-funds": ("funds/office_funds.html", False),
    "notifications": ("portal/notification_list.html", False),
    "dashboard:office": ("dashboard/includes/_heatmap.html", False),
    "dashboard:province": ("dashboard/includes/_heatmap.html", False),
    "scoring:outlets": ("scoring/outlets.html", False),
    "scoring:period-list": ("scoring/period_list.html", False),
    "scoring:review-queue": ("scoring/review_queue.html", False),
    "scoring:unit-publicity": ("scoring/unit_publicity.html", True),
    "acceptance:gauge-list": ("scoring/acceptance/gauge_list.html", False),
    "acceptance:standard-list": ("scoring/acceptance/standard_list.html", False),
    "inspections:plan": ("inspections/plan.html", False),
    "inspections:inspection-list": ("inspections/list.html", False),
    "inspections:letter-list": ("inspections/letters.html", False),
    "inspections:unit-rectifications": ("inspections/unit_rectifications.html", True),
    "inspections:rectification-queue": ("inspections/rectification_queue.html", False),
    "inspections:unit-self-inspections": ("inspections/unit_self_inspections.html", True),
    "inspections:province-self-inspections": ("inspections/province_self_inspections.html", False),
}


def test_every_paginated_page_is_in_the_export_list():
    """A list page shows its rows through the shared pagination partial, which offers the
    download links: each template that includes it must have an exporting route here."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    paginated = {
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "includes/_pagination.html" in path.read_text(encoding="utf-8")
    }
    assert paginated == {template for template, _ in PAGE_LISTS.values()}


def _page_routes() -> list[tuple[str, bool]]:
    """Every page route (not the API, not the admin) that takes no argument or only a pk, with
    whether it takes the pk."""
    found: list[tuple[str, bool]] = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(("api", "admin")):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                arguments = set(pattern.pattern.regex.groupindex)
                if arguments <= {"pk"}:
                    found.append((f"{namespace}{pattern.name}", bool(arguments)))

    walk(get_resolver().url_patterns)
    return sorted(set(found))


@pytest.fixture
def demo(demo_data):
    from creation.models import CreationUnit

    return CreationUnit.objects.get(name="长沙市开福区")


def test_every_list_page_downloads_its_whole_filtered_list(client, demo):
    """One seeded database for all the pages: each list has rows in the demo data."""
    from django.contrib.auth import get_user_model

    from portal.services import notification_send
    from reporting.models import DocumentJob

    users = get_user_model().objects
    # The demo has neither generated documents nor notifications yet: one of each.
    DocumentJob.objects.create(
        kind="summary_report",
        format="pdf",
        language="zh-hans",
        unit=demo,
        status="queued",
        requested_by=users.get(username="admin"),
    )
    notification_send(
        recipients=[users.get(username="unit_staff")],
        title="提醒",
        body="",
        link="",
        key="export-test",
    )
    for route, (_, takes_unit) in sorted(PAGE_LISTS.items()):
        # Notifications are each user's own; the demo sends them to the unit's staff.
        username = "unit_staff" if route == "notifications" else "admin"
        client.force_login(users.get(username=username))
        url = reverse(route, kwargs={"pk": demo.pk} if takes_unit else None)
        page = client.get(url)
        assert page.status_code == 200, route
        count = page.context["page"].paginator.count
        assert count > 0, f"{route}: the demo data should fill every list"
        assert 'data-export="csv"' in page.content.decode(), route
        as_csv = client.get(url, {"format": "csv", "page": 2})
        assert as_csv["Content-Type"].startswith("text/csv"), route
        header, *rows = _csv_rows(as_csv)
        assert len(rows) == count, route
        assert all(header), route
        as_xlsx = client.get(url, {"format": "xlsx"})
        assert len(_xlsx_rows(as_xlsx)) == count + 1, route


def test_every_page_that_downloads_a_list_is_checked(client, demo):
    """Any page that answers `?format=csv` with a CSV file, however it was added, is one of
    PAGE_LISTS, whose exports the tests above read back."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    exporting = set()
    for route, takes_pk in _page_routes():
        response = client.get(
            reverse(route, kwargs={"pk": demo.pk} if takes_pk else None), {"format": "csv"}
        )
        if response.get("Content-Type", "").startswith("text/csv"):
            exporting.add(route)
    assert len(exporting) > 20
    assert exporting <= set(PAGE_LISTS), exporting - set(PAGE_LISTS)


def test_page_export_keeps_the_scope(client, world):
    client.force_login(world.users["unit_staff"])
    _header, *rows = _csv_rows(client.get(reverse("creation:unit-list"), {"format": "csv"}))
    assert [row[0] for row in rows] == [world.objects["units"]["own"].name]
    other = world.objects["units"]["other"]
    response = client.get(
        reverse("creation:meeting-list", kwargs={"pk": other.pk}), {"format": "csv"}
    )
    assert response.status_code == 404


def test_page_export_headers_are_translated(client, world):
    client.force_login(world.users["unit_staff"])
    url = reverse("creation:unit-list")
    header, *_ = _csv_rows(client.get(url, {"format": "csv"}))
    assert header[:6] == ["单位名称", "单位类型", "所属省份", "所属地区", "创建工作", "批次号"]
    client.cookies["django_language"] = "en"
    header, *_ = _csv_rows(client.get(url, {"format": "csv"}))
    assert header[:6] == [
        "Unit name",
        "Unit type",
        "Unit's province",
        "Unit's region",
        "Programme",
        "Batch number",
    ]


@pytest.mark.parametrize(
    ("route", "params"),
    [
        ("inspections:inspection-list", {"status": "planned"}),
        ("acceptance:gauge-list", {"gauge_status": "attention"}),
        ("inspections:plan", {"year": 2027}),
    ],
)
def test_page_export_keeps_the_page_filters(client, demo, route, params):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse(route)
    everything = client.get(url).context["page"].paginator.count
    filtered = client.get(url, params).context["page"].paginator.count
    _header, *rows = _csv_rows(client.get(url, {**params, "format": "csv"}))
    assert len(rows) == filtered
    if route != "inspections:plan":
        assert filtered < everything


# --- Files that Excel and pandas read right --------------------------------------------------------

ZONE = "UTC+08:00"
FRACTION_OF_SECOND = re.compile(r"\d{2}:\d{2}:\d{2}\.\d")
A_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00")
LOOKS_LIKE_A_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _xlsx_cells(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return list(sheet.iter_rows())


def _check_files(name: str, as_csv, as_xlsx, *, iso_times: bool) -> dict[str, int]:
    """What every export holds, read back as a program reads it: unique headers (the same in
    both files), no fraction of a second anywhere, times with their zone in the header (or, for
    programs, an ISO 8601 offset), and in Excel dates and times as date cells. Returns how many
    date and time cells it checked, so that a caller can tell it checked something."""
    header, *rows = _csv_rows(as_csv)
    xlsx_header, *xlsx_rows = _xlsx_cells(as_xlsx)
    assert len(set(header)) == len(header), (name, header)
    assert [cell.value for cell in xlsx_header] == header, name
    assert len(xlsx_rows) == len(rows), name
    checked = {"dates": 0, "times": 0}
    for row, xlsx_row in zip(rows, xlsx_rows, strict=True):
        for heading, value, cell in zip(header, row, xlsx_row, strict=True):
            where = (name, heading, value)
            assert not FRACTION_OF_SECOND.search(value), where
            if A_DATE.fullmatch(value):
                assert cell.is_date, where
                assert cell.number_format == "yyyy-mm-dd", where
                assert cell.value.date() == date.fromisoformat(value), where
                checked["dates"] += 1
            elif LOOKS_LIKE_A_TIME.match(value):
                assert (ISO_TIME if iso_times else LOCAL_TIME).fullmatch(value), where
                assert ZONE in heading, where
                assert cell.is_date, where
                assert cell.number_format == "yyyy-mm-dd hh:mm", where
                assert cell.value.second == cell.value.microsecond == 0, where
                checked["times"] += 1
    return checked


def test_every_page_export_has_unique_headers_local_times_and_typed_cells(client, demo):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    checked = {"dates": 0, "times": 0, "amounts": 0}
    for route, (_, takes_unit) in sorted(PAGE_LISTS.items()):
        username = "unit_staff" if route == "notifications" else "admin"
        client.force_login(users.get(username=username))
        url = reverse(route, kwargs={"pk": demo.pk} if takes_unit else None)
        as_csv = client.get(url, {"format": "csv"})
        as_xlsx = client.get(url, {"format": "xlsx"})
        for kind, count in _check_files(route, as_csv, as_xlsx, iso_times=False).items():
            checked[kind] += count
        # Amounts (in yuan) are number cells shown with two decimals, never text.
        header, *xlsx_rows = _xlsx_cells(client.get(url, {"format": "xlsx"}))
        amounts = [i for i, heading in enumerate(header) if "（元）" in str(heading.value)]
        for row in xlsx_rows:
            for i in amounts:
                where = (route, header[i].value, row[i].value)
                assert row[i].data_type == "n", where
                assert row[i].number_format == "#,##0.00", where
                checked["amounts"] += 1
    assert min(checked.values()) > 0, checked


def test_review_queue_deadline_is_a_date_and_times_are_local(client, demo):
    """A report due on 5 August is due until 23:59:59.999999 that day: the file says 5 August,
    not the 6th at midnight that Excel makes of the microseconds."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("reporting:review-queue")
    header, *rows = _csv_rows(client.get(url, {"format": "csv"}))
    assert header[:4] == ["创建单位名称", "报送事项类型", "报送事项期次", "截止日期"]
    assert f"报送时间（{ZONE}）" in header
    first = client.get(url).context["page"].object_list[0]
    due = timezone.localtime(first.obligation.due_at)
    assert due.time() == time.max
    assert rows[0][3] == due.date().isoformat()
    _xlsx_header, *xlsx_rows = _xlsx_cells(client.get(url, {"format": "xlsx"}))
    assert xlsx_rows[0][3].value == datetime.combine(due.date(), time.min)
    assert xlsx_rows[0][3].number_format == "yyyy-mm-dd"


def _leaf_fields(route: str) -> dict:
    view = resolve(reverse(route)).func.cls
    return {
        key: field for key, (_label, field) in serializer_leaves(view.serializer_class()).items()
    }


def test_every_api_export_has_unique_chinese_headers_and_typed_cells(world):
    from rest_framework import serializers

    client = _api(world.users["office"])
    checked = {"dates": 0, "times": 0, "amounts": 0}
    for name in _api_list_routes():
        url = reverse(name)
        as_csv = client.get(url, {"format": "csv"})
        as_xlsx = client.get(url, {"format": "xlsx"})
        for kind, count in _check_files(name, as_csv, as_xlsx, iso_times=True).items():
            checked[kind] += count
        labels, *_ = _csv_rows(client.get(url, {"format": "csv"}))
        keys, *_ = _csv_rows(client.get(url, {"format": "csv", "headers": "keys"}))
        assert len(set(keys)) == len(keys) == len(labels), name
        assert keys[0] == "id", name
        assert any(re.search(r"[\u4e00-\u9fff]", label) for label in labels), (name, labels)
        # Unique because each says what it is, not because a key had to be added to tell two apart.
        assert not [label for label, key in zip(labels, keys, strict=True) if f"({key})" in label]
        # The serializer's dates and amounts are date and number cells in Excel.
        fields = _leaf_fields(name)
        xlsx_keys, *xlsx_rows = _xlsx_rows(client.get(url, {"format": "xlsx", "headers": "keys"}))
        assert list(xlsx_keys) == keys, name
        for column, key in enumerate(keys):
            field = fields.get(key)
            for row in xlsx_rows:
                value = row[column]
                if value is None:
                    continue
                if isinstance(field, serializers.DecimalField):
                    assert isinstance(value, int | float), (name, key, value)
                    checked["amounts"] += 1
                elif isinstance(field, serializers.DateField):
                    assert isinstance(value, datetime), (name, key, value)
    assert min(checked.values()) > 0, checked


def test_api_export_headers_are_labels_or_keys(world):
    client = _api(world.users["office"])
    labels, *_ = _csv_rows(client.get("/api/v1/units/", {"format": "csv"}))
    keys, *_ = _csv_rows(client.get("/api/v1/units/", {"format": "csv", "headers": "keys"}))
    assert keys[:3] == ["id", "name", "kind"]
    assert labels[:3] == ["ID", "名称", "类型"]
    assert labels[keys.index("region.name")] == "区域名称"
    english, *_ = _csv_rows(
        client.get("/api/v1/units/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert english[keys.index("region.name")] == "Region name"


def test_api_export_times_are_iso_with_offset_and_amounts_numbers(world):
    from funds.models import Expenditure

    client = _api(world.users["superuser"])
    expenditure = Expenditure.objects.order_by("pk").first()
    keys, *rows = _csv_rows(
        client.get("/api/v1/expenditures/", {"format": "csv", "headers": "keys"})
    )
    row = next(row for row in rows if row[0] == str(expenditure.pk))
    recorded = datetime.fromisoformat(row[keys.index("recorded_at")])
    assert recorded.utcoffset().total_seconds() == 8 * 3600
    assert recorded == expenditure.recorded_at.replace(second=0, microsecond=0)
    keys, *rows = _xlsx_rows(
        client.get("/api/v1/expenditures/", {"format": "xlsx", "headers": "keys"})
    )
    row = next(row for row in rows if row[0] == expenditure.pk)
    assert Decimal(str(row[keys.index("amount")])) == expenditure.amount
    assert row[keys.index("spent_on")] == datetime.combine(
        expenditure.spent_on, datetime.min.time()
    )


def test_api_export_columns_come_from_the_serializer_not_the_first_row():
    from rest_framework import serializers

    from portal.api import flat_export_rows

    class Contact(serializers.Serializer):
        name = serializers.CharField()

    class Row(serializers.Serializer):
        id = serializers.IntegerField()
        liaison = Contact(allow_null=True)
        changes = serializers.DictField()

    # The first unit has no liaison: its columns are still there, empty, for every row.
    flat = iter(
        [
            {"id": 1, "liaison": None, "changes.status": "a"},
            {"id": 2, "liaison.name": "王丽", "changes.status": "b"},
        ]
    )
    keys, rows = flat_export_rows(Row(), flat)
    assert keys == ["id", "liaison.name", "changes.status"]
    assert list(rows) == [[1, None, "a"], [2, "王丽", "b"]]


def test_api_export_deadline_is_its_day(world):
    obligation = world.objects["obligations"]["own"]
    due = timezone.localtime(obligation.due_at)
    assert due.time() == time.max
    client = _api(world.users["unit_staff"])
    labels, *_ = _csv_rows(client.get("/api/v1/obligations/", {"format": "csv"}))
    keys, *rows = _csv_rows(
        client.get("/api/v1/obligations/", {"format": "csv", "headers": "keys"})
    )
    column = keys.index("due_at")
    assert labels[column] == "截止日期"
    row = next(row for row in rows if row[0] == str(obligation.pk))
    assert row[column] == due.date().isoformat()
    _keys, *xlsx_rows = _xlsx_cells(
        client.get("/api/v1/obligations/", {"format": "xlsx", "headers": "keys"})
    )
    xlsx_row = next(row for row in xlsx_rows if row[0].value == obligation.pk)
    assert xlsx_row[column].value == datetime.combine(due.date(), time.min)
    assert xlsx_row[column].number_format == "yyyy-mm-dd"


@pytest.mark.django_db
def test_every_exporting_list_documents_the_headers_parameter():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    undocumented = []
    for name in _api_list_routes():
        operation = schema["paths"][reverse(name)]["get"]
        parameters = {p["name"]: p for p in operation.get("parameters", [])}
        if set(parameters.get("headers", {}).get("schema", {}).get("enum", ())) != {
            "labels",
            "keys",
        }:
            undocumented.append(name)
    assert undocumented == []


def _unzipped(response) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as book:
        return {name: book.read(name) for name in book.namelist()}


def test_api_export_read_from_the_database_is_the_serializers_file(world, monkeypatch):
    """A list whose serializer fields all have database paths is read as tuples, not through
    the serializer: the files are the same byte for byte, as the serializer would write them."""
    import portal.api
    from portal.api import database_columns

    client = _api(world.users["office"])
    from_database = []
    for name in _api_list_routes():
        view = resolve(reverse(name)).func.cls
        if view.export_rows is not portal.api.ScopedViewSetMixin.export_rows:
            continue
        read = database_columns(view.serializer_class(), view.queryset)
        if read is None:
            continue
        from_database.append(name)
        url = reverse(name)
        files = {}
        for path, reader in (("database", database_columns), ("serializer", lambda *a: None)):
            monkeypatch.setattr(portal.api, "database_columns", reader)
            files[path] = [
                b"".join(client.get(url, {"format": "csv"}).streaming_content),
                _unzipped(client.get(url, {"format": "xlsx", "headers": "keys"})),
            ]
        assert files["database"] == files["serializer"], name
    assert "api:obligation-list" in from_database


def test_deadline_is_a_kind_of_column_not_a_guess_from_the_value():
    """The same last instant of 5 August is the 5th in a deadline column and 23:59 on the 5th
    in a column of times."""
    from portal.exports import Kind, csv_response, xlsx_response

    moment = timezone.make_aware(datetime.combine(date(2026, 8, 5), time.max))
    kinds = [Kind.DEADLINE, Kind.TIME]
    as_csv = csv_response(["due", "at"], [[moment, moment]], filename="x", kinds=kinds)
    assert _csv_rows(as_csv)[1] == ["2026-08-05", "2026-08-05 23:59"]
    as_xlsx = xlsx_response(["due", "at"], [[moment, moment]], filename="x", kinds=kinds)
    _header, (due, at) = _xlsx_cells(as_xlsx)
    # Excel's cells are naive: the day at midnight, and the local time.
    assert (due.value, due.number_format) == (
        datetime.combine(moment.date(), time.min),
        "yyyy-mm-dd",
    )
    assert (at.value, at.number_format) == (
        datetime.combine(moment.date(), time(23, 59)),
        "yyyy-mm-dd hh:mm",
    )


def test_excel_file_holds_any_text_and_typed_cells():
    from portal.exports import xlsx_response

    row = ["a<b & 'c'>", "x\x01y", "  spaced ", 3, Decimal("1234.50"), date(2026, 1, 2), None]
    response = xlsx_response(["h&1", "<h2>", "h3", "h4", "h5", "h6", "h7"], [row], filename="x")
    header, cells = _xlsx_cells(response)
    assert [cell.value for cell in header] == ["h&1", "<h2>", "h3", "h4", "h5", "h6", "h7"]
    assert [cell.value for cell in cells] == [
        "a<b & 'c'>",
        "xy",  # a control character XML cannot hold is left out
        "  spaced ",
        3,
        1234.5,
        datetime.combine(date(2026, 1, 2), time.min),
        None,
    ]
    assert cells[4].number_format == "#,##0.00"
