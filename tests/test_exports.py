"""Every list, in the API and on the pages, downloads as CSV and Excel, within the caller's scope
and in bounded memory."""

import csv
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from creation.models import Region
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
    staff_rows = _csv_rows(_api(world.users["unit_staff"]).get("/api/v1/units/?format=csv"))
    header, *rows = staff_rows
    names = {row[header.index("name")] for row in rows}
    assert names == {own.name}

    office = _api(world.users["office"])
    province = world.province_own.pk
    filtered = _csv_rows(office.get("/api/v1/units/", {"format": "csv", "province": province}))
    header, *rows = filtered
    assert {row[header.index("name")] for row in rows} == {"长沙市", "株洲市"}


def test_api_export_refused_without_login(world):
    response = APIClient().get("/api/v1/units/?format=csv")
    assert response.status_code == 401


def test_export_cells_that_look_like_formulas_are_neutralised(world):
    own = world.objects["units"]["own"]
    own.name = "=HYPERLINK(1)"
    own.save(update_fields=["name"])
    header, *rows = _csv_rows(_api(world.users["unit_staff"]).get("/api/v1/units/?format=csv"))
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
    header, *_ = _csv_rows(client.get(reverse("creation:unit-list"), {"format": "csv"}))
    assert header[0] == "名称"


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
