"""Pages of the organisation: the role homes and the unit pages. Thin: reads go through
selectors, which start from `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from creation.api.filters import CreationUnitFilter
from creation.figures import stored_figures
from creation.models import CreationUnit, RoleAssignment
from creation.rules import worst_status
from creation.selectors import (
    programme_list,
    scope_provinces,
    unit_counts,
    unit_get,
    unit_leadership_compliance,
    unit_list,
    units_per_batch,
    units_per_province,
)
from creation.views import role_required
from portal.exports import export_if_requested, model_columns
from portal.page_cache import peer_publicity_not_shown

PAGE_SIZE = 25
Role = RoleAssignment.Role


UNIT_EXPORT = model_columns(
    CreationUnit,
    [
        ("name", gettext_lazy("Unit name")),
        ("kind", gettext_lazy("Unit type")),
        ("region__province__name", gettext_lazy("Unit's province")),
        ("region__name", gettext_lazy("Unit's region")),
        ("batch__programme__name", gettext_lazy("Programme")),
        "batch__number",
        "level",
        "status",
        "start_date",
        "host_organisation",
    ],
)


def _filtered(request: HttpRequest, units) -> tuple[CreationUnitFilter, Any]:
    unit_filter = CreationUnitFilter(request.GET or None, queryset=units, request=request)
    return unit_filter, unit_filter.qs if unit_filter.is_bound else units


def _filtered_page(request: HttpRequest, units, *, total: int | None = None) -> dict[str, Any]:
    """The filter and the page of the filtered units. `total`, when the caller has counted the
    units already, spares the paginator its count while no filter narrows them."""
    unit_filter, filtered = _filtered(request, units)
    paginator = Paginator(filtered, PAGE_SIZE)
    if total is not None and not any(request.GET.get(name) for name in unit_filter.filters):
        paginator.count = total  # a cached_property of the paginator
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"filter": unit_filter, "page": page, "query": query.urlencode()}


def _units_export(request: HttpRequest, units) -> HttpResponse | None:
    """The filtered unit list as a download, when asked for (the list, province and office
    pages all show it)."""
    _, filtered = _filtered(request, units)
    return export_if_requested(request, filtered, columns=UNIT_EXPORT, filename="units")


@peer_publicity_not_shown
@login_required
def unit_list_page(request: HttpRequest) -> HttpResponse:
    units = unit_list(user=request.user)
    exported = _units_export(request, units)
    return exported or render(request, "creation/unit_list.html", _filtered_page(request, units))


@peer_publicity_not_shown
@login_required
def unit_home(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        unit = unit_get(user=request.user, pk=pk)
    except CreationUnit.DoesNotExist:
        raise Http404 from None
    leadership = worst_status(unit_leadership_compliance(unit=unit))
    # The veto gauge (R6.6), the liaison vacancy (C5) and the reports overdue (C1) as the unit's
    # figures store them.
    figures = stored_figures([unit.pk], fields=["veto_status", "liaison_vacant_since", "overdue"])[
        unit.pk
    ]
    context = {
        "unit": unit,
        "leadership": leadership,
        "liaison_vacant_since": figures.liaison_vacant_since,
        "veto_status": figures.veto_status,
        "overdue": figures.overdue,
    }
    return render(request, "creation/unit_home.html", context)


@peer_publicity_not_shown
@role_required(Role.PROVINCIAL_REVIEWER)
def province_home(request: HttpRequest) -> HttpResponse:
    units = unit_list(user=request.user)
    if exported := _units_export(request, units):
        return exported
    counts = unit_counts(units)
    context = _filtered_page(request, units, total=counts.total)
    context.update(
        {
            "provinces": list(scope_provinces(user=request.user)),
            "counts": counts,
            "batches": units_per_batch(units),
        }
    )
    return render(request, "creation/province_home.html", context)


@role_required(Role.OFFICE_REVIEWER)
def office_home(request: HttpRequest) -> HttpResponse:
    units = unit_list(user=request.user)
    if exported := _units_export(request, units):
        return exported
    counts = unit_counts(units)
    context = _filtered_page(request, units, total=counts.total)
    context.update(
        {
            "programmes": list(programme_list(user=request.user)),
            "counts": counts,
            "batches": units_per_batch(units),
            "provinces": units_per_province(units),
        }
    )
    return render(request, "creation/office_home.html", context)
