"""Pages of funds: the unit's funds (money in, plans, execution), a plan with its versions,
review and history, the plan editor, spending with vouchers, the printable half-yearly fund report
(R3.3), the province's review queue and the office's filing queue with execution rates.

Thin: reads start from `visible_to(user)`, so objects outside the user's scope answer 404; a
form or action the user may not use answers 403; writes go through funds.services (or
creation.services.unit_record_save for money-in records), whose ValidationError shows on the
form or as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import ModelForm
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creation.figures import office_province_funds, stored_figures
from creation.models import CreationUnit, RoleAssignment
from creation.scope import user_scope, visible_unit_or_404
from creation.selectors import office_units
from creation.services import unit_record_save
from creation.views import role_required
from funds import services
from funds.forms import (
    BudgetLineForm,
    BudgetLineFormSet,
    CentralAllocationForm,
    DecisionForm,
    ExpenditureForm,
    FilingForm,
    FilingQueueFilter,
    LocalFundingForm,
    PlanCreateForm,
    ProvincePlanFilter,
    ReversalForm,
    VersionForm,
    apply_service_errors,
)
from funds.models import (
    BudgetLine,
    CentralAllocation,
    Expenditure,
    FundPlan,
    FundPlanVersion,
    LocalFunding,
)
from funds.rules import ZERO, PlanStatus, Stage, execution_rate
from funds.selectors import (
    EXECUTION_FIGURES,
    allocation_list,
    default_period,
    expenditure_list,
    filed_lines,
    fund_report_obligation,
    half_year_report,
    local_funding_list,
    money_in,
    office_filing_queue,
    parse_period,
    plan_list,
    plan_versions,
    province_review_queue,
    report_periods,
    unit_execution,
    version_view,
    with_rates,
)
from portal.exports import Column, export_if_requested, model_columns
from portal.files import stored_file_response
from portal.page_cache import peer_publicity_not_shown
from portal.queues import (
    AND_NEXT,
    carried_query,
    filter_query,
    next_in_queue,
    queue_link,
    wants_next,
)
from portal.widgets import choices_read_once

PAGE_SIZE = 25
Role = RoleAssignment.Role
GET_POST = require_http_methods(["GET", "POST"])


# --- Helpers ------------------------------------------------------------------------------------


def _require_editor(request: HttpRequest, unit_id: int) -> None:
    if not user_scope(request.user).can_edit_unit(unit_id):
        raise PermissionDenied


def _refuse_read_only(request: HttpRequest) -> None:
    """Read-only accounts change nothing, whatever they may see: 403 before any lookup."""
    if user_scope(request.user).read_only:
        raise PermissionDenied


def _editable_unit(request: HttpRequest, pk: int) -> CreationUnit:
    unit = visible_unit_or_404(request.user, pk)
    _require_editor(request, unit.pk)
    return unit


def _funds_url(unit_id: int, section: str = "") -> str:
    url = reverse("funds:unit-funds", kwargs={"pk": unit_id})
    return f"{url}#{section}" if section else url


def _plan_url(plan_id: int) -> str:
    return reverse("funds:plan-detail", kwargs={"pk": plan_id})


def _bound(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST":
        return {"data": request.POST, "files": request.FILES}
    return {}


def _refused(request: HttpRequest, error: ValidationError, url: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(url)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


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
    context = {
        "unit": unit,
        "form": form,
        "title": title,
        "notes": notes,
        "back_url": back_url,
        "submit_label": submit_label or _("Save"),
    }
    return render(request, "funds/record_form.html", context)


# --- The unit's funds ---------------------------------------------------------------------------


@peer_publicity_not_shown
@login_required
@require_GET
def unit_funds(request: HttpRequest, pk: int) -> HttpResponse:
    """Money in, the unit's plans with the state of their latest version, and the execution of
    its filed plans line by line."""
    unit = visible_unit_or_404(request.user, pk)
    lines = list(filed_lines(unit=unit))
    spent = sum((line.spent for line in lines), ZERO)
    budget = sum((line.amount for line in lines), ZERO)
    context = {
        "unit": unit,
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
        "money": money_in(unit=unit),
        "allocations": list(allocation_list(user=request.user).filter(unit=unit)),
        "local_fundings": list(local_funding_list(user=request.user).filter(unit=unit)),
        "plans": list(plan_list(user=request.user).filter(unit=unit)),
        "lines": [(line, execution_rate(spent=line.spent, budget=line.amount)) for line in lines],
        "budget": budget,
        "spent": spent,
        "rate": execution_rate(spent=spent, budget=budget),
        "report_period": default_period(),
    }
    return render(request, "funds/unit_funds.html", context)


def _money_record_page(
    request: HttpRequest,
    *,
    unit: CreationUnit,
    form: ModelForm,
    title: str,
    section: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            unit_record_save(user=request.user, instance=form.instance, fields=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_funds_url(unit.pk, section))
    return _form_page(
        request, unit=unit, form=form, title=title, back_url=_funds_url(unit.pk, section)
    )


@GET_POST
@login_required
def allocation_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    form = CentralAllocationForm(**_bound(request), instance=CentralAllocation(unit=unit))
    return _money_record_page(
        request,
        unit=unit,
        form=form,
        title=_("Record a central subsidy allocation"),
        section="money",
    )


def _editable_record(request: HttpRequest, model: type[Model], pk: int) -> Any:
    record = get_object_or_404(
        model._default_manager.visible_to(request.user).select_related("unit"), pk=pk
    )
    _require_editor(request, record.unit_id)
    return record


@GET_POST
@login_required
def allocation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = _editable_record(request, CentralAllocation, pk)
    form = CentralAllocationForm(**_bound(request), instance=allocation)
    return _money_record_page(
        request,
        unit=allocation.unit,
        form=form,
        title=_("Change a central subsidy allocation"),
        section="money",
    )


@GET_POST
@login_required
def local_funding_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    form = LocalFundingForm(**_bound(request), instance=LocalFunding(unit=unit))
    return _money_record_page(
        request, unit=unit, form=form, title=_("Record local creation funds"), section="money"
    )


@GET_POST
@login_required
def local_funding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    funding = _editable_record(request, LocalFunding, pk)
    form = LocalFundingForm(**_bound(request), instance=funding)
    return _money_record_page(
        request,
        unit=funding.unit,
        form=form,
        title=_("Change local creation funds"),
        section="money",
    )


# --- Plans ---------------------------------------------------------------------------------------


@GET_POST
@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    form = PlanCreateForm(**_bound(request))
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        title = fields.pop("title")
        if FundPlan.objects.filter(unit=unit, title=title).exists():
            form.add_error("title", _("The unit already has a plan with this title."))
        else:
            try:
                plan = services.fund_plan_create(
                    user=request.user, unit=unit, title=title, fields=fields
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, _("The plan was started. Add its budget lines, then submit it.")
                )
                return redirect(_plan_url(plan.pk))
    return _form_page(
        request,
        unit=unit,
        form=form,
        title=_("New fund-use plan"),
        back_url=_funds_url(unit.pk, "plans"),
        notes=(
            _(
                "R3.2: the plan sets out the management rules for the central subsidy and the "
                "local funds, and each budget item with its purpose and expected effect. It is "
                "reviewed by the provincial finance and culture departments, then filed with the "
                "office; only then can money be spent under it."
            ),
        ),
    )


def _visible_plan(request: HttpRequest, pk: int) -> FundPlan:
    plans = FundPlan.objects.visible_to(request.user).select_related(
        "unit__region__province", "unit__batch__programme"
    )
    return get_object_or_404(plans, pk=pk)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _visible_plan(request, pk))


def _plan_page(
    request: HttpRequest,
    plan: FundPlan,
    *,
    decision_form: DecisionForm | None = None,
    filing_form: FilingForm | None = None,
    lines_formset: Any = None,
) -> HttpResponse:
    """A plan: its latest (or a chosen) version with lines, totals and the R3.1 warnings; the
    actions open to the user (edit the lines, submit, revise, decide, file); every version and
    decision. A form given is one posted with problems, shown again with its error summary."""
    unit = plan.unit
    versions = plan_versions(plan=plan)
    latest = versions[0]
    shown = latest
    if request.GET.get("version"):
        shown = next((v for v in versions if str(v.number) == request.GET["version"]), latest)
    unit_money = money_in(unit=unit)
    view = version_view(shown, unit_money=unit_money)
    scope = user_scope(request.user)
    is_staff = scope.can_edit_unit(unit.pk)
    decided = set(view.decisions)
    stages = [
        stage
        for stage in services.review_stages(user=request.user, unit=unit)
        if stage not in decided
    ]
    can_decide = shown is latest and latest.status == PlanStatus.IN_REVIEW and bool(stages)
    can_file = (
        shown is latest
        and latest.status == PlanStatus.AWAITING_FILING
        and services.can_file(user=request.user, unit=unit)
    )
    can_edit = is_staff and not scope.read_only and shown is latest and latest.is_draft
    if can_edit and lines_formset is None:
        lines_formset = _lines_formset(latest)
    context = {
        "plan": plan,
        "unit": unit,
        "versions": versions,
        "latest": latest,
        "view": view,
        "version": shown,
        "can_edit": can_edit,
        "can_revise": is_staff and latest.status == PlanStatus.RETURNED,
        "decision_form": (decision_form or DecisionForm(stages=stages)) if can_decide else None,
        "filing_form": (filing_form or FilingForm()) if can_file else None,
        "lines_formset": lines_formset if can_edit else None,
        "review_rows": [
            (stage, label, view.decisions.get(stage)) for stage, label in _stage_labels()
        ],
        "money": unit_money,
        "queue_query": carried_query(request),
    }
    return render(request, "funds/plan_detail.html", context)


def _lines_formset(version: FundPlanVersion, data: Any = None) -> Any:
    lines = version.lines.select_related("category").order_by("sort_order", "pk")
    return BudgetLineFormSet(data, queryset=lines, prefix="lines")


def _stage_labels() -> list[tuple[str, str]]:
    return [
        (Stage.FINANCE, _("Provincial finance")),
        (Stage.CULTURE, _("Provincial culture")),
        (Stage.OFFICE, _("Office (filing)")),
    ]


@require_POST
@login_required
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    plan = _visible_plan(request, pk)
    _require_editor(request, plan.unit_id)
    try:
        version = services.fund_plan_revise(user=request.user, plan=plan)
    except ValidationError as error:
        return _refused(request, error, _plan_url(plan.pk))
    messages.success(
        request,
        _("Version %(number)s was started from the returned one: change it and submit it again.")
        % {"number": version.number},
    )
    return redirect(_plan_url(plan.pk))


def _visible_version(request: HttpRequest, pk: int) -> FundPlanVersion:
    versions = FundPlanVersion.objects.visible_to(request.user).select_related(
        "plan__unit__region__province", "plan__unit__batch"
    )
    return get_object_or_404(versions, pk=pk)


def _editable_draft(request: HttpRequest, pk: int) -> FundPlanVersion | HttpResponse:
    version = _visible_version(request, pk)
    _require_editor(request, version.plan.unit_id)
    if not version.is_draft:
        messages.error(request, _("This version is no longer a draft and cannot be changed."))
        return redirect(_plan_url(version.plan_id))
    return version


@GET_POST
@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _editable_draft(request, pk)
    if isinstance(version, HttpResponse):
        return version
    form = VersionForm(**_bound(request), instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_plan_version_update(
                user=request.user, version=version, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_plan_url(version.plan_id))
    return _form_page(
        request,
        unit=version.plan.unit,
        form=form,
        title=_("Scope and management rules of %(version)s") % {"version": version},
        back_url=_plan_url(version.plan_id),
    )


@require_POST
@login_required
def version_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    version = _visible_version(request, pk)
    _require_editor(request, version.plan.unit_id)
    try:
        services.fund_plan_version_submit(user=request.user, version=version)
    except ValidationError as error:
        return _refused(request, error, _plan_url(version.plan_id))
    messages.success(
        request,
        _("Submitted: the provincial finance and culture departments review it at the same time."),
    )
    return redirect(_plan_url(version.plan_id))


@require_POST
@login_required
def version_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    version = _visible_version(request, pk)
    stages = services.review_stages(user=request.user, unit=version.plan.unit)
    if not stages:
        raise PermissionDenied
    undecided = [
        stage for stage in stages if not version.decisions.filter(stage=stage).exists()
    ] or stages
    form = DecisionForm(_decision_data(request), stages=undecided)
    if form.is_valid():
        try:
            decided = services.fund_plan_version_decide(
                user=request.user,
                version=version,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
                stage=form.cleaned_data.get("stage") or None,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _decision_message(decided.status))
            if wants_next(request):
                return redirect(_next_province_plan_url(request, version))
            return redirect(_review_url(request, version))
    # The decision form again, its problems in its error summary where the reviewer looks.
    return _plan_page(request, version.plan, decision_form=form)


def _decision_data(request: HttpRequest) -> QueryDict:
    # "Approve and go to next" names its outcome in the value of the second button.
    data = request.POST.copy()
    if data.get(AND_NEXT):
        data["outcome"] = data[AND_NEXT]
    return data


def _review_url(request: HttpRequest, version: FundPlanVersion) -> str:
    return _version_review_url(version, carried_query(request))


def _version_review_url(version: FundPlanVersion, query: str) -> str:
    """The review of a version, carrying the queue's filters (`query`)."""
    url = queue_link(_plan_url(version.plan_id), query)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}version={version.number}#review"


def _next_province_plan_url(request: HttpRequest, version: FundPlanVersion) -> str:
    """The next version waiting for the reviewer's department, with the filters they came
    with; the queue itself once nothing is left."""
    query = carried_query(request)
    filters = ProvincePlanFilter(
        QueryDict(query), queryset=province_review_queue(user=request.user)
    )
    queue = filters.qs
    for stage in _my_stages(request):
        queue = queue.exclude(decisions__stage=stage)
    following = next_in_queue(queue, current=version, keys=("submitted_at", "pk"))
    if following is None:
        messages.info(request, _("All done: no plan in this queue is waiting for your decision."))
        return _with_query(reverse("funds:province-plans"), query)
    return _version_review_url(following, query)


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _decision_message(status: str) -> str:
    if status == PlanStatus.RETURNED:
        return _("Returned to the unit for a new version.")
    if status == PlanStatus.AWAITING_FILING:
        return _("Approved. Both departments have approved: the plan goes to the office.")
    if status == PlanStatus.FILED:
        return _("Filed. Money may now be spent under the plan.")
    return _("Approved. The other department's decision is still awaited.")


@require_POST
@login_required
def version_file(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    version = _visible_version(request, pk)
    if not services.can_file(user=request.user, unit=version.plan.unit):
        raise PermissionDenied
    form = FilingForm(_decision_data(request))
    # Where the version stood in the queue, before filing takes it out.
    awaiting_since = max((d.decided_at for d in version.decisions.all()), default=None)
    if form.is_valid():
        try:
            decided = services.fund_plan_version_file(
                user=request.user,
                version=version,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _decision_message(decided.status))
            if wants_next(request):
                version.awaiting_since = awaiting_since
                return redirect(_next_filing_url(request, version))
            return redirect(_review_url(request, version))
    return _plan_page(request, version.plan, filing_form=form)


def _next_filing_url(request: HttpRequest, version: FundPlanVersion) -> str:
    query = carried_query(request)
    queue = FilingQueueFilter(QueryDict(query), queryset=office_filing_queue(user=request.user)).qs
    following = next_in_queue(queue, current=version, keys=("awaiting_since", "pk"))
    if following is None:
        messages.info(request, _("All done: no plan in this queue is waiting to be filed."))
        return _with_query(reverse("funds:office-funds"), query) + "#filing"
    return _version_review_url(following, query)


@login_required
@require_GET
def rules_download(request: HttpRequest, pk: int) -> FileResponse:
    version = _visible_version(request, pk)
    return stored_file_response(request, version.rules_file, version.rules_file_name)


# --- Budget lines ----------------------------------------------------------------------------------


def _line_page(
    request: HttpRequest, version: FundPlanVersion, line: BudgetLine | None
) -> HttpResponse:
    form = BudgetLineForm(**_bound(request), instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_save(
                user=request.user, version=version, line=line, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_plan_url(version.plan_id) + "#lines")
    return _form_page(
        request,
        unit=version.plan.unit,
        form=form,
        title=_("Budget line of %(version)s") % {"version": version},
        back_url=_plan_url(version.plan_id) + "#lines",
    )


@GET_POST
@login_required
def line_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _editable_draft(request, pk)
    if isinstance(version, HttpResponse):
        return version
    return _line_page(request, version, None)


def _editable_line(request: HttpRequest, pk: int) -> BudgetLine | HttpResponse:
    lines = BudgetLine.objects.visible_to(request.user).select_related(
        "version__plan__unit", "category"
    )
    line = get_object_or_404(lines, pk=pk)
    version = _editable_draft(request, line.version_id)
    return version if isinstance(version, HttpResponse) else line


@require_POST
@login_required
def lines_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's budget lines entered together on the plan page: changed, added and removed at
    once, or, with any problem, the page again with every line's problems in its error summary."""
    _refuse_read_only(request)
    version = _editable_draft(request, pk)
    if isinstance(version, HttpResponse):
        return version
    formset = _lines_formset(version, request.POST)
    if formset.is_valid():
        deleted = [form.instance for form in formset.deleted_forms if form.instance.pk]
        kept = [
            form
            for form in formset.forms
            if form not in formset.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        try:
            services.budget_lines_save(
                user=request.user,
                version=version,
                rows=[
                    (form.instance if form.instance.pk else None, form.cleaned_data)
                    for form in kept
                ],
                deleted=deleted,
            )
        except services.BudgetLinesInvalid as error:
            for position, problem in error.by_row.items():
                apply_service_errors(kept[position], problem)
        except ValidationError as error:
            # Not a line's problem (the version left its draft state meanwhile).
            return _refused(request, error, _plan_url(version.plan_id))
        else:
            messages.success(request, _("Saved."))
            return redirect(_plan_url(version.plan_id) + "#lines")
    return _plan_page(request, version.plan, lines_formset=formset)


@GET_POST
@login_required
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _editable_line(request, pk)
    if isinstance(line, HttpResponse):
        return line
    return _line_page(request, line.version, line)


@GET_POST
@login_required
def line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = _editable_line(request, pk)
    if isinstance(line, HttpResponse):
        return line
    back = _plan_url(line.version.plan_id) + "#lines"
    if request.method == "POST":
        try:
            services.budget_line_delete(user=request.user, line=line)
        except ValidationError as error:
            return _refused(request, error, back)
        messages.success(request, _("Deleted."))
        return redirect(back)
    context = {"unit": line.version.plan.unit, "what": line.purpose, "back_url": back}
    return render(request, "creation/confirm_delete.html", context)


# --- Spending --------------------------------------------------------------------------------------


EXPENDITURE_EXPORT = model_columns(
    Expenditure,
    ["spent_on", "line__purpose", "amount", "payee", "description", "voucher_name", "recorded_at"],
)
PLAN_VERSION_EXPORT = model_columns(
    FundPlanVersion,
    ["plan__unit__name", "plan__title", "number", "status", "submitted_at"],
)
UNIT_EXECUTION_EXPORT = [
    *model_columns(
        CreationUnit,
        [
            ("name", gettext_lazy("Unit name")),
            ("kind", gettext_lazy("Unit type")),
            ("region__province__name", gettext_lazy("Unit's province")),
        ],
    ),
    Column(gettext_lazy("Filed plans"), lambda unit: unit.filed_plans),
    Column(gettext_lazy("Budget (yuan)"), lambda unit: unit.budget),
    Column(gettext_lazy("Spent (yuan)"), lambda unit: unit.spent),
    Column(
        gettext_lazy("Execution rate (%)"),
        lambda unit: execution_rate(spent=unit.spent, budget=unit.budget),
    ),
]


@login_required
@require_GET
def spending(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's expenditures with their vouchers, newest first, and what is left per line."""
    unit = visible_unit_or_404(request.user, pk)
    expenditures = expenditure_list(user=request.user).filter(line__version__plan__unit=unit)
    lines = list(filed_lines(unit=unit))
    line_id = request.GET.get("line")
    if line_id and line_id.isdigit():
        expenditures = expenditures.filter(line_id=int(line_id))
    exported = export_if_requested(
        request, expenditures, columns=EXPENDITURE_EXPORT, filename=f"spending-{unit.pk}"
    )
    if exported:
        return exported
    page = Paginator(expenditures, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
        "lines": [(line, execution_rate(spent=line.spent, budget=line.amount)) for line in lines],
        "page": page,
        "query": _query(request),
        "line_filter": line_id or "",
    }
    return render(request, "funds/spending.html", context)


@GET_POST
@login_required
def expenditure_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    lines = filed_lines(unit=unit)
    form = ExpenditureForm(**_bound(request), lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_record(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            messages.error(request, _("Nothing was recorded."))
        else:
            messages.success(request, _("Expenditure recorded."))
            return redirect(reverse("funds:spending", kwargs={"pk": unit.pk}))
    notes = ()
    if not lines.exists():
        notes = (
            _("No plan of this unit is filed yet: money can only be spent under a filed plan."),
        )
    return _form_page(
        request,
        unit=unit,
        form=form,
        title=_("Record an expenditure"),
        back_url=reverse("funds:spending", kwargs={"pk": unit.pk}),
        notes=notes,
        submit_label=_("Record"),
    )


@GET_POST
@login_required
def expenditure_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """C6 (R3.2): reverse a wrong entry by a correcting entry, with the reason (the unit's own
    staff, as they record spending). The entry itself is never edited or deleted."""
    _refuse_read_only(request)
    expenditure = get_object_or_404(expenditure_list(user=request.user), pk=pk)
    unit = expenditure.line.version.plan.unit
    _require_editor(request, unit.pk)
    back = reverse("funds:spending", kwargs={"pk": unit.pk}) + "#expenditures"
    form = ReversalForm(**_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_reverse(
                user=request.user, expenditure=expenditure, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The expenditure was reversed by a correcting entry."))
            return redirect(back)
    context = {
        "unit": unit,
        "expenditure": expenditure,
        "reversal": getattr(expenditure, "reversal", None),
        "form": form,
        "back_url": back,
    }
    return render(request, "funds/expenditure_reverse.html", context)


@login_required
@require_GET
def voucher_download(request: HttpRequest, pk: int) -> FileResponse:
    expenditure = get_object_or_404(Expenditure.objects.visible_to(request.user), pk=pk)
    return stored_file_response(request, expenditure.voucher, expenditure.voucher_name)


# --- The half-yearly fund report (R3.3) ------------------------------------------------------------


@login_required
@require_GET
def unit_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The half year's fund report, printable: for the unit's office to report to its leadership
    group, and to submit as the fund report of the reporting calendar."""
    unit = visible_unit_or_404(request.user, pk)
    periods = report_periods(unit=unit)
    period = parse_period(request.GET.get("period")) or default_period()
    report = half_year_report(unit=unit, period=period)
    obligation = fund_report_obligation(unit=unit, period=period)
    submission = getattr(obligation, "submission", None) if obligation else None
    can_edit = user_scope(request.user).can_edit_unit(unit.pk)
    context = {
        "unit": unit,
        "report": report,
        "periods": [str(p) for p in periods] or [str(period)],
        "period": str(period),
        "obligation": obligation,
        "submission": submission,
        "can_submit": can_edit
        and obligation is not None
        and (submission is None or submission.status in ("draft", "returned")),
    }
    return render(request, "funds/unit_report.html", context)


@require_POST
@login_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    unit = visible_unit_or_404(request.user, pk)
    _require_editor(request, unit.pk)
    period = parse_period(request.POST.get("period"))
    url = reverse("funds:unit-report", kwargs={"pk": unit.pk})
    if period is None:
        messages.error(request, _("Choose the half year to report."))
        return redirect(url)
    try:
        submission = services.fund_report_submit(user=request.user, unit=unit, period=period)
    except ValidationError as error:
        return _refused(request, error, f"{url}?period={period}")
    messages.success(request, _("The fund report was compiled from the spending and submitted."))
    return redirect(reverse("reporting:submission-edit", kwargs={"pk": submission.obligation_id}))


# --- The province's review queue and the office's page ---------------------------------------------


@peer_publicity_not_shown
@role_required(Role.PROVINCIAL_REVIEWER)
@require_GET
def province_plans(request: HttpRequest) -> HttpResponse:
    """R3.2: the plans of the province's units waiting for the provincial departments, with both
    departments' decisions side by side (or every submitted version)."""
    show_all = request.GET.get("show") == ProvincePlanFilter.ALL
    filters = ProvincePlanFilter(
        request.GET or None,
        queryset=province_review_queue(user=request.user, waiting_only=not show_all),
    )
    versions = filters.qs
    exported = export_if_requested(
        request, versions, columns=PLAN_VERSION_EXPORT, filename="fund-plans"
    )
    if exported:
        return exported
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(version, {d.stage: d for d in version.decisions.all()}) for version in page]
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "query": _query(request),
        "queue_query": filter_query(request.GET),
        "my_stages": set(_my_stages(request)),
    }
    return render(request, "funds/province_plans.html", context)


def _my_stages(request: HttpRequest) -> list[str]:
    scope = user_scope(request.user)
    if scope.everything:
        return [Stage.FINANCE, Stage.CULTURE]
    return [d for d in scope.departments if d in (Stage.FINANCE, Stage.CULTURE)]


@role_required(Role.OFFICE_REVIEWER)
@require_GET
def office_funds(request: HttpRequest) -> HttpResponse:
    """Plans waiting to be filed, and the execution rate per province and per unit, from the
    units' stored figures (the export computes every unit's)."""
    units = office_units(user=request.user)
    exported = export_if_requested(
        request, unit_execution(units), columns=UNIT_EXECUTION_EXPORT, filename="fund-execution"
    )
    if exported:
        return exported
    # The page's units first, then their sums: summing every unit to sort them by name would
    # cost a national office a tenth of a second on each visit.
    page = Paginator(units.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    page_units = list(page.object_list)
    stored = stored_figures([unit.pk for unit in page_units], fields=EXECUTION_FIGURES)
    for unit in page_units:
        for name in EXECUTION_FIGURES:
            setattr(unit, name, getattr(stored[unit.pk], name))
    filters = FilingQueueFilter(
        request.GET or None, queryset=office_filing_queue(user=request.user)
    )
    queue = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("queue_page"))
    # The filter's provinces are every province: read once, for its field and the sums.
    provinces = choices_read_once(filters.form.fields["province"])
    context = {
        "filters": filters,
        "queue_query": filter_query(request.GET),
        "queue_page": queue,
        "queue": [(version, {d.stage: d for d in version.decisions.all()}) for version in queue],
        # The office dashboard's sums of the units' stored fund figures, as its fund panel
        # shows them.
        "provinces": office_province_funds(
            user=request.user, provinces=[province.pk for province in provinces]
        ),
        "page": page,
        "unit_rows": with_rates(page_units),
        "query": _query(request),
    }
    return render(request, "funds/office_funds.html", context)
