"""Pages of the records of a creating place (§7) and of its summary report (创建总结汇报材料).

Thin, like creation.views.leadership: reads start from `visible_to(user)` (outside the scope:
404), the unit's own staff change records through creation.services (others who see the unit:
403). Anyone who sees the unit may ask for its summary report; a worker makes it
(reporting.services.document_job_request) and the job's page shows the progress bar.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import load_workbook

from creation import services
from creation.forms import apply_service_errors
from creation.models import CreationUnit
from creation.scope import user_scope, visible_unit_or_404
from creation.views.leadership import GET_POST, PAGE_SIZE, _bound, _editable_unit
from places.excel import workbook_export, workbook_template
from places.forms import DocumentRequestForm, ImportForm, SummaryTextForm, record_form_class
from places.kinds import KINDS_BY_SECTION, RECORD_KINDS, RecordKind, display_value
from places.models import SummaryText
from places.selectors import place_figures
from places.services import place_records_import
from places.summary_report import PART_HEADINGS, SUMMARY_REPORT
from portal.exports import export_if_requested, model_columns
from reporting.documents import plain_number
from reporting.fonts import pdf_problem
from reporting.models import DocumentJob
from reporting.services import document_job_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 5


def _records_url(unit_id: int, kind: RecordKind | None = None) -> str:
    url = reverse("place:records", kwargs={"pk": unit_id})
    return f"{url}?section={kind.section}" if kind else url


# --- The records page ---------------------------------------------------------------------------


def _record_counts(unit: CreationUnit) -> dict[str, int]:
    """The number of records of each kind of the unit, in one query."""
    subqueries = {
        f"records_{kind.section}": Subquery(
            kind.model.objects.filter(unit=OuterRef("pk"))
            .order_by()
            .values("unit")
            .annotate(n=Count("pk"))
            .values("n")
        )
        for kind in RECORD_KINDS
    }
    row = CreationUnit.objects.filter(pk=unit.pk).values(**subqueries).get()
    return {name.removeprefix("records_"): n or 0 for name, n in row.items()}


@login_required
@require_GET
def records(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    kind = KINDS_BY_SECTION.get(request.GET.get("section", ""), RECORD_KINDS[0])
    rows = kind.model.objects.visible_to(request.user).filter(unit=unit)
    exported = export_if_requested(
        request,
        rows,
        columns=model_columns(kind.model, kind.fields),
        filename=f"{kind.section}-{unit.pk}",
    )
    if exported:
        return exported
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = _record_counts(unit)
    tabs = [
        {
            "kind": tab,
            "count": counts[tab.section],
            "url": _records_url(unit.pk, tab),
            "current": tab is kind,
        }
        for tab in RECORD_KINDS
    ]
    context = {
        "unit": unit,
        "kind": kind,
        "tabs": tabs,
        "columns": kind.columns,
        "page": page,
        "rows": [
            (record, [display_value(record, name) for name in kind.fields])
            for record in page.object_list
        ],
        "query": f"section={kind.section}",
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
    }
    return render(request, "places/records.html", context)


def _record_form(
    request: HttpRequest, *, unit: CreationUnit, kind: RecordKind, instance: Any, title: str
) -> HttpResponse:
    form = record_form_class(kind)(**_bound(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_record_save(
                user=request.user, instance=form.instance, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_records_url(unit.pk, kind))
    context = {
        "unit": unit,
        "form": form,
        "title": title,
        "back_url": _records_url(unit.pk, kind),
    }
    return render(request, "places/record_form.html", context)


def _record(request: HttpRequest, kind: RecordKind, pk: int) -> Any:
    rows = kind.model.objects.visible_to(request.user).select_related("unit__batch__programme")
    record = get_object_or_404(rows, pk=pk)
    if not user_scope(request.user).can_edit_unit(record.unit_id):
        raise PermissionDenied
    return record


def record_create(kind: RecordKind):
    @login_required
    @GET_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        unit = _editable_unit(request, pk)
        title = _("Add: %(kind)s") % {"kind": kind.model._meta.verbose_name}
        return _record_form(
            request, unit=unit, kind=kind, instance=kind.model(unit=unit), title=title
        )

    view.__name__ = f"{kind.name.replace('-', '_')}_create"
    return view


def record_edit(kind: RecordKind):
    @login_required
    @GET_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        record = _record(request, kind, pk)
        title = _("Edit: %(record)s") % {"record": record}
        return _record_form(request, unit=record.unit, kind=kind, instance=record, title=title)

    view.__name__ = f"{kind.name.replace('-', '_')}_edit"
    return view


def record_delete(kind: RecordKind):
    @login_required
    @GET_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        record = _record(request, kind, pk)
        back_url = _records_url(record.unit_id, kind)
        if request.method == "POST":
            services.unit_record_delete(user=request.user, instance=record)
            messages.success(request, _("Deleted: %(what)s.") % {"what": record})
            return redirect(back_url)
        context = {"unit": record.unit, "what": str(record), "back_url": back_url}
        return render(request, "creation/confirm_delete.html", context)

    view.__name__ = f"{kind.name.replace('-', '_')}_delete"
    return view


# --- Excel: template, export, import ----------------------------------------------------------


def _xlsx_response(workbook: Any, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"records.xlsx\"; filename*=UTF-8''{quote(filename)}"


def _editable_units(request: HttpRequest) -> list[CreationUnit]:
    scope = user_scope(request.user)
    units = CreationUnit.objects.visible_to(request.user).order_by("name")
    return [unit for unit in units if scope.can_edit_unit(unit.pk)]


@login_required
@require_GET
def records_template(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    workbook = workbook_template(units=_editable_units(request) or [unit])
    return _xlsx_response(workbook, _("%(unit)s records template.xlsx") % {"unit": unit.name})


@login_required
@require_GET
def records_export(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    records = {
        kind.section: list(
            kind.model.objects.visible_to(request.user).filter(unit=unit).select_related("unit")
        )
        for kind in RECORD_KINDS
    }
    stamp = timezone.localdate().isoformat()
    filename = _("%(unit)s records %(date)s.xlsx") % {"unit": unit.name, "date": stamp}
    return _xlsx_response(workbook_export(records=records), filename)


@login_required
@GET_POST
def records_import(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    form = ImportForm(**_bound(request))
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            workbook = load_workbook(form.cleaned_data["file"], read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged file
            form.add_error("file", _("This file cannot be read as an Excel workbook."))
        else:
            try:
                result = place_records_import(
                    user=request.user,
                    workbook=workbook,
                    default_unit=unit,
                    replace=form.cleaned_data["replace"],
                )
            finally:
                workbook.close()
            if result.ok:
                total = sum(result.created.values())
                messages.success(request, _("Imported %(count)d records.") % {"count": total})
                return redirect(_records_url(unit.pk))
            errors = result.errors
    context = {"unit": unit, "form": form, "errors": errors}
    return render(request, "places/import.html", context, status=400 if errors else 200)


# --- The summary report -------------------------------------------------------------------------


def _recent_jobs(request: HttpRequest, unit: CreationUnit) -> list[DocumentJob]:
    jobs = DocumentJob.objects.visible_to(request.user).filter(unit=unit, kind=SUMMARY_REPORT)
    return list(jobs.select_related("requested_by")[:RECENT_JOBS])


@login_required
@require_GET
def summary_report(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    scope = user_scope(request.user)
    text = SummaryText.objects.visible_to(request.user).filter(unit=unit).first()
    figures = place_figures(unit=unit)
    context = {
        "unit": unit,
        "text": text,
        "figures": figures,
        "floor_area": plain_number(figures.floor_area),
        "invested": plain_number(figures.invested),
        "parts": [str(heading) for heading in PART_HEADINGS],
        "can_edit": scope.can_edit_unit(unit.pk),
        "can_request": not scope.read_only,
        "form": DocumentRequestForm(),
        "pdf_problem": pdf_problem(),
        "jobs": _recent_jobs(request, unit),
    }
    return render(request, "places/summary_report.html", context)


@login_required
@GET_POST
def summary_text_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    text = SummaryText.objects.filter(unit=unit).first() or SummaryText(unit=unit)
    form = SummaryTextForm(**_bound(request), instance=text)
    back_url = reverse("place:summary-report", kwargs={"pk": unit.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_record_save(
                user=request.user, instance=form.instance, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back_url)
    context = {
        "unit": unit,
        "form": form,
        "title": _("Text of the summary report"),
        "back_url": back_url,
    }
    return render(request, "places/record_form.html", context)


@login_required
@require_POST
def summary_report_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the summary report; the job's page then shows its progress and the download."""
    if user_scope(request.user).read_only:
        raise PermissionDenied
    unit = visible_unit_or_404(request.user, pk)
    form = DocumentRequestForm(request.POST or {"format": DocumentJob.Format.PDF})
    if not form.is_valid():
        raise Http404  # only a hand-made request names another format
    try:
        job = document_job_request(
            user=request.user,
            kind=SUMMARY_REPORT,
            format=form.cleaned_data["format"],
            params={"unit": unit.pk},
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("place:summary-report", pk=unit.pk)
    return redirect("reporting:document-job", pk=job.pk)
