"""The office and provincial dashboards: filters, a page of units, then the panels of
dashboard.selectors. Thin: the units start from `visible_to(user)`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from creation.api.filters import CreationUnitFilter
from creation.models import RoleAssignment
from creation.selectors import scope_provinces_among
from creation.views import role_required
from dashboard.rules import add_months, month_window
from dashboard.selectors import (
    MONTHS_SHOWN,
    OFFICE,
    PROVINCE,
    UNITS_PER_PAGE,
    DashboardQuery,
    dashboard_panels,
    dashboard_sums_kept,
    dashboard_units,
    heat_rows_all,
    stored_tallies,
    with_stored_funds,
)
from portal.exports import Column, export_if_requested
from portal.widgets import choices_read_once
from reporting.rules import SHANGHAI

Role = RoleAssignment.Role
# The filters of the unit list that the dashboards offer; the links to the unit list keep them.
FILTER_FIELDS = ("programme", "batch", "province", "kind")


def parse_month(value: str | None) -> date | None:
    """`YYYY-MM` as the first day of that month; None when absent or not a month."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a calendar month
    except ValueError:
        return None


def heatmap_columns(months: list[date]) -> list[Column]:
    """The heat map as a download: the unit, then one column per month with its colour's label."""
    columns = [
        Column(gettext_lazy("Unit"), lambda row: row.unit.name),
        Column(gettext_lazy("Province"), lambda row: row.unit.region.province_region.name),
        Column(gettext_lazy("Kind"), lambda row: row.unit.get_kind_display()),
        Column(gettext_lazy("Batch"), lambda row: str(row.unit.batch)),
    ]
    for index, month in enumerate(months):
        columns.append(Column(f"{month:%Y-%m}", lambda row, i=index: row.cells[i].label))
    return columns


def _dashboard(request: HttpRequest, area: str) -> HttpResponse:
    now = timezone.now()
    units = dashboard_units(user=request.user, area=area)
    unit_filter = CreationUnitFilter(request.GET or None, queryset=units, request=request)
    filter_query = request.GET.copy()
    for name in list(filter_query):
        if name not in FILTER_FIELDS or not filter_query.get(name):
            filter_query.pop(name)
    # Invalid filters are ignored one by one (as on the unit list), and the page says so.
    filtered = unit_filter.qs if unit_filter.is_bound else units
    current = timezone.localdate(now, SHANGHAI).replace(day=1)
    # By default the heat map ends with next month, so that reports due soon show in yellow.
    end = parse_month(request.GET.get("end")) or add_months(current, 1)
    granularity = "quarter" if request.GET.get("trend") == "quarter" else "month"
    months = month_window(end=end, months=MONTHS_SHOWN)
    exported = export_if_requested(
        request,
        heat_rows_all(filtered, months=months, now=now),
        columns=heatmap_columns(months),
        filename=f"compliance-{area}",
    )
    if exported:
        return exported
    # The stored figures' sums count the units too: the paginator takes its count from them.
    # Unfiltered, the units are the scope's dashboard's, whose sums are kept per province.
    # The filter's choices of province are read once, for its field, the title and the sums.
    provinces = choices_read_once(unit_filter.form.fields["province"])
    kept = (
        None
        if filter_query
        else dashboard_sums_kept(
            user=request.user, area=area, provinces=[province.pk for province in provinces]
        )
    )
    tallies = stored_tallies(filtered, now, kept=kept)
    paginator = Paginator(with_stored_funds(filtered), UNITS_PER_PAGE)
    paginator.count = tallies.total("total")  # a cached_property of the paginator
    page = paginator.get_page(request.GET.get("page"))
    query = DashboardQuery(
        user=request.user,
        area=area,
        units=filtered,
        page=page,
        months=months,
        now=now,
        granularity=granularity,
        filter_query=filter_query.urlencode(),
        tallies=tallies,
        kept=kept,
    )
    panels = dashboard_panels(query)
    page_query = request.GET.copy()
    page_query.pop("page", None)
    window_query = request.GET.copy()
    for name in ("page", "end"):
        window_query.pop(name, None)
    prefix = f"{window_query.urlencode()}&" if window_query else ""
    context: dict[str, Any] = {
        "area": area,
        "filter": unit_filter,
        "filter_fields": [unit_filter.form[name] for name in FILTER_FIELDS],
        "filtered": bool(filter_query),
        "panels": panels,
        "page": page,
        "query": page_query.urlencode(),
        "granularity": granularity,
        "trend_query": _replace(request, trend="month" if granularity == "quarter" else "quarter"),
        "months": query.months,
        "earlier_query": f"{prefix}end={add_months(end, -MONTHS_SHOWN):%Y-%m}",
        "later_query": f"{prefix}end={add_months(end, MONTHS_SHOWN):%Y-%m}",
        "charts": any(panel.chart for panel, _ in panels),
    }
    # The title names the programmes (the office's) or provinces (the reviewer's) among the
    # filter's choices, read once for both.
    if area == OFFICE:
        context["programmes"] = choices_read_once(unit_filter.form.fields["programme"])
    else:
        context["provinces"] = scope_provinces_among(provinces, user=request.user)
    return render(request, "dashboard/dashboard.html", context)


def _replace(request: HttpRequest, **values: str) -> str:
    query = request.GET.copy()
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


@require_safe
@role_required(Role.OFFICE_REVIEWER)
def office_dashboard(request: HttpRequest) -> HttpResponse:
    """The office's compliance heat map, on-time trend and fund execution."""
    return _dashboard(request, OFFICE)


@require_safe
@role_required(Role.PROVINCIAL_REVIEWER)
def province_dashboard(request: HttpRequest) -> HttpResponse:
    """The same, over the provinces the reviewer follows."""
    return _dashboard(request, PROVINCE)
