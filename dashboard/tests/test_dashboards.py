import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creation.models import CreationUnit
from creation.tests.factories import BatchFactory, CityFactory, CreationUnitFactory
from dashboard.models import UnitFigures
from dashboard.rules import CellCounts, month_window
from dashboard.selectors import (
    DashboardQuery,
    KeptSums,
    heatmap_cells,
    kept_reporting_months,
    reporting_months,
    stored_tallies,
)
from dashboard.services import unit_figures_refresh, unit_figures_refresh_due
from dashboard.tests.factories import NOW, busy_unit, hand_computed_reporting, stored_trend
from reporting.models import Obligation, Submission
from reporting.rules import SHANGHAI, WARN_DAYS, Light
from reporting.selectors import obligation_figures
from reporting.tests.factories import ObligationFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

OFFICE_URL = reverse("dashboard:office")
PROVINCE_URL = reverse("dashboard:province")
START = datetime(2026, 1, 1, tzinfo=SHANGHAI)
END = datetime(2026, 7, 1, tzinfo=SHANGHAI)


def _unit_ids(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-unit-id="(\d+)"', response.content.decode())}


# --- Correctness on hand-computed data -------------------------------------------------------------


def test_R5_2_heatmap_cells_count_each_obligation_by_its_traffic_light():
    unit = CreationUnitFactory()
    hand_computed_reporting(unit)
    cells = heatmap_cells([unit.pk], start=START, end=END, now=NOW)
    assert cells == {
        (unit.pk, date(2026, 1, 1)): CellCounts(amber=1),
        (unit.pk, date(2026, 2, 1)): CellCounts(green=1),
        (unit.pk, date(2026, 3, 1)): CellCounts(red=1, yellow=1),
        (unit.pk, date(2026, 4, 1)): CellCounts(grey=2),
        (unit.pk, date(2026, 5, 1)): CellCounts(grey=1),
    }


def test_R5_2_a_stored_month_changes_when_a_report_comes_within_the_warning_days():
    unit = CreationUnitFactory()
    april = hand_computed_reporting(unit)["apr"].due_at
    units = CreationUnit.objects.filter(pk=unit.pk)

    def april_cell() -> CellCounts:
        found = reporting_months(units, shown=[unit.pk], start=START, end=END)
        return found.cells[(unit.pk, date(2026, 4, 1))]

    (row,) = unit_figures_refresh([unit.pk], now=april - timedelta(days=WARN_DAYS, hours=12))
    assert april_cell() == CellCounts(grey=2)
    # The row is due again when April's report comes within the warning days, before the day
    # turns; then its cell is yellow.
    assert row.next_change_at == april - timedelta(days=WARN_DAYS)
    assert unit_figures_refresh_due(now=row.next_change_at) == 1
    assert april_cell() == CellCounts(yellow=1, grey=1)


def test_C1_heatmap_cell_of_a_returned_report_not_sent_again_is_red():
    # Sent on time, then returned: the office no longer holds it, so it is missing (C1), as the
    # on-time rate counts it, not green.
    unit = CreationUnitFactory()
    obligation = ObligationFactory(unit=unit, due_at=datetime(2026, 2, 10, 23, 59, tzinfo=SHANGHAI))
    SubmissionFactory(
        obligation=obligation,
        status=Submission.Status.RETURNED,
        first_submitted_at=datetime(2026, 2, 1, tzinfo=SHANGHAI),
    )
    cells = heatmap_cells([unit.pk], start=START, end=END, now=NOW)
    assert cells == {(unit.pk, date(2026, 2, 1)): CellCounts(red=1)}
    figures = obligation_figures(Obligation.objects.filter(unit=unit), now=NOW)
    assert (figures.on_time, figures.missing) == (0, 1)


def test_heatmap_cells_month_is_the_beijing_due_day():
    # Due at the very end of 31 January in Beijing: still January, although UTC says 31 Jan 15:59.
    unit = CreationUnitFactory()
    ObligationFactory(unit=unit, due_at=datetime(2026, 1, 31, 23, 59, 59, tzinfo=SHANGHAI))
    ObligationFactory(
        unit=unit,
        period_start=date(2026, 2, 1),
        due_at=datetime(2026, 2, 1, 0, 0, 1, tzinfo=SHANGHAI),
    )
    cells = heatmap_cells([unit.pk], start=START, end=END, now=NOW)
    assert set(cells) == {(unit.pk, date(2026, 1, 1)), (unit.pk, date(2026, 2, 1))}


def test_R5_2_on_time_trend_per_month_on_hand_computed_data():
    unit = CreationUnitFactory()
    hand_computed_reporting(unit)
    rows = stored_trend(unit, start=START, end=END, now=NOW)
    assert [
        (r["label"], r["expected"], r["on_time"], r["late"], r["missing"], r["rate"]) for r in rows
    ] == [
        ("2026-01", 1, 0, 1, 0, 0.0),
        ("2026-02", 1, 1, 0, 0, 1.0),
        ("2026-03", 1, 0, 0, 1, 0.0),
    ]
    quarters = stored_trend(unit, start=START, end=END, now=NOW, granularity="quarter")
    assert [(r["label"], r["expected"], r["on_time"], r["rate"]) for r in quarters] == [
        ("2026Q1", 3, 1, 0.333)
    ]
    figures = obligation_figures(Obligation.objects.filter(unit=unit), now=NOW)
    assert (figures.expected, figures.on_time, figures.on_time_rate) == (3, 1, 0.333)


def test_office_dashboard_cells_link_to_the_units_calendar_of_the_month(client, world):
    unit = CreationUnitFactory(
        batch=world.objects["batches"]["b1"], region=world.objects["regions"]["c_own"]
    )
    hand_computed_reporting(unit)
    client.force_login(world.users["office"])
    response = client.get(OFFICE_URL, {"end": "2026-06"})
    assert response.status_code == 200
    heatmap = next(data for panel, data in response.context["panels"] if panel.key == "heatmap")
    assert list(heatmap["months"]) == month_window(end=date(2026, 6, 1), months=12)
    row = next(row for row in heatmap["rows"] if row.unit == unit)
    by_month = {cell.month: cell for cell in row.cells}
    assert by_month[date(2026, 2, 1)].light == Light.GREEN
    assert by_month[date(2026, 1, 1)].light == Light.AMBER
    assert by_month[date(2026, 6, 1)].light is None
    calendar = reverse("reporting:unit-calendar", kwargs={"pk": unit.pk})
    assert by_month[date(2026, 3, 1)].url == f"{calendar}?view=month&month=2026-03"
    page = response.content.decode()
    assert f'href="{calendar}?view=month&amp;month=2026-03"' in page
    assert reverse("funds:unit-funds", kwargs={"pk": unit.pk}) in page
    assert 'class="heat light-red"' in page


def test_office_dashboard_filters_and_links_keep_them(client, world):
    client.force_login(world.users["office"])
    province = world.province_own
    response = client.get(OFFICE_URL, {"province": province.pk, "kind": "zone"})
    assert _unit_ids(response) == {world.objects["units"][k].pk for k in ("own", "sibling")}
    page = response.content.decode()
    assert f"/units/?province={province.pk}&amp;kind=zone" in page


def test_trend_switches_to_quarters(client, world):
    client.force_login(world.users["office"])
    response = client.get(OFFICE_URL, {"trend": "quarter", "end": "2026-06"})
    rows = next(data for panel, data in response.context["panels"] if panel.key == "on_time_trend")
    assert rows["granularity"] == "quarter"
    assert all("Q" in row["label"] for row in rows["rows"])


# --- Scope ---------------------------------------------------------------------------------------


def test_province_dashboard_shows_only_the_reviewers_province(client, world):
    client.force_login(world.users["province_culture"])
    response = client.get(PROVINCE_URL)
    assert response.status_code == 200
    assert _unit_ids(response) == {world.objects["units"][k].pk for k in ("own", "sibling")}
    provinces = next(
        data for panel, data in response.context["panels"] if panel.key == "fund_provinces"
    )
    assert {row["province_id"] for row in provinces["rows"]} == {world.province_own.pk}


@pytest.mark.parametrize("role", ["unit_staff", "api_client", "outsider", "province_culture"])
def test_office_dashboard_refuses_other_roles(client, world, role):
    client.force_login(world.users[role])
    assert client.get(OFFICE_URL).status_code == 403


@pytest.mark.parametrize("role", ["unit_staff", "office", "api_client"])
def test_province_dashboard_refuses_other_roles(client, world, role):
    client.force_login(world.users[role])
    assert client.get(PROVINCE_URL).status_code == 403


def test_office_dashboard_covers_only_the_programmes_the_user_runs(client, world):
    # The office reviewer of the national programme does not see the Sichuan provincial unit.
    client.force_login(world.users["office"])
    ids = _unit_ids(client.get(OFFICE_URL))
    assert world.objects["units"]["provincial"].pk not in ids
    assert ids == world.visible("office", "units")


# --- Query counts --------------------------------------------------------------------------------


def _units(count: int, batch, region) -> list[CreationUnit]:
    return [busy_unit(batch=batch, region=region) for _ in range(count)]


@pytest.mark.parametrize(
    ("url", "role"), [(OFFICE_URL, "office"), (PROVINCE_URL, "province_culture")]
)
def test_dashboard_queries_do_not_grow_with_the_units(
    client, world, url, role, django_capture_on_commit_callbacks
):
    batch = BatchFactory(programme=world.national)
    region = CityFactory(parent=world.province_own)
    # Committed writes: the units' stored figures (UnitFigures) are in place, as after any write.
    with django_capture_on_commit_callbacks(execute=True):
        _units(1, batch, region)
    client.force_login(world.users[role])
    client.get(url)  # warm caches (content types)
    # Rendered (no-cache: not replayed by the page cache), with the panels as computed, not as
    # cached (portal.cache); the cache emptied before each, so both read the session alike.
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, HTTP_CACHE_CONTROL="no-cache").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        _units(49, batch, region)
    cache.clear()
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    assert len(_unit_ids(response)) == 50  # one page of the heat map: 50 of the 52 units
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]
    assert len(fifty) <= DASHBOARD_QUERIES, [q["sql"] for q in fifty.captured_queries]
    # Rendered again: the sums over the units come from those kept per province.
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert _unit_ids(again) == _unit_ids(response)
    assert len(warm) <= 10, [q["sql"] for q in warm.captured_queries]


# The session (the cache emptied), user, roles, the header's count; the filter's programme, batch
# and province choices (the title's programmes or provinces among them); the stored figures
# summed per province (overview, provinces, fund execution per province, veto, publicity and
# supervision counts, and the page's count); the page of units with their stored fund figures;
# the heat map's cells and the trend in one grouped query; the best zones with their ranks; the
# worst gauges with their items.
DASHBOARD_QUERIES = 12


def test_dashboard_heatmap_pages_by_fifty(client, world):
    batch = BatchFactory(programme=world.national)
    region = CityFactory(parent=world.province_own)
    for _ in range(50):
        CreationUnitFactory(batch=batch, region=region)
    client.force_login(world.users["office"])
    first = client.get(OFFICE_URL)
    second = client.get(OFFICE_URL, {"page": 2})
    assert len(_unit_ids(first)) == 50
    assert len(_unit_ids(second)) == 3  # 53 units: the world's three national ones and 50
    assert first.context["page"].paginator.count == 53


def test_empty_filters_are_not_carried_into_the_links(client, world):
    client.force_login(world.users["office"])
    response = client.get(OFFICE_URL, {"programme": "", "batch": "", "province": "", "kind": ""})
    assert response.status_code == 200
    assert response.context["filtered"] is False
    overview = next(data for panel, data in response.context["panels"] if panel.key == "overview")
    assert overview["urls"]["all"] == reverse("creation:unit-list")


def test_office_dashboard_empty_state(client, world):
    client.force_login(world.users["office"])
    response = client.get(OFFICE_URL, {"kind": "project"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert '<p class="empty-state">' in response.content.decode()
    assert 'table class="heatmap"' not in response.content.decode()


def test_heatmap_downloads_every_filtered_unit(client, world):
    client.force_login(world.users["office"])
    response = client.get(
        OFFICE_URL, {"format": "csv", "end": "2026-06", "province": world.province_own.pk}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header.split(",")[-1] == "2026-06"
    assert sorted(row.split(",")[0] for row in rows) == ["株洲市", "长沙市"]


# --- Publicity, veto gauge and supervision panels ---------------------------------------------------


def _query_for(world, units):
    from django.core.paginator import Paginator

    from dashboard.selectors import OFFICE, DashboardQuery

    queryset = CreationUnit.objects.filter(pk__in=[u.pk for u in units]).with_related()
    return DashboardQuery(
        user=world.users["office"],
        area=OFFICE,
        units=queryset,
        page=Paginator(queryset, 50).get_page(1),
        months=[date(2026, 3, 1)],
        now=NOW,
    )


def test_R6_3_publicity_panel_ranks_the_zones_of_the_half_year(world):
    from dashboard.selectors import publicity_panel
    from scoring.models import AdoptionClaim
    from scoring.tests.factories import AdoptionClaimFactory, outlet

    batch = BatchFactory(
        programme=world.national,
        number=12,
        cycle_start=date(2025, 7, 1),
        cycle_end=date(2027, 6, 30),
    )
    region = CityFactory(parent=world.province_own)
    low, high = (CreationUnitFactory(batch=batch, region=region) for _ in range(2))
    verified = {"status": AdoptionClaim.Status.VERIFIED, "published_on": date(2026, 2, 1)}
    AdoptionClaimFactory(unit=high, outlet=outlet("新华社内参"), **verified)  # tier 1: 50
    AdoptionClaimFactory(unit=low, outlet=outlet("国家公共文化网"), **verified)  # tier 5: 10

    data = publicity_panel(_query_for(world, [low, high]))

    assert data["period"] == "2026H1"
    assert [(row["score"].unit_id, row["score"].total) for row in data["top"]] == [
        (high.pk, 100),
        (low.pk, 60),
    ]
    assert (data["scored"], data["full_base"], data["with_bonus"]) == (2, 2, 2)


def test_C4_R6_3_publicity_panel_ranks_a_filtered_zone_among_its_whole_batch(world):
    from dashboard.selectors import publicity_panel
    from scoring.models import AdoptionClaim
    from scoring.tests.factories import AdoptionClaimFactory, outlet

    batch = BatchFactory(
        programme=world.national,
        number=13,
        cycle_start=date(2025, 7, 1),
        cycle_end=date(2027, 6, 30),
    )
    region = CityFactory(parent=world.province_own)
    low, high = (CreationUnitFactory(batch=batch, region=region) for _ in range(2))
    withdrawn = CreationUnitFactory(
        batch=batch, region=region, status=CreationUnit.Status.WITHDRAWN
    )
    verified = {"status": AdoptionClaim.Status.VERIFIED, "published_on": date(2026, 2, 1)}
    AdoptionClaimFactory(unit=high, outlet=outlet("新华社内参"), **verified)  # tier 1: 50
    AdoptionClaimFactory(unit=withdrawn, outlet=outlet("求是"), **verified)  # tier 1: 50
    AdoptionClaimFactory(unit=withdrawn, outlet=outlet("人民日报"), **verified)  # tier 2: 40
    AdoptionClaimFactory(unit=low, outlet=outlet("国家公共文化网"), **verified)  # tier 5: 10

    # Every unit's figures are stored, as after the writes commit (dashboard.services).
    unit_figures_refresh(None, now=NOW)
    # Filtered down to the lower zone, it keeps its rank in the batch: second, behind the
    # higher zone; the withdrawn unit, with the most points, takes no part.
    data = publicity_panel(_query_for(world, [low]))
    assert [(row["score"].unit_id, row["score"].rank) for row in data["top"]] == [(low.pk, 2)]
    assert data["scored"] == 1


def test_R6_6_veto_panel_counts_units_by_gauge_status(world):
    from dashboard.selectors import veto_panel
    from scoring.rules import VETO_ITEM_LABELS

    units = [world.objects["units"][key] for key in ("own", "sibling", "other")]
    data = veto_panel(_query_for(world, units))
    assert sum(data["counts"].values()) == 3
    # The world's units have no filed fund plan yet: nobody is fully ok.
    assert data["counts"]["ok"] == 0
    assert {row["unit"].pk for row in data["rows"]} == {u.pk for u in units}
    assert all(row["items"] for row in data["rows"])
    # Each item says what is wrong, not the requirement's title (which reads as if it were met).
    items = [item for row in data["rows"] for item in row["items"]]
    titles = {str(title) for title in VETO_ITEM_LABELS.values()}
    assert not titles & set(items)
    assert all("缺少必备部门" in item for item in items)  # the world's groups lack departments


def test_R6_6_veto_panel_lists_the_worst_units_failing_first_then_by_name(world, monkeypatch):
    from dashboard import selectors
    from dashboard.models import UnitFigures
    from scoring.rules import GaugeStatus

    units = [world.objects["units"][key] for key in ("own", "sibling", "other")]
    unit_figures_refresh([unit.pk for unit in units])
    assert UnitFigures.objects.filter(unit=units[2]).update(veto_status=GaugeStatus.FAILED) == 1
    monkeypatch.setattr(selectors, "WORST_GAUGES", 2)
    data = selectors.veto_panel(_query_for(world, units))
    stored = UnitFigures.objects.filter(unit__in=units).select_related("unit")
    expected = sorted(
        (row for row in stored if row.veto_status != GaugeStatus.OK),
        key=lambda row: (row.veto_status != GaugeStatus.FAILED, row.unit.name, row.unit_id),
    )[:2]
    assert [row["unit"].pk for row in data["rows"]] == [row.unit_id for row in expected]
    assert data["rows"][0]["unit"].pk == units[2].pk
    assert all(row["items"] for row in data["rows"])


def test_R4_1_supervision_panel_counts_coverage_and_open_rectifications(world):
    from dashboard.selectors import supervision_panel
    from inspections.models import Rectification
    from inspections.tests.factories import InspectionFactory, RectificationFactory

    region = CityFactory(parent=world.province_own)
    batch = BatchFactory(programme=world.national)
    none, one, three = (CreationUnitFactory(batch=batch, region=region) for _ in range(3))
    visit = InspectionFactory(
        unit=one, planned_start=date(2026, 5, 1), planned_end=date(2026, 5, 2)
    )
    for month in (3, 6, 9):
        InspectionFactory(
            unit=three, planned_start=date(2026, month, 1), planned_end=date(2026, month, 2)
        )
    RectificationFactory(finding__inspection=visit, deadline=date(2026, 3, 1))
    RectificationFactory(
        finding__inspection=visit,
        deadline=date(2026, 4, 1),
        status=Rectification.Status.SUBMITTED,
    )
    RectificationFactory(
        finding__inspection=visit,
        deadline=date(2026, 1, 1),
        status=Rectification.Status.VERIFIED,
    )

    data = supervision_panel(_query_for(world, [none, one, three]))

    assert (data["none"], data["covered"], data["too_many"]) == (1, 1, 1)
    assert data["rectifications"] == {"open": 2, "overdue": 1, "submitted": 1}


def test_C4_the_unit_sees_the_live_rank_the_office_sees(
    world, client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from creation.tests.factories import RoleAssignmentFactory
    from scoring.models import AdoptionClaim
    from scoring.tests.factories import AdoptionClaimFactory, outlet

    today = timezone.localdate()
    batch = BatchFactory(
        programme=world.national,
        number=14,
        cycle_start=today - timedelta(days=400),
        cycle_end=today + timedelta(days=330),
    )
    region = CityFactory(parent=world.province_own)
    # Committed as an admission and a claim verified are: their units' figures and standings
    # are stored when they commit, and both rank over the standings.
    with django_capture_on_commit_callbacks(execute=True):
        _low, high = (CreationUnitFactory(batch=batch, region=region) for _ in range(2))
        verified = {"status": AdoptionClaim.Status.VERIFIED, "published_on": today}
        AdoptionClaimFactory(unit=high, outlet=outlet("新华社内参"), **verified)
    staff = RoleAssignmentFactory(unit=high).user

    client.force_login(world.users["office"])
    office_publicity = client.get(f"/api/v1/units/{high.pk}/status/").json()["publicity"]
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("scoring:unit-publicity", kwargs={"pk": high.pk}))
    live_rank = re.search(r'id="live-rank">([^<]*)<', page.content.decode()).group(1)
    assert (office_publicity["rank"], office_publicity["ranked_units"]) == (1, 2)
    assert live_rank.startswith("1 of 2 (")
    assert str(batch.number) in live_rank


def test_the_dashboard_lists_its_sections_and_explains_its_colours(world, client):
    client.force_login(world.users["office"])
    client.cookies["django_language"] = "en"
    html = client.get(OFFICE_URL).content.decode()
    contents = html[html.index('class="card dashboard-contents"') :]
    contents = contents[: contents.index("</nav>")]
    for key in re.findall(r'<section class="card panel" id="(panel-[a-z_]+)"', html):
        assert f'href="#{key}"' in contents
    legend = html[html.index('id="legend"') :]
    assert 'class="status status-failed"' in legend
    assert 'class="status status-at_risk"' in legend
    assert "Failed (veto)" in legend
    assert "At risk" in legend


# --- Sums kept per province (KeptSums) ----------------------------------------------------------


def _kept_world(django_capture_on_commit_callbacks):
    """Two provinces with two units each, their stored figures in place."""
    batch = BatchFactory()
    east, west = CityFactory(), CityFactory()
    with django_capture_on_commit_callbacks(execute=True):
        units = [busy_unit(batch=batch, region=region) for region in (east, east, west, west)]
    kept = KeptSums("test", tuple(sorted({east.parent_id, west.parent_id})))
    return CreationUnit.objects.filter(pk__in=[unit.pk for unit in units]), kept, east, west


def _by_province(tallies) -> list[dict]:
    # A grouped query returns its provinces in no set order.
    return sorted(tallies.rows, key=lambda row: (row["province_id"], row["region__province"] or 0))


def _window() -> tuple[datetime, datetime]:
    today = timezone.localdate(timezone.now(), SHANGHAI)
    months = month_window(end=today.replace(day=1) + timedelta(days=40), months=12)
    start = datetime.combine(months[0], datetime.min.time(), tzinfo=SHANGHAI)
    return start, datetime.combine(
        months[-1] + timedelta(days=40), datetime.min.time(), tzinfo=SHANGHAI
    ).replace(day=1)


def test_C3_kept_sums_are_the_live_sums_and_follow_a_write_to_their_province_only(
    django_capture_on_commit_callbacks,
):
    units, kept, east, west = _kept_world(django_capture_on_commit_callbacks)
    start, end = _window()
    now = timezone.now()

    def both(shown):
        tallies = stored_tallies(units, now, kept=kept)
        months = kept_reporting_months(units, shown=shown, start=start, end=end, now=now, kept=kept)
        return tallies, months

    shown = list(units.values_list("pk", flat=True)[:2])
    tallies, months = both(shown)
    live = reporting_months(units, shown=shown, start=start, end=end)
    assert tallies.total("total") == 4
    assert tallies.total("budget") == Decimal("800000.00")
    assert tallies.total("due_so_far") == stored_tallies(units, now).total("due_so_far") > 0
    assert (months.cells, months.months) == (live.cells, live.months)
    # Kept: read again without summing (the cells of the units shown only).
    with CaptureQueriesContext(connection) as again:
        assert _by_province(both(shown)[0]) == _by_province(tallies)
    assert len(again) == 1
    assert '"dashboard_unitmonth"' in again[0]["sql"]
    # A unit added in the west: its province's sums only are computed again.
    with django_capture_on_commit_callbacks(execute=True):
        added = busy_unit(batch=units.first().batch, region=west)
    units = CreationUnit.objects.filter(pk__in=[*units.values_list("pk", flat=True), added.pk])
    with CaptureQueriesContext(connection) as written:
        tallies, months = both(shown)
    assert tallies.total("total") == 5
    live = reporting_months(units, shown=shown, start=start, end=end)
    assert months.months == live.months
    west_only = [q["sql"] for q in written if f"IN ({west.parent_id})" in q["sql"]]
    assert len(west_only) == 2, [q["sql"] for q in written]
    assert not any(f"IN ({east.parent_id})" in q["sql"] for q in written)


def test_C3_kept_sums_are_not_served_once_the_clock_changed_one_of_their_rows(
    django_capture_on_commit_callbacks,
):
    units, kept, east, _west = _kept_world(django_capture_on_commit_callbacks)
    now = timezone.now()
    stored_tallies(units, now, kept=kept)
    row = UnitFigures.objects.filter(unit__region=east).order_by("next_change_at").first()
    # Its next change comes (QuerySet.update: no write a generation hears of, as the clock).
    UnitFigures.objects.filter(pk=row.pk).update(overdue=99)
    with CaptureQueriesContext(connection) as before:
        assert stored_tallies(units, now, kept=kept).total("overdue") < 99
    assert len(before) == 0
    later = row.next_change_at + timedelta(seconds=1)
    # Read once the clock has passed it: summed again, after the row is computed again.
    kept_sums = stored_tallies(units, later, kept=kept)
    assert UnitFigures.objects.get(pk=row.pk).overdue != 99
    assert _by_province(kept_sums) == _by_province(stored_tallies(units, later))


def test_links_to_the_unit_list_carry_the_dashboards_filters_and_replace_the_one_given():
    query = DashboardQuery(
        user=None,
        area="office",
        units=CreationUnit.objects.none(),
        page=None,
        months=[],
        now=NOW,
        filter_query="q=%E9%95%BF%E6%B2%99+%E5%B8%82&kind=zone&batch=1&batch=2",
    )
    unit_list = reverse("creation:unit-list")
    assert query.unit_list_url(kind="project", province=7) == (
        f"{unit_list}?q=%E9%95%BF%E6%B2%99+%E5%B8%82&kind=project&batch=1&batch=2&province=7"
    )
    assert query.unit_list_url() == f"{unit_list}?{query.filter_query}"
    query = DashboardQuery(
        user=None, area="office", units=CreationUnit.objects.none(), page=None, months=[], now=NOW
    )
    assert query.unit_list_url() == unit_list
    assert query.unit_list_url(veto="at_risk") == f"{unit_list}?veto=at_risk"


def test_R6_6_the_worst_gauges_kept_per_province_are_the_live_worst_and_follow_a_write(
    django_capture_on_commit_callbacks, monkeypatch
):
    from dashboard import selectors

    units, kept, east, west = _kept_world(django_capture_on_commit_callbacks)
    monkeypatch.setattr(selectors, "WORST_GAUGES", 2)
    east_units = list(units.filter(region=east).order_by("pk"))
    west_units = list(units.filter(region=west).order_by("pk"))
    # As stored (no write the generations hear of): east has a failing and an at-risk gauge,
    # west two at risk, one of them first by name (code points: 丁 < 丙 < 乙 < 甲).
    statuses = {
        east_units[0]: ("failed", "丙"),
        east_units[1]: ("at_risk", "乙"),
        west_units[0]: ("at_risk", "甲"),
        west_units[1]: ("at_risk", "丁"),
    }
    for unit, (status, name) in statuses.items():
        CreationUnit.objects.filter(pk=unit.pk).update(name=name)
        UnitFigures.objects.filter(unit=unit).update(veto_status=status)
    now = timezone.now()

    def kept_worst():
        tallies = stored_tallies(units, now, kept=kept)
        return selectors._kept_worst_gauges(units, "zh-hans", kept, tallies, now)

    live = selectors._worst_gauges(units, "zh-hans")
    assert [(row[0], row[1]) for row in live] == [
        (east_units[0].pk, "failed"),
        (west_units[1].pk, "at_risk"),
    ]
    assert kept_worst() == live
    with CaptureQueriesContext(connection) as again:
        assert kept_worst() == live
    # Kept: only the items of the worst shown are read, nothing is ranked.
    assert len(again) == 1
    assert "ROW_NUMBER" not in again[0]["sql"].upper()
    # A write to a western unit: the west's worst are read again, the east's are kept.
    with django_capture_on_commit_callbacks(execute=True):
        west_units[1].name = "戊"  # after 乙, before 甲
        west_units[1].save()
    with CaptureQueriesContext(connection) as written:
        worst = kept_worst()
    assert worst == selectors._worst_gauges(units, "zh-hans")
    ranked = [q["sql"] for q in written if "ROW_NUMBER" in q["sql"].upper()]
    assert len(ranked) == 1
    assert f"IN ({west.parent_id})" in ranked[0]
    assert f"IN ({east.parent_id})" not in ranked[0]
