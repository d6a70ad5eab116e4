"""Pages of publicity scoring (R6.1–R6.4): a unit's live score, claims and history; the claim
and its review; the office's queue; scoring periods with their rankings, closing, audited
reopening and publishing; bulletins with their PDF and Word files; the media catalogue.

Thin: reads start from `visible_to(user)`, so objects outside the user's scope answer 404;
writes go through scoring.services, whose ValidationError shows on the page and whose
PermissionDenied answers 403. Read-only accounts get 403 before any lookup.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creation.models import RoleAssignment
from creation.scope import user_scope, visible_unit_or_404
from creation.views import role_required
from portal.exports import Column, export_if_requested, model_columns
from portal.files import stored_file_response
from portal.queues import carried_query, filter_query, next_in_queue, queue_link, wants_next
from reporting.forms import apply_service_errors
from scoring import services
from scoring.forms import ClaimForm, ClaimQueueFilter, OutletForm, PublishForm, ReasonForm
from scoring.models import (
    AdoptionClaim,
    Bulletin,
    MediaOutlet,
    PeriodScore,
    ScoringPeriod,
    ScoringSettings,
)
from scoring.selectors import (
    claim_list,
    claim_queue,
    outlet_list,
    period_events,
    period_list,
    period_ranking,
    unit_late_obligations,
    unit_live_standings,
    unit_period_windows,
)

PAGE_SIZE = 25
Role = RoleAssignment.Role
GET_POST = require_http_methods(["GET", "POST"])

CLAIM_EXPORT = [
    *model_columns(AdoptionClaim, ["published_on", "unit", "title"]),
    Column(gettext_lazy("Outlet"), lambda claim: claim.outlet_label),
    *model_columns(AdoptionClaim, ["tier", "status", "link", "claimed_at", "reject_reason"]),
]
PERIOD_EXPORT = [
    *model_columns(
        ScoringPeriod, ["programme", "kind", "batch__number", "label", "start", "end", "status"]
    ),
    Column(gettext_lazy("Bulletin"), lambda period: _bulletin_number(period)),
]
OUTLET_EXPORT = model_columns(
    MediaOutlet, ["name", "programme__name", "tier", "level", "generic", "active"]
)


def _bulletin_number(period: ScoringPeriod) -> str:
    bulletin = getattr(period, "bulletin", None)
    return bulletin.number if bulletin else ""


def _refuse_read_only(request: HttpRequest) -> None:
    """Read-only accounts change nothing, whatever they may see: 403 before any lookup."""
    if user_scope(request.user).read_only:
        raise PermissionDenied


def _claim(request: HttpRequest, pk: int) -> AdoptionClaim:
    return get_object_or_404(
        claim_list(user=request.user).select_related("unit__batch__programme"), pk=pk
    )


def _period(request: HttpRequest, pk: int) -> ScoringPeriod:
    return get_object_or_404(period_list(user=request.user), pk=pk)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _refused(request: HttpRequest, error: ValidationError, url: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(url)


# --- The unit -----------------------------------------------------------------------------------


@login_required
@require_GET
def unit_publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's live score (base with its reason, adoption points with the verified claims),
    its claims and the history of its periods."""
    unit = visible_unit_or_404(request.user, pk)
    claims = claim_list(user=request.user).filter(unit=unit).order_by("-claimed_at", "-pk")
    exported = export_if_requested(
        request, claims, columns=CLAIM_EXPORT, filename=f"adoption-claims-{unit.pk}"
    )
    if exported:
        return exported
    now = timezone.now()
    windows = unit_period_windows(unit, today=timezone.localdate(now))
    frozen = {
        score.period.start: score
        for score in PeriodScore.objects.filter(
            unit=unit, period__status=ScoringPeriod.Status.CLOSED
        ).select_related("period")
    }
    settings = ScoringSettings.for_programme(unit.batch.programme_id)
    live = unit_live_standings(
        unit=unit, windows=[w for w in windows if w[0] not in frozen], now=now, settings=settings
    )
    history = [
        {
            "start": start,
            "end": end,
            "frozen": frozen.get(start),
            "live": live[start].score if start in live else None,
            "rank": live[start].rank if start in live else None,
        }
        for start, end in windows
    ]
    current = history[0] if history else None
    # A unit claims a few adoptions a month: its claims are read in one query, for the page
    # and for the verified ones counted in the current period.
    all_claims = list(claims)
    context: dict[str, Any] = {
        "unit": unit,
        "current": current,
        "history": history,
        "page": Paginator(all_claims, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
        "settings": settings,
    }
    if current and not current["frozen"]:
        context["late"] = list(
            unit_late_obligations(unit=unit, start=current["start"], end=current["end"], now=now)
        )
        context["counted"] = sorted(
            (
                claim
                for claim in all_claims
                if claim.status == AdoptionClaim.Status.VERIFIED
                and current["start"] <= claim.published_on <= current["end"]
            ),
            key=lambda claim: (claim.published_on, claim.pk),
        )
    return render(request, "scoring/unit_publicity.html", context)


@login_required
@GET_POST
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.2: the unit claims an adoption, with a link or a scan as evidence."""
    unit = visible_unit_or_404(request.user, pk)
    if not user_scope(request.user).can_edit_unit(unit.pk):
        raise PermissionDenied
    form = ClaimForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_create(
                unit=unit,
                user=request.user,
                outlet=data["outlet"],
                outlet_name=data["outlet_name"],
                title=data["title"],
                published_on=data["published_on"],
                link=data["link"],
                scan=data["scan"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your claim was sent to the office for verification."))
            return redirect("scoring:claim-detail", pk=claim.pk)
    context = {
        "title": _("Claim an adoption"),
        "unit": unit,
        "form": form,
        "submit_label": _("Send the claim"),
        "back_url": reverse("scoring:unit-publicity", kwargs={"pk": unit.pk}),
    }
    return render(request, "scoring/claim_form.html", context)


def _claim_page(
    request: HttpRequest, claim: AdoptionClaim, reject_form: ReasonForm | None = None
) -> HttpResponse:
    scope = user_scope(request.user)
    reviewer = (
        claim.status == AdoptionClaim.Status.CLAIMED
        and scope.can_run_programme(claim.unit.batch.programme_id)
        and claim.unit_id not in scope.staff_unit_ids
        and claim.claimed_by_id != request.user.pk
    )
    context = {
        "claim": claim,
        "unit": claim.unit,
        "reviewer": reviewer,
        "can_withdraw": claim.status == AdoptionClaim.Status.CLAIMED
        and scope.can_edit_unit(claim.unit_id),
        "reject_form": reject_form or ReasonForm(),
        "queue_query": carried_query(request),
    }
    return render(request, "scoring/claim_detail.html", context, status=200)


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, _claim(request, pk))


@login_required
@require_GET
def claim_scan(request: HttpRequest, pk: int) -> FileResponse:
    claim = _claim(request, pk)
    return stored_file_response(request, claim.scan, claim.scan_name)


@login_required
@require_POST
def claim_verify(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    claim = _claim(request, pk)
    url = queue_link(_claim_url(claim), carried_query(request))
    try:
        services.claim_verify(claim=claim, user=request.user)
    except ValidationError as error:
        return _refused(request, error, url)
    messages.success(request, _("The adoption was verified and now counts."))
    return redirect(_next_claim_url(request, claim) if wants_next(request) else url)


@login_required
@require_POST
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    claim = _claim(request, pk)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    try:
        services.claim_reject(claim=claim, user=request.user, reason=reason)
    except ValidationError as error:
        apply_service_errors(form, error, aliases={"reject_reason": "reason"})
        claim.refresh_from_db()
        return _claim_page(request, claim, reject_form=form)
    messages.success(request, _("The claim was rejected."))
    if wants_next(request):
        return redirect(_next_claim_url(request, claim))
    return redirect(queue_link(_claim_url(claim), carried_query(request)))


def _claim_url(claim: AdoptionClaim) -> str:
    return reverse("scoring:claim-detail", kwargs={"pk": claim.pk})


def _next_claim_url(request: HttpRequest, claim: AdoptionClaim) -> str:
    """The next claim of the office's queue with the reviewer's filters; the queue itself once
    nothing is left."""
    query = carried_query(request)
    queue = ClaimQueueFilter(QueryDict(query), queryset=claim_queue(user=request.user)).qs
    # Separation of duties: a reviewer does not verify claims of their own unit or their own.
    queue = queue.exclude(unit__in=user_scope(request.user).staff_unit_ids).exclude(
        claimed_by=request.user
    )
    following = next_in_queue(queue, current=claim, keys=("claimed_at", "pk"))
    if following is None:
        messages.info(request, _("All done: no claim in this queue is waiting for verification."))
        url = reverse("scoring:review-queue")
        return f"{url}?{query}" if query else url
    return queue_link(_claim_url(following), query) + "#review"


@login_required
@require_POST
def claim_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    claim = _claim(request, pk)
    url = reverse("scoring:unit-publicity", kwargs={"pk": claim.unit_id})
    try:
        services.claim_withdraw(claim=claim, user=request.user)
    except ValidationError as error:
        return _refused(request, error, url)
    messages.success(request, _("The claim was withdrawn."))
    return redirect(url)


# --- The office -----------------------------------------------------------------------------------


@role_required(Role.OFFICE_REVIEWER)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Claims waiting for verification, oldest first, with how long each has waited."""
    filters = ClaimQueueFilter(
        request.GET or None,
        queryset=claim_queue(user=request.user).select_related("unit__region__province"),
    )
    queue = filters.qs
    exported = export_if_requested(
        request, queue, columns=CLAIM_EXPORT, filename="adoption-claims-to-verify"
    )
    if exported:
        return exported
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "query": _query(request),
        "queue_query": filter_query(request.GET),
    }
    return render(request, "scoring/review_queue.html", context)


@login_required
@require_GET
def period_list_page(request: HttpRequest) -> HttpResponse:
    periods = period_list(user=request.user)
    exported = export_if_requested(
        request, periods, columns=PERIOD_EXPORT, filename="scoring-periods"
    )
    if exported:
        return exported
    page = Paginator(periods, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = user_scope(request.user)
    context = {
        "page": page,
        "query": _query(request),
        "office_programmes": scope.office_programme_ids,
    }
    return render(request, "scoring/period_list.html", context)


def _period_page(
    request: HttpRequest,
    period: ScoringPeriod,
    *,
    reopen_form: ReasonForm | None = None,
    publish_form: PublishForm | None = None,
) -> HttpResponse:
    try:
        bulletin = period.bulletin
    except Bulletin.DoesNotExist:
        bulletin = None
    context = {
        "period": period,
        "bulletin": bulletin,
        "rows": period_ranking(period=period, user=request.user),
        "events": period_events(period=period),
        "office": user_scope(request.user).can_run_programme(period.programme_id),
        "reopen_form": reopen_form or ReasonForm(),
        "publish_form": publish_form or PublishForm(initial={"published_on": timezone.localdate()}),
    }
    return render(request, "scoring/period_detail.html", context)


@login_required
@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking per batch (frozen once closed, live while open), the history, and for the
    office: close, reopen with a reason, publish the bulletin."""
    return _period_page(request, _period(request, pk))


@login_required
@require_POST
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    period = _period(request, pk)
    url = reverse("scoring:period-detail", kwargs={"pk": period.pk})
    try:
        services.period_close(period=period, user=request.user)
    except ValidationError as error:
        return _refused(request, error, url)
    messages.success(request, _("The period is closed and its scores are frozen."))
    return redirect(url)


@login_required
@require_POST
def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    period = _period(request, pk)
    form = ReasonForm(request.POST)
    try:
        services.period_reopen(
            period=period, user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return _period_page(request, _period(request, pk), reopen_form=form)
    messages.success(request, _("The period is open again; the reason is on record."))
    return redirect("scoring:period-detail", pk=period.pk)


@login_required
@require_POST
def period_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _refuse_read_only(request)
    period = _period(request, pk)
    form = PublishForm(request.POST)
    if not user_scope(request.user).can_run_programme(period.programme_id):
        raise PermissionDenied
    if form.is_valid():
        try:
            bulletin = services.bulletin_publish(
                period=period, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The bulletin is published to every unit of the programme.")
            )
            return redirect("scoring:bulletin-detail", pk=bulletin.pk)
    return _period_page(request, period, publish_form=form)


@login_required
@require_GET
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(
        Bulletin.objects.visible_to(request.user).select_related(
            "period__programme", "period__batch"
        ),
        pk=pk,
    )
    context = {
        "bulletin": bulletin,
        "period": bulletin.period,
        "rows": period_ranking(period=bulletin.period, user=request.user),
        "can_request": not user_scope(request.user).read_only,
    }
    return render(request, "scoring/bulletin_detail.html", context)


@login_required
@require_POST
def bulletin_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the bulletin's PDF or Word file; the document page shows its progress."""
    _refuse_read_only(request)
    bulletin = get_object_or_404(
        Bulletin.objects.visible_to(request.user).select_related("period"), pk=pk
    )
    url = reverse("scoring:bulletin-detail", kwargs={"pk": bulletin.pk})
    try:
        job = services.bulletin_document_request(
            bulletin=bulletin, user=request.user, format=request.POST.get("format", "")
        )
    except ValidationError as error:
        return _refused(request, error, url)
    return redirect("reporting:document-job", pk=job.pk)


@login_required
@GET_POST
def outlets(request: HttpRequest) -> HttpResponse:
    """R6.2: the media catalogue with the points of each tier. The national office adds outlets
    to the national catalogue; a provincial programme's office adds its programme's own."""
    may_add = user_scope(request.user).can_add_outlets()
    form = OutletForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _refuse_read_only(request)
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.outlet_create(
                    user=request.user,
                    name=data["name"],
                    tier=data["tier"],
                    level=data["level"],
                    generic=data["generic"],
                    programme=data.get("programme"),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The outlet was added to the catalogue."))
                return redirect("scoring:outlets")
    outlets = outlet_list(user=request.user)
    exported = export_if_requested(
        request, outlets, columns=OUTLET_EXPORT, filename="media-outlets"
    )
    if exported:
        return exported
    page = Paginator(outlets, 100).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "may_add": may_add, "query": _query(request)}
    return render(request, "scoring/outlets.html", context)
