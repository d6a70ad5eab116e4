"""Pages of the veto gauge (R6.6), the creation standards, indicator reviews (§8) and acceptance
(R6.5): the unit's page, the office's list of gauges, the office's forms and actions.

Thin: reads start from `visible_to(user)`, so objects outside the user's scope answer 404; an
office form or action for a unit of another programme (or for a unit's own staff) answers 403;
writes go through scoring.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creation.models import CreationUnit, RoleAssignment
from creation.scope import user_scope, visible_unit_or_404
from creation.selectors import office_units
from creation.views import role_required
from portal.exports import Column, export_if_requested, model_columns, requested_format
from scoring import services
from scoring.acceptance.forms import (
    GaugeFilterForm,
    OverrideForm,
    ReviewForm,
    StatusDecisionForm,
    apply_service_errors,
)
from scoring.models import (
    AcceptanceEvaluation,
    AcceptanceSettings,
    CreationStandard,
    Indicator,
    IndicatorReview,
)
from scoring.rules import GAUGE_STATUS_LABELS, GaugeStatus
from scoring.selectors import (
    StoredGauge,
    gauge_statuses,
    gauges_of,
    override_history,
    review_values,
    standard_list,
    stored_gauge,
)

PAGE_SIZE = 25
Role = RoleAssignment.Role
GET_POST = require_http_methods(["GET", "POST"])


def _requirements_not_kept(gauge: StoredGauge) -> list[str]:
    return [
        f"{row['rule']} {row['label']} ({GAUGE_STATUS_LABELS[row['status']]})"
        for row in gauge.items
        if row["status"] != GaugeStatus.OK
    ]


def _indicators(standard: CreationStandard) -> list[str]:
    return [f"{indicator.code} {indicator.name}" for indicator in standard.indicators.all()]


GAUGE_EXPORT = [
    Column(gettext_lazy("Unit"), lambda gauge: gauge.unit.name),
    Column(gettext_lazy("Kind"), lambda gauge: gauge.unit.get_kind_display()),
    Column(gettext_lazy("Batch"), lambda gauge: str(gauge.unit.batch)),
    Column(gettext_lazy("Gauge"), lambda gauge: GAUGE_STATUS_LABELS[gauge.status.value]),
    Column(gettext_lazy("Requirements failed or at risk"), _requirements_not_kept),
]
STANDARD_EXPORT = [
    *model_columns(CreationStandard, ["batch", "economic_belt", "title"]),
    Column(gettext_lazy("Indicators"), _indicators),
]


def _can_run(request: HttpRequest, unit: CreationUnit) -> bool:
    return user_scope(request.user).can_run_programme(unit.batch.programme_id)


def _office_unit(request: HttpRequest, pk: int, *, action: bool = False) -> CreationUnit:
    """The unit, for the office of its programme only (403 for others who see it). Read-only
    accounts are refused an action before any lookup."""
    if action and user_scope(request.user).read_only:
        raise PermissionDenied
    unit = visible_unit_or_404(request.user, pk)
    if not _can_run(request, unit):
        raise PermissionDenied
    return unit


def _gauge_url(unit_id: int, section: str = "") -> str:
    url = reverse("acceptance:unit-gauge", kwargs={"pk": unit_id})
    return f"{url}#{section}" if section else url


@login_required
@require_GET
def unit_gauge(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.6 and §8: the unit's veto gauge with its evidence and the office's overrides, its
    indicator reviews and acceptance evaluations."""
    unit = visible_unit_or_404(request.user, pk)
    gauge = stored_gauge(unit=unit)
    context = {
        "unit": unit,
        "gauge": gauge,
        "rows": gauge.items,
        "overrides": override_history(unit=unit),
        "reviews": IndicatorReview.objects.filter(unit=unit)
        .select_related("recorded_by")
        .prefetch_related("values__indicator"),
        "evaluations": AcceptanceEvaluation.objects.filter(unit=unit).select_related(
            "evaluated_by"
        ),
        "can_run": _can_run(request, unit),
        "numbers": AcceptanceSettings.for_programme(unit.batch.programme_id).numbers(),
    }
    return render(request, "scoring/acceptance/unit_gauge.html", context)


@login_required
@GET_POST
def override_create(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.6: the office overrides a veto item of the unit, with a written reason."""
    unit = _office_unit(request, pk)
    form = OverrideForm(request.POST or None, unit=unit, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.veto_override_create(user=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The override is recorded."))
            return redirect(_gauge_url(unit.pk, "overrides"))
    return render(
        request,
        "scoring/acceptance/form.html",
        {
            "unit": unit,
            "form": form,
            "title": _("Override a veto requirement"),
            "back_url": _gauge_url(unit.pk),
        },
    )


@login_required
@GET_POST
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    """§8: the office records the unit's indicator values (mid-term review or final values)."""
    unit = _office_unit(request, pk)
    indicators = list(Indicator.objects.for_unit(unit))
    form = ReviewForm(
        request.POST or None,
        indicators=indicators,
        initial={"stage": request.GET.get("stage", "midterm"), "reviewed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.indicator_review_record(
                user=request.user,
                unit=unit,
                stage=form.cleaned_data["stage"],
                reviewed_on=form.cleaned_data["reviewed_on"],
                note=form.cleaned_data["note"],
                values=form.values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("acceptance:review-detail", pk=review.pk)
    return render(
        request,
        "scoring/acceptance/form.html",
        {
            "unit": unit,
            "form": form,
            "title": _("Record indicator values"),
            "back_url": _gauge_url(unit.pk, "reviews"),
            "empty": not indicators,
        },
    )


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        IndicatorReview.objects.visible_to(request.user).select_related(
            "unit__batch__programme", "recorded_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "scoring/acceptance/review_detail.html",
        {"review": review, "unit": review.unit, "values": review_values(review=review)},
    )


@login_required
@require_POST
def acceptance_run(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.5, R6.6: the office runs the acceptance evaluation of the unit (a new row each time)."""
    unit = _office_unit(request, pk, action=True)
    try:
        evaluation = services.acceptance_evaluate(user=request.user, unit=unit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_gauge_url(unit.pk, "acceptance"))
    messages.success(request, _("The acceptance evaluation is recorded."))
    return redirect("acceptance:evaluation-detail", pk=evaluation.pk)


def _visible_evaluation(request: HttpRequest, pk: int) -> AcceptanceEvaluation:
    return get_object_or_404(
        AcceptanceEvaluation.objects.visible_to(request.user).select_related(
            "unit__batch__programme", "unit__region", "evaluated_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _visible_evaluation(request, pk)
    unit = evaluation.unit
    return render(
        request,
        "scoring/acceptance/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "unit": unit,
            "can_run": _can_run(request, unit),
            "form": StatusDecisionForm(
                initial={"status": "vetoed" if evaluation.vetoed else "accepted"}
            ),
            "decisions": unit.status_decisions.select_related("decided_by"),
        },
    )


@login_required
@require_POST
def evaluation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """§8: the office sets the unit accepted or vetoed on this evaluation, with a reason."""
    if user_scope(request.user).read_only:
        raise PermissionDenied
    evaluation = _visible_evaluation(request, pk)
    unit = evaluation.unit
    if not _can_run(request, unit):
        raise PermissionDenied
    form = StatusDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.unit_status_decide(
                user=request.user, unit=unit, evaluation=evaluation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The unit's status is set."))
            return redirect("acceptance:evaluation-detail", pk=evaluation.pk)
    return render(
        request,
        "scoring/acceptance/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "unit": unit,
            "can_run": True,
            "form": form,
            "decisions": unit.status_decisions.select_related("decided_by"),
        },
        status=400,
    )


def _filtered_units(request: HttpRequest, form: GaugeFilterForm) -> Any:
    scope = user_scope(request.user)
    if scope.everything or Role.OFFICE_REVIEWER in scope.roles:
        units = office_units(user=request.user)
    else:
        units = CreationUnit.objects.visible_to(request.user).with_related()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("programme"):
            units = units.filter(batch__programme=data["programme"])
        if data.get("batch"):
            units = units.filter(batch=data["batch"])
        if data.get("kind"):
            units = units.filter(kind=data["kind"])
    return units


@role_required(Role.OFFICE_REVIEWER, Role.PROVINCIAL_REVIEWER)
@require_GET
def gauge_list_page(request: HttpRequest) -> HttpResponse:
    """R6.6: every unit's veto gauge, worst first, with filters; the office acts on them, the
    province reads."""
    form = GaugeFilterForm(request.GET or None, user=request.user)
    units = _filtered_units(request, form)
    wanted = form.cleaned_data.get("gauge_status", "") if form.is_valid() else ""
    shown, counts = gauge_statuses(units, status=wanted, worst_first=True)
    if requested_format(request):
        return export_if_requested(
            request, gauges_of(units, shown), columns=GAUGE_EXPORT, filename="veto-gauges"
        )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = gauges_of(units, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scoring/acceptance/gauge_list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def standard_list_page(request: HttpRequest) -> HttpResponse:
    """§8: the creation standards per batch and economic belt, with their indicators."""
    standards = (
        standard_list(user=request.user)
        .order_by("batch__programme_id", "batch__number", "economic_belt")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order", "code"))
        )
    )
    exported = export_if_requested(
        request, standards, columns=STANDARD_EXPORT, filename="creation-standards"
    )
    if exported:
        return exported
    page = Paginator(standards, 10).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/acceptance/standard_list.html",
        {"page": page, "can_edit": request.user.is_staff, "query": ""},
    )
