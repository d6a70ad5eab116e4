"""Pages of supervision (R4): the office's inspection plan, inspections with their checklist,
findings and feedback letter, rectification items with their history, the unit's findings and
self-inspections, and the province's copies.

Thin: reads start from `visible_to(user)` (inspections.selectors), so objects outside the
user's scope answer 404; a form or action the user may not use answers 403; writes go through
inspections.services, whose ValidationError shows on the form or as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creation.models import CreationUnit, Meeting, RoleAssignment
from creation.scope import user_scope, visible_unit_or_404
from creation.views import role_required
from inspections import services
from inspections.forms import (
    ChecklistItemAddForm,
    ChecklistResultsForm,
    CommentForm,
    DateForm,
    DocumentFormatForm,
    FindingForm,
    InspectionForm,
    LetterSendForm,
    ReasonForm,
    RectificationCheckFilter,
    RectificationSubmitForm,
    SelfInspectionForm,
    YearForm,
    apply_service_errors,
)
from inspections.letter import INSPECTION_LETTER
from inspections.models import (
    FeedbackLetter,
    FindingEvidence,
    Inspection,
    InspectionSettings,
    Rectification,
    RectificationEvidence,
    SelfInspection,
)
from inspections.rules import Coverage, is_overdue
from inspections.selectors import (
    inspection_get,
    inspection_list,
    inspection_plan_rows,
    latest_inspection_of,
    letter_list,
    province_self_inspections,
    rectification_check_queue,
    rectification_get,
    rectification_list,
    self_inspection_comparison,
    self_inspection_list,
)
from portal.exports import Column, Kind, export_if_requested, model_columns
from portal.files import stored_file_response
from portal.people import person_name
from portal.queues import carried_query, filter_query, next_in_queue, queue_link, wants_next
from reporting.models import Obligation
from reporting.services import document_job_request, document_may_request
from scoring.models import Indicator

PAGE_SIZE = 25
Role = RoleAssignment.Role
GET_POST = require_http_methods(["GET", "POST"])


# --- Exports of the lists -------------------------------------------------------------------------

COVERAGE_LABELS = {
    Coverage.NONE: gettext_lazy("None planned"),
    Coverage.OK: gettext_lazy("Covered"),
    Coverage.TOO_MANY: gettext_lazy("More than the maximum"),
}


def _settings_header(name: str) -> Any:
    return capfirst(InspectionSettings._meta.get_field(name).verbose_name)


def _sender(letter: FeedbackLetter) -> str:
    return person_name(letter.sent_by)


def _submission(obligation: Any) -> Any:
    # A reverse one-to-one: None while the unit has not started its report.
    return getattr(obligation, "submission", None)


def _submitted_on(obligation: Any) -> Any:
    submission = _submission(obligation)
    if submission is None or submission.submitted_at is None:
        return None
    return timezone.localdate(submission.submitted_at)


def _submission_status(obligation: Any) -> str:
    submission = _submission(obligation)
    return submission.get_status_display() if submission is not None else ""


def _self_inspection_status(obligation: Any) -> str:
    submission = _submission(obligation)
    if submission is not None:
        return submission.get_status_display()
    if getattr(obligation, "self_inspection", None) is not None:
        return str(_("Draft"))
    return str(_("Not started"))


def _overdue(rectification: Rectification) -> bool:
    return is_overdue(
        status=rectification.status,
        deadline=rectification.deadline,
        today=timezone.localdate(),
    )


PLAN_EXPORT = [
    Column(gettext_lazy("Unit"), lambda row: row.unit.name),
    Column(gettext_lazy("Province"), lambda row: row.unit.region.province_region.name),
    Column(gettext_lazy("Programme"), lambda row: row.unit.batch.programme.name),
    Column(gettext_lazy("Planned"), lambda row: row.count),
    Column(_settings_header("min_per_year"), lambda row: row.minimum),
    Column(_settings_header("max_per_year"), lambda row: row.maximum),
    Column(gettext_lazy("Coverage"), lambda row: COVERAGE_LABELS[row.coverage]),
]
INSPECTION_EXPORT = [
    *model_columns(
        Inspection,
        [
            "unit",
            "planned_start",
            "planned_end",
            "held_start",
            "held_end",
            "leader_name",
            "leader_position",
            "status",
        ],
    ),
    Column(gettext_lazy("Findings"), lambda inspection: inspection.finding_count),
    Column(
        gettext_lazy("Feedback letter"),
        lambda inspection: getattr(getattr(inspection, "letter", None), "document_number", ""),
    ),
]
LETTER_EXPORT = [
    *model_columns(
        FeedbackLetter,
        [
            "document_number",
            "inspection__unit",
            "local_government",
            "provincial_government",
            "sent_on",
        ],
    ),
    Column(gettext_lazy("Sent by"), _sender),
]
RECTIFICATION_EXPORT = [
    *model_columns(
        Rectification,
        [
            "finding__inspection__planned_start",
            "finding__severity",
            "finding__rule_id",
            "finding__description",
            "finding__requirement",
            "owner",
            "deadline",
            "status",
        ],
    ),
    Column(gettext_lazy("Overdue"), _overdue),
]
UNIT_SELF_INSPECTION_EXPORT = [
    Column(gettext_lazy("Half year"), lambda obligation: obligation.period_label),
    Column(gettext_lazy("Due"), kind=Kind.DEADLINE, reads=("due_at",)),
    Column(gettext_lazy("Status"), _self_inspection_status),
    Column(
        gettext_lazy("Submitted"),
        lambda obligation: _submitted_on(obligation),
    ),
]
PROVINCE_SELF_INSPECTION_EXPORT = [
    Column(gettext_lazy("Unit"), lambda row: row.unit.name),
    Column(gettext_lazy("Half year"), lambda row: row.obligation.period_label),
    Column(
        gettext_lazy("Submitted"),
        lambda row: _submitted_on(row.obligation),
    ),
    Column(gettext_lazy("Status"), lambda row: _submission_status(row.obligation)),
    *model_columns(SelfInspection, ["summary"]),
]


# --- Helpers ------------------------------------------------------------------------------------


def _bound(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST":
        return {"data": request.POST, "files": request.FILES}
    return {}


def _refuse_read_only(request: HttpRequest) -> None:
    if user_scope(request.user).read_only:
        raise PermissionDenied


def _visible_inspection(request: HttpRequest, pk: int) -> Inspection:
    try:
        return inspection_get(user=request.user, pk=pk)
    except Inspection.DoesNotExist:
        raise Http404 from None


def _office_inspection(request: HttpRequest, pk: int) -> Inspection:
    inspection = _visible_inspection(request, pk)
    if not services.can_run(request.user, inspection.unit):
        raise PermissionDenied
    return inspection


def _visible_rectification(request: HttpRequest, pk: int) -> Rectification:
    try:
        return rectification_get(user=request.user, pk=pk)
    except Rectification.DoesNotExist:
        raise Http404 from None


def _is_office(request: HttpRequest) -> bool:
    scope = user_scope(request.user)
    return scope.everything or bool(scope.office_programme_ids)


def _inspection_url(pk: int, section: str = "") -> str:
    url = reverse("inspections:inspection-detail", kwargs={"pk": pk})
    return f"{url}#{section}" if section else url


def _rectification_url(pk: int) -> str:
    return reverse("inspections:rectification-detail", kwargs={"pk": pk})


def _refused(request: HttpRequest, error: ValidationError, url: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(url)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_page(
    request: HttpRequest,
    *,
    unit: CreationUnit,
    form: Any,
    title: str,
    back_url: str,
    notes: tuple[str, ...] = (),
    submit_label: str = "",
) -> HttpResponse:
    return render(
        request,
        "inspections/form.html",
        {
            "unit": unit,
            "form": form,
            "title": title,
            "notes": notes,
            "back_url": back_url,
            "submit_label": submit_label or _("Save"),
        },
    )


# --- R4.1 the plan --------------------------------------------------------------------------------


@role_required(Role.OFFICE_REVIEWER, Role.PROVINCIAL_REVIEWER)
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    """R4.1: every unit with how many inspections are planned in the year; units with none and
    units with more than the maximum are flagged."""
    form = YearForm(request.GET or {"year": timezone.localdate().year})
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    rows = inspection_plan_rows(user=request.user, year=year)
    exported = export_if_requested(
        request, rows, columns=PLAN_EXPORT, filename=f"inspection-plan-{year}"
    )
    if exported:
        return exported
    context = {
        "form": form,
        "year": year,
        "page": _page(request, rows),
        "query": _query(request),
        "flagged_none": sum(1 for row in rows if row.coverage == Coverage.NONE),
        "flagged_many": sum(1 for row in rows if row.coverage == Coverage.TOO_MANY),
        "can_plan": bool(user_scope(request.user).office_programme_ids)
        or user_scope(request.user).everything,
    }
    return render(request, "inspections/plan.html", context)


@login_required
@require_GET
def inspection_list_page(request: HttpRequest) -> HttpResponse:
    rows = inspection_list(user=request.user)
    status = request.GET.get("status")
    if status in Inspection.Status.values:
        rows = rows.filter(status=status)
    exported = export_if_requested(request, rows, columns=INSPECTION_EXPORT, filename="inspections")
    if exported:
        return exported
    context = {
        "page": _page(request, rows),
        "query": _query(request),
        "statuses": Inspection.Status.choices,
        "can_check": _is_office(request),
        "status": status,
    }
    return render(request, "inspections/list.html", context)


@GET_POST
@login_required
def inspection_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    if not services.can_run(request.user, unit):
        raise PermissionDenied
    form = InspectionForm(**_bound(request), instance=Inspection(unit=unit))
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        members = fields.pop("members")
        try:
            inspection = services.inspection_plan(
                user=request.user, unit=unit, fields=fields, members=members
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The inspection was planned."))
            return redirect(_inspection_url(inspection.pk))
    return _form_page(
        request,
        unit=unit,
        form=form,
        title=_("Plan an inspection of %(unit)s") % {"unit": unit.name},
        back_url=reverse("inspections:plan"),
        notes=(
            _(
                "R4.1: the office sends an inspection team to every unit once or twice a year; "
                "the findings go back in writing to the local and the provincial people's "
                "government."
            ),
        ),
    )


@GET_POST
@login_required
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _office_inspection(request, pk)
    initial = {"members": "\n".join(f"{m.name}，{m.position}" for m in inspection.members.all())}
    form = InspectionForm(**_bound(request), instance=inspection, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        members = fields.pop("members")
        try:
            services.inspection_update(
                user=request.user, inspection=inspection, fields=fields, members=members
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_inspection_url(inspection.pk))
    return _form_page(
        request,
        unit=inspection.unit,
        form=form,
        title=_("Change the inspection"),
        back_url=_inspection_url(inspection.pk),
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _inspection_page(request, _visible_inspection(request, pk))


def _inspection_page(
    request: HttpRequest, inspection: Inspection, *, date_form: DateForm | None = None
) -> HttpResponse:
    """The inspection; a start or completion refused for its date comes back here with the
    error summary in its form."""
    can_run = services.can_run(request.user, inspection.unit)
    today = timezone.localdate()
    findings = [
        (
            finding,
            getattr(finding, "rectification", None),
            is_overdue(
                status=finding.rectification.status,
                deadline=finding.rectification.deadline,
                today=today,
            )
            if hasattr(finding, "rectification")
            else False,
        )
        for finding in inspection.findings.all()
    ]
    letter = getattr(inspection, "letter", None)
    context = {
        "inspection": inspection,
        "unit": inspection.unit,
        "findings": findings,
        "letter": letter,
        "can_run": can_run,
        "date_form": date_form or DateForm(initial={"day": today}),
        "read_only": user_scope(request.user).read_only,
    }
    return render(request, "inspections/detail.html", context)


def _status_action(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    _refuse_read_only(request)
    inspection = _office_inspection(request, pk)
    form = DateForm(request.POST)
    if not form.is_valid():
        return _inspection_page(request, inspection, date_form=form)
    try:
        action(user=request.user, inspection=inspection, day=form.cleaned_data["day"])
    except ValidationError as error:
        apply_service_errors(form, error)
        return _inspection_page(request, _visible_inspection(request, pk), date_form=form)
    messages.success(request, success)
    return redirect(_inspection_url(inspection.pk))


@require_POST
@login_required
def inspection_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        lambda user, inspection, day: services.inspection_start(
            user=user, inspection=inspection, held_start=day
        ),
        _("The inspection has started."),
    )


@require_POST
@login_required
def inspection_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request,
        pk,
        lambda user, inspection, day: services.inspection_complete(
            user=user, inspection=inspection, held_end=day
        ),
        _("The inspection is completed. Record the feedback letter once it is sent."),
    )


@GET_POST
@login_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist of an inspection: items from the unit's creation-standard indicators or
    written freely, with the team's result and remark for each."""
    inspection = _office_inspection(request, pk)
    items = list(inspection.checklist.all())
    form = ChecklistResultsForm(**_bound(request), items=items)
    add_form = ChecklistItemAddForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "standard":
                added = services.checklist_from_standard(user=request.user, inspection=inspection)
                messages.success(request, _("%(count)s indicators were added.") % {"count": added})
                return redirect("inspections:checklist", pk=inspection.pk)
            if action == "add":
                add_form = ChecklistItemAddForm(request.POST)
                if add_form.is_valid():
                    services.checklist_item_add(
                        user=request.user, inspection=inspection, text=add_form.cleaned_data["text"]
                    )
                    messages.success(request, _("The item was added."))
                    return redirect("inspections:checklist", pk=inspection.pk)
                form = ChecklistResultsForm(items=items)
            elif form.is_valid():
                services.checklist_results_save(
                    user=request.user, inspection=inspection, results=form.results()
                )
                messages.success(request, _("Saved."))
                return redirect(_inspection_url(inspection.pk, "checklist"))
        except ValidationError as error:
            apply_service_errors(form, error)
    context = {
        "inspection": inspection,
        "unit": inspection.unit,
        "form": form,
        "add_form": add_form,
    }
    return render(request, "inspections/checklist.html", context)


@GET_POST
@login_required
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _office_inspection(request, pk)
    form = FindingForm(
        **_bound(request),
        indicators=Indicator.objects.for_unit(inspection.unit),
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        owner, deadline, evidence = (
            fields.pop("owner"),
            fields.pop("deadline"),
            fields.pop("evidence"),
        )
        try:
            services.finding_add(
                user=request.user,
                inspection=inspection,
                fields=fields,
                owner=owner,
                deadline=deadline,
                evidence=evidence,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The finding and its rectification item were recorded."))
            return redirect(_inspection_url(inspection.pk, "findings"))
    return _form_page(
        request,
        unit=inspection.unit,
        form=form,
        title=_("Record a finding"),
        back_url=_inspection_url(inspection.pk, "findings"),
        notes=(
            _(
                "Each finding gets a rectification item for the unit, with the person or "
                "department responsible and a deadline after the inspection."
            ),
        ),
    )


@login_required
@require_GET
def finding_evidence(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(FindingEvidence.objects.visible_to(request.user), pk=pk)
    return stored_file_response(request, evidence.file, evidence.name)


# --- The written feedback ------------------------------------------------------------------------


@GET_POST
@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.1: the feedback letter of an inspection: its addressees and content, the PDF and Word
    files, and (for the office) recording it as sent."""
    inspection = _visible_inspection(request, pk)
    can_run = services.can_run(request.user, inspection.unit)
    sent = getattr(inspection, "letter", None)
    local, provincial = services.letter_addressees(inspection.unit)
    form = None
    if can_run and sent is None:
        form = LetterSendForm(
            **_bound(request),
            initial={
                "local_government": local,
                "provincial_government": provincial,
                "sent_on": timezone.localdate(),
            },
        )
    if request.method == "POST":
        _refuse_read_only(request)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.letter_send(user=request.user, inspection=inspection, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The feedback letter is recorded as sent."))
                return redirect("inspections:letter", pk=inspection.pk)
    context = {
        "inspection": inspection,
        "unit": inspection.unit,
        "sent": sent,
        "addressees": (sent.local_government, sent.provincial_government)
        if sent
        else (local, provincial),
        "form": form,
        "can_request": document_may_request(
            user=request.user, kind=INSPECTION_LETTER, params=_letter_params(inspection)
        ),
    }
    return render(request, "inspections/letter.html", context)


def _letter_params(inspection: Inspection) -> dict[str, int]:
    return {"unit": inspection.unit_id, "inspection": inspection.pk}


@require_POST
@login_required
def letter_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the letter as PDF or Word; the job's page shows the progress and the download.
    Who may (the office a draft; the unit and the province once the letter is sent, C7) is
    decided by reporting.services.document_access, as for the API."""
    _refuse_read_only(request)
    inspection = _visible_inspection(request, pk)
    form = DocumentFormatForm(request.POST or {"format": "pdf"})
    if not form.is_valid():
        raise Http404
    back = reverse("inspections:letter", kwargs={"pk": pk})
    try:
        job = document_job_request(
            user=request.user,
            kind=INSPECTION_LETTER,
            format=form.cleaned_data["format"],
            params=_letter_params(inspection),
        )
    except ValidationError as error:
        return _refused(request, error, back)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(back)
    return redirect("reporting:document-job", pk=job.pk)


@login_required
@require_GET
def letter_list_page(request: HttpRequest) -> HttpResponse:
    letters = letter_list(user=request.user)
    exported = export_if_requested(
        request, letters, columns=LETTER_EXPORT, filename="feedback-letters"
    )
    if exported:
        return exported
    context = {"page": _page(request, letters), "query": _query(request)}
    return render(request, "inspections/letters.html", context)


# --- Rectification ----------------------------------------------------------------------------------


@login_required
@require_GET
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _rectification_page(request, _visible_rectification(request, pk))


def _rectification_page(
    request: HttpRequest, rectification: Rectification, *, reopen_form: ReasonForm | None = None
) -> HttpResponse:
    """The rectification with the actions open to the user; a reopening refused for its reason
    comes back here with the error summary in its form."""
    unit = rectification.finding.inspection.unit
    scope = user_scope(request.user)
    is_staff = scope.can_edit_unit(unit.pk)
    can_run = services.can_run(request.user, unit)
    status = rectification.status
    context = {
        "rectification": rectification,
        "finding": rectification.finding,
        "inspection": rectification.finding.inspection,
        "unit": unit,
        "overdue": is_overdue(
            status=status, deadline=rectification.deadline, today=timezone.localdate()
        ),
        "submit_form": RectificationSubmitForm()
        if is_staff and status in ("open", "in_progress", "reopened")
        else None,
        "can_start": is_staff and status in ("open", "reopened"),
        "review_forms": (CommentForm(), reopen_form or ReasonForm())
        if can_run and status == "submitted"
        else None,
        "queue_query": carried_query(request),
    }
    return render(request, "inspections/rectification_detail.html", context)


def _rectification_action(
    request: HttpRequest, pk: int, act: Any, *, reopen_form: ReasonForm | None = None
) -> HttpResponse:
    _refuse_read_only(request)
    rectification = _visible_rectification(request, pk)
    url = queue_link(_rectification_url(rectification.pk), carried_query(request))
    # Where the item stood in the office's queue, before the decision takes it out.
    rectification.submitted_at = max(
        (e.at for e in rectification.events.all() if e.to_status == Rectification.Status.SUBMITTED),
        default=None,
    )
    try:
        act(rectification)
    except ValidationError as error:
        if reopen_form is not None and rectification.status == Rectification.Status.SUBMITTED:
            # A reason missing: the reopen form again, its problem in its error summary.
            apply_service_errors(reopen_form, error)
            return _rectification_page(request, rectification, reopen_form=reopen_form)
        return _refused(request, error, url)
    if wants_next(request):
        return redirect(_next_rectification_url(request, rectification))
    return redirect(url)


def _next_rectification_url(request: HttpRequest, rectification: Rectification) -> str:
    """The next rectification of the office's checks, with the reviewer's filters; the queue
    itself once nothing is left."""
    query = carried_query(request)
    queue = RectificationCheckFilter(
        QueryDict(query), queryset=rectification_check_queue(user=request.user)
    ).qs
    following = next_in_queue(queue, current=rectification, keys=("submitted_at", "pk"))
    if following is None:
        messages.info(
            request, _("All done: no rectification in this queue is waiting to be checked.")
        )
        url = reverse("inspections:rectification-queue")
        return f"{url}?{query}" if query else url
    return queue_link(_rectification_url(following.pk), query) + "#review"


@role_required(Role.OFFICE_REVIEWER)
@require_GET
def rectification_queue(request: HttpRequest) -> HttpResponse:
    """R4.1: rectifications the units submitted, waiting for the office to verify or reopen
    them, the longest waiting first."""
    filters = RectificationCheckFilter(
        request.GET or None, queryset=rectification_check_queue(user=request.user)
    )
    rows = filters.qs
    exported = export_if_requested(
        request, rows, columns=RECTIFICATION_EXPORT, filename="rectifications-to-check"
    )
    if exported:
        return exported
    context = {
        "filters": filters,
        "page": _page(request, rows),
        "query": _query(request),
        "queue_query": filter_query(request.GET),
    }
    return render(request, "inspections/rectification_queue.html", context)


@require_POST
@login_required
def rectification_start(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rectification: Rectification) -> None:
        services.rectification_start(user=request.user, rectification=rectification)
        messages.success(request, _("The rectification is in progress."))

    return _rectification_action(request, pk, act)


@require_POST
@login_required
def rectification_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    rectification = _visible_rectification(request, pk)
    unit = rectification.finding.inspection.unit
    if not user_scope(request.user).can_edit_unit(unit.pk):
        raise PermissionDenied
    form = RectificationSubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.rectification_submit(
                user=request.user,
                rectification=rectification,
                report=form.cleaned_data["report"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The rectification was submitted to the office."))
            return redirect(_rectification_url(rectification.pk))
    # Nothing is lost: the page shows the form again with what was written and the errors.
    context = {
        "rectification": rectification,
        "finding": rectification.finding,
        "inspection": rectification.finding.inspection,
        "unit": unit,
        "submit_form": form,
        "can_start": False,
        "review_forms": None,
    }
    return render(request, "inspections/rectification_detail.html", context, status=400)


@require_POST
@login_required
def rectification_verify(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rectification: Rectification) -> None:
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        services.rectification_verify(
            user=request.user, rectification=rectification, comment=comment
        )
        messages.success(request, _("The rectification is verified."))

    return _rectification_action(request, pk, act)


@require_POST
@login_required
def rectification_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rectification: Rectification) -> None:
        reason = request.POST.get("reason", "")
        services.rectification_reopen(user=request.user, rectification=rectification, reason=reason)
        messages.success(request, _("The rectification was reopened; the unit was told why."))

    return _rectification_action(request, pk, act, reopen_form=ReasonForm(request.POST))


@login_required
@require_GET
def rectification_evidence(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(RectificationEvidence.objects.visible_to(request.user), pk=pk)
    return stored_file_response(request, evidence.file, evidence.name)


@login_required
@require_GET
def unit_rectifications(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's findings and their rectification, the open ones first."""
    unit = visible_unit_or_404(request.user, pk)
    today = timezone.localdate()
    rows = (
        rectification_list(user=request.user)
        .filter(finding__inspection__unit=unit)
        .order_by("status", "deadline", "pk")
    )
    exported = export_if_requested(
        request, rows, columns=RECTIFICATION_EXPORT, filename=f"rectifications-{unit.pk}"
    )
    if exported:
        return exported
    page = _page(request, rows)
    context = {
        "unit": unit,
        "page": page,
        "rows": [
            (r, is_overdue(status=r.status, deadline=r.deadline, today=today))
            for r in page.object_list
        ],
        "query": _query(request),
        "inspections": list(inspection_list(user=request.user).filter(unit=unit)[:20]),
    }
    return render(request, "inspections/unit_rectifications.html", context)


# --- R4.2 self-inspection -----------------------------------------------------------------------


@login_required
@require_GET
def unit_self_inspections(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    obligations = (
        Obligation.objects.visible_to(request.user)
        .filter(unit=unit, type=Obligation.Type.SELF_INSPECTION)
        .select_related("submission", "self_inspection")
        .order_by("-period_start")
    )
    exported = export_if_requested(
        request,
        obligations,
        columns=UNIT_SELF_INSPECTION_EXPORT,
        filename=f"self-inspections-{unit.pk}",
    )
    if exported:
        return exported
    page = _page(request, obligations)
    context = {
        "unit": unit,
        "page": page,
        "query": _query(request),
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
    }
    return render(request, "inspections/unit_self_inspections.html", context)


@GET_POST
@login_required
def self_inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit writes its self-inspection of a half year (pk: the obligation)."""

    obligation = get_object_or_404(
        Obligation.objects.visible_to(request.user)
        .filter(type=Obligation.Type.SELF_INSPECTION)
        .select_related("unit"),
        pk=pk,
    )
    unit = obligation.unit
    if not user_scope(request.user).can_edit_unit(unit.pk):
        raise PermissionDenied
    existing = SelfInspection.objects.filter(obligation=obligation).first()
    if not services.self_inspection_editable(obligation):
        messages.info(request, _("A submitted self-inspection cannot be changed."))
        if existing is not None:
            return redirect("inspections:self-inspection-detail", pk=existing.pk)
        return redirect("inspections:unit-self-inspections", pk=unit.pk)
    if existing is None and request.method == "GET":
        # the checklist is made from the unit's indicators when the page is first opened
        existing = services.self_inspection_save(
            user=request.user, obligation=obligation, summary="", draft_report=False
        )
    items = list(existing.items.all()) if existing else []
    form = SelfInspectionForm(
        **_bound(request),
        meetings=Meeting.objects.filter(unit=unit),
        items=items,
        initial={"summary": existing.summary, "meeting": existing.meeting} if existing else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.self_inspection_save(
                user=request.user,
                obligation=obligation,
                summary=form.cleaned_data["summary"],
                meeting=form.cleaned_data["meeting"],
                results=form.results(),
            )
            if request.POST.get("action") == "submit":
                services.self_inspection_submit(user=request.user, self_inspection=saved)
                messages.success(request, _("The self-inspection was submitted to the office."))
            else:
                messages.success(request, _("Saved."))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("inspections:self-inspection-detail", pk=saved.pk)
    return render(
        request,
        "inspections/self_inspection_form.html",
        {"unit": unit, "obligation": obligation, "form": form},
    )


def _visible_self_inspection(request: HttpRequest, pk: int) -> SelfInspection:
    return get_object_or_404(self_inspection_list(user=request.user), pk=pk)


@login_required
@require_GET
def self_inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    self_inspection = _visible_self_inspection(request, pk)
    unit = self_inspection.unit
    context = {
        "self_inspection": self_inspection,
        "unit": unit,
        "items": list(self_inspection.items.select_related("indicator")),
        "submission": getattr(self_inspection.obligation, "submission", None),
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
        "can_compare": services.can_run(request.user, unit),
    }
    return render(request, "inspections/self_inspection_detail.html", context)


@require_POST
@login_required
def self_inspection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    self_inspection = _visible_self_inspection(request, pk)
    if not user_scope(request.user).can_edit_unit(self_inspection.unit_id):
        raise PermissionDenied
    url = reverse("inspections:self-inspection-detail", kwargs={"pk": self_inspection.pk})
    try:
        services.self_inspection_submit(user=request.user, self_inspection=self_inspection)
    except ValidationError as error:
        return _refused(request, error, url)
    messages.success(request, _("The self-inspection was submitted to the office."))
    return redirect(url)


@login_required
@require_GET
def self_inspection_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The office compares a self-inspection with its own latest inspection of the unit: the
    checklist side by side, and the findings the self-inspection missed."""
    self_inspection = _visible_self_inspection(request, pk)
    if not services.can_run(request.user, self_inspection.unit):
        raise PermissionDenied
    inspections = list(inspection_list(user=request.user).filter(unit=self_inspection.unit))
    chosen = next(
        (i for i in inspections if str(i.pk) == request.GET.get("inspection")),
        latest_inspection_of(user=request.user, unit=self_inspection.unit),
    )
    context = {
        "self_inspection": self_inspection,
        "unit": self_inspection.unit,
        "inspections": inspections,
        "comparison": self_inspection_comparison(
            self_inspection=self_inspection, inspection=chosen
        ),
    }
    return render(request, "inspections/self_inspection_compare.html", context)


@role_required(Role.PROVINCIAL_REVIEWER)
@require_GET
def province_self_inspections_page(request: HttpRequest) -> HttpResponse:
    """R4.2: the copies of the self-inspections of the province's units, for the provincial
    culture and finance departments."""
    rows = province_self_inspections(user=request.user)
    exported = export_if_requested(
        request, rows, columns=PROVINCE_SELF_INSPECTION_EXPORT, filename="self-inspections"
    )
    if exported:
        return exported
    context = {"page": _page(request, rows), "query": _query(request)}
    return render(request, "inspections/province_self_inspections.html", context)
