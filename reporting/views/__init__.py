"""Pages of reporting (R5, with R3.3 and R4.2): a unit's calendar as a list and a month, the
report form with its review, the office's review queue, the province's view of its units, and
the private iCalendar feed of a unit's deadlines.

Thin: reads start from `visible_to(user)`, so objects outside the user's scope answer 404; writes
go through reporting.services, whose ValidationError shows on the form and whose PermissionDenied
answers 403.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from creation.figures import stored_reporting_figures
from creation.models import CreationUnit, RoleAssignment
from creation.scope import user_scope, visible_unit_or_404
from creation.selectors import province_units, scope_provinces
from creation.views import role_required
from portal.exports import Column, Kind, export_if_requested, model_columns
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
from reporting.forms import (
    NOT_STARTED,
    SECTIONS,
    CalendarFilterForm,
    ProvinceReportFilter,
    ReviewForm,
    ReviewQueueFilter,
    SubmissionForm,
    apply_service_errors,
    field_label,
)
from reporting.ical import AllDayEvent, render_calendar
from reporting.models import (
    CalendarFeed,
    Obligation,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
)
from reporting.rules import (
    LIGHT_LABELS,
    SHANGHAI,
    WARN_DAYS,
    Light,
    ReportState,
    is_on_time,
    report_state,
    traffic_light,
)
from reporting.selectors import (
    obligation_list,
    office_review_queue,
    province_copied_reports,
    stored_unit_figures,
)
from reporting.services import (
    CONTENT_FIELDS,
    EDITABLE,
    calendar_feed_replace,
    submission_accept,
    submission_attachment_remove,
    submission_return,
    submission_save,
    submission_submit,
    submission_withdraw,
)

PAGE_SIZE = 25
Role = RoleAssignment.Role
GET_POST = require_http_methods(["GET", "POST"])

REPORT_STATE_LABELS = {
    ReportState.NOT_STARTED: gettext_lazy("Not started"),
    ReportState.DRAFT: gettext_lazy("Draft"),
    ReportState.OVERDUE: gettext_lazy("Overdue"),
    ReportState.OVERDUE_DRAFT: gettext_lazy("Overdue, draft not sent"),
    ReportState.SUBMITTED: gettext_lazy("Submitted"),
    ReportState.RETURNED: gettext_lazy("Returned for changes"),
    ReportState.ACCEPTED: pgettext_lazy("report review", "Accepted"),
}
# A day of the month view takes the colour of its most urgent deadline.
URGENCY = [Light.RED, Light.YELLOW, Light.AMBER, Light.GREY, Light.GREEN]


# --- Rows ---------------------------------------------------------------------------------------


def _submission_of(obligation: Obligation) -> Submission | None:
    # select_related caches a missing reverse one-to-one as "does not exist", without a query
    return getattr(obligation, "submission", None)


def due_day(obligation: Obligation) -> date:
    """The due day in Asia/Shanghai, whatever the server's time zone."""
    return timezone.localtime(obligation.due_at, SHANGHAI).date()


class Timeliness(NamedTuple):
    css: str  # the badge's class: late, on-time or in-time; "" before the first sending
    label: str


@dataclass(frozen=True)
class ObligationRow:
    """An obligation as the pages show it: its report, traffic light and timeliness."""

    obligation: Obligation
    submission: Submission | None
    light: Light
    due_on: date
    state: ReportState

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def state_label(self) -> str:
        """The report's state in words: the one the calendar, the report page and the
        calendar feed all show."""
        return str(REPORT_STATE_LABELS[self.state])

    @cached_property  # read three times a row by the page (its class, whether any, its label)
    def timeliness(self) -> Timeliness:
        """(CSS class, label): late once first submitted after the due moment; on time once
        first submitted in time and held by the office (C1, `is_on_time`), whether reviewed or
        not; back with the unit when returned (or withdrawn) and not sent again."""
        submission = self.submission
        if submission is None or submission.first_submitted_at is None:
            return Timeliness("", "")
        if submission.is_late:
            return Timeliness("late", _("Late"))
        if is_on_time(
            first_submitted_at=submission.first_submitted_at,
            due_at=self.obligation.due_at,
            status=submission.status,
        ):
            return Timeliness("on-time", _("On time"))
        return Timeliness("in-time", _("Submitted in time, back with the unit: send it again"))


def obligation_row(
    obligation: Obligation, now: datetime, submission: Submission | None = None
) -> ObligationRow:
    submission = submission or _submission_of(obligation)
    first_submitted_at = submission.first_submitted_at if submission else None
    light = traffic_light(
        due_at=obligation.due_at,
        first_submitted_at=first_submitted_at,
        now=now,
        warn_days=WARN_DAYS,
    )
    state = report_state(
        status=submission.status if submission else None,
        first_submitted_at=first_submitted_at,
        due_at=obligation.due_at,
        now=now,
    )
    return ObligationRow(obligation, submission, light, due_day(obligation), state)


OBLIGATION_EXPORT = [
    Column(gettext_lazy("Type"), lambda row: row.obligation.get_type_display()),
    Column(gettext_lazy("Period"), lambda row: row.obligation.period_label),
    Column(gettext_lazy("Due"), lambda row: row.due_on),
    Column(gettext_lazy("Status"), lambda row: row.light_label),
    Column(gettext_lazy("Title"), lambda row: row.submission.title if row.submission else ""),
    Column(
        gettext_lazy("First submitted at"),
        lambda row: row.submission.first_submitted_at if row.submission else None,
        kind=Kind.TIME,
    ),
    Column(
        gettext_lazy("Report status"),
        lambda row: row.submission.get_status_display() if row.submission else "",
    ),
]
SUBMISSION_EXPORT = [
    *model_columns(
        Submission, ["obligation__unit__name", "obligation__type", "obligation__period_label"]
    ),
    Column(gettext_lazy("Due date"), kind=Kind.DEADLINE, reads=("obligation__due_at",)),
    *model_columns(
        Submission,
        [
            "title",
            "status",
            "first_submitted_at",
            "submitted_at",
            "is_late",
            "reviewed_at",
        ],
    ),
]


def _query(request: HttpRequest, *, drop: tuple[str, ...] = ("page",), **values: str) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


# --- The unit's calendar --------------------------------------------------------------------------


def _filter_obligations(
    obligations: QuerySet[Obligation], data: dict[str, Any], *, by_year: bool
) -> QuerySet[Obligation]:
    if data.get("type"):
        obligations = obligations.filter(type=data["type"])
    status = data.get("status")
    if status == NOT_STARTED:
        obligations = obligations.filter(submission__isnull=True)
    elif status:
        obligations = obligations.filter(submission__status=status)
    if by_year and data.get("year"):
        start = datetime(data["year"], 1, 1, tzinfo=SHANGHAI)
        obligations = obligations.filter(
            due_at__gte=start, due_at__lt=start.replace(year=start.year + 1)
        )
    return obligations


@dataclass
class DayCell:
    day: date
    in_month: bool
    today: bool
    rows: list[ObligationRow] = field(default_factory=list)

    @property
    def light(self) -> str:
        lights = {row.light for row in self.rows}
        return next((light.value for light in URGENCY if light in lights), "")


def month_weeks(first: date, rows: list[ObligationRow], today: date) -> list[list[DayCell]]:
    """The weeks (Monday first) of the month that begins on `first`, with each day's deadlines."""
    by_day: dict[date, list[ObligationRow]] = defaultdict(list)
    for row in rows:
        by_day[row.due_on].append(row)
    return [
        [DayCell(day, day.month == first.month, day == today, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]


def _month_context(
    request: HttpRequest, obligations: QuerySet[Obligation], first: date, now: datetime
) -> dict[str, Any]:
    following = (first + timedelta(days=32)).replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    start = datetime.combine(first, time.min, tzinfo=SHANGHAI)
    end = datetime.combine(following, time.min, tzinfo=SHANGHAI)
    rows = [
        obligation_row(obligation, now)
        for obligation in obligations.filter(due_at__gte=start, due_at__lt=end)
    ]
    today = timezone.localdate(now, SHANGHAI)
    return {
        "month": first,
        "weeks": month_weeks(first, rows, today),
        "weekdays": [WEEKDAYS_ABBR[day] for day in range(7)],
        "previous_query": _query(request, view="month", month=f"{previous:%Y-%m}"),
        "next_query": _query(request, view="month", month=f"{following:%Y-%m}"),
        "list_query": _query(request, drop=("page", "view", "month")),
        "month_count": len(rows),
    }


def _page_of_today(obligations: QuerySet[Obligation], now: datetime) -> int:
    """The list is in date order over the whole cycle; it opens at the page holding the first
    deadline from today on, so what is due next is in view (the overdue ones before it are
    counted in the figures above the list and one page back)."""
    today = datetime.combine(timezone.localdate(now, SHANGHAI), time.min, tzinfo=SHANGHAI)
    return obligations.filter(due_at__lt=today).count() // PAGE_SIZE + 1


@peer_publicity_not_shown
@login_required
@require_GET
def unit_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit_or_404(request.user, pk)
    now = timezone.now()
    obligations = obligation_list(user=request.user).filter(unit=unit)
    years = list(range(unit.cycle_start.year, unit.cycle_end.year + 2))
    filters = CalendarFilterForm(request.GET or None, years=years)
    # Invalid filters are ignored one by one, and the page says so.
    data: dict[str, Any] = {}
    if filters.is_bound:
        filters.is_valid()
        data = filters.cleaned_data
    month_view = request.GET.get("view") == "month"
    filtered = _filter_obligations(obligations, data, by_year=not month_view)
    exported = export_if_requested(
        request,
        (obligation_row(obligation, now) for obligation in filtered.iterator(chunk_size=2000)),
        columns=OBLIGATION_EXPORT,
        filename=f"calendar-{unit.pk}",
    )
    if exported:
        return exported
    context: dict[str, Any] = {
        "unit": unit,
        "filters": filters,
        "filtered": any(data.get(name) for name in ("type", "status", "year")),
        "figures": stored_unit_figures(unit.pk),
        "feed": CalendarFeed.objects.visible_to(request.user).filter(unit=unit).first(),
        "month_view": month_view,
        "legend": [(light.value, LIGHT_LABELS[light]) for light in Light],
        "can_edit": user_scope(request.user).can_edit_unit(unit.pk),
    }
    if month_view:
        first = data.get("month") or timezone.localdate(now, SHANGHAI).replace(day=1)
        context.update(_month_context(request, filtered, first, now))
    else:
        page = Paginator(filtered, PAGE_SIZE).get_page(
            request.GET.get("page") or _page_of_today(filtered, now)
        )
        context.update(
            {
                "page": page,
                "rows": [obligation_row(obligation, now) for obligation in page],
                "query": _query(request),
                "month_query": _query(request, drop=("page", "year"), view="month"),
            }
        )
    if context["feed"]:
        context["feed_url"] = _feed_url(request, context["feed"])
    return render(request, "reporting/unit_calendar.html", context)


# --- A report: write, submit, withdraw, review ----------------------------------------------------


def _report_url(obligation: Obligation) -> str:
    return reverse("reporting:submission-edit", kwargs={"pk": obligation.pk})


def _refused(request: HttpRequest, error: ValidationError, obligation: Obligation) -> HttpResponse:
    """A workflow step the report's state refuses (e.g. it was reviewed meanwhile)."""
    for message in error.messages:
        messages.error(request, message)
    return redirect(_report_url(obligation))


def _save_report(
    request: HttpRequest, obligation: Obligation, form: SubmissionForm, *, submit: bool
) -> HttpResponse | None:
    """Save (and submit) through the services; None means: show the form with its errors."""
    if not form.is_valid():
        return None
    try:
        submission = submission_save(
            user=request.user,
            obligation=obligation,
            fields=form.content(),
            attachments=form.cleaned_data["attachments"],
        )
    except ValidationError as error:
        current = Submission.objects.filter(obligation=obligation).first()
        if current is not None and current.status not in EDITABLE:
            return _refused(request, error, obligation)
        apply_service_errors(form, error, aliases={"file": "attachments"})
        return None
    if not submit:
        messages.success(request, _("Draft saved."))
        return redirect(_report_url(obligation))
    try:
        submission_submit(user=request.user, submission=submission)
    except ValidationError as error:
        # The draft is kept: nothing the user wrote or attached is lost.
        apply_service_errors(form, error)
        messages.warning(request, _("Your draft was saved, but the report was not submitted."))
        return None
    messages.success(request, _("Report submitted."))
    return redirect(_report_url(obligation))


def _review(
    request: HttpRequest, obligation: Obligation, submission: Submission, form: ReviewForm
) -> HttpResponse | None:
    form.is_valid()
    accept = (request.POST.get("action") or request.POST.get(AND_NEXT)) == "accept"
    try:
        if accept:
            submission_accept(
                reviewer=request.user, submission=submission, comment=form.cleaned_data["comment"]
            )
        else:
            submission_return(
                reviewer=request.user, submission=submission, comment=form.cleaned_data["comment"]
            )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "comment" in error.error_dict:
            apply_service_errors(form, error)
            return None
        return _refused(request, error, obligation)
    messages.success(
        request, _("Report accepted.") if accept else _("Report returned to the unit for changes.")
    )
    if wants_next(request):
        return redirect(_next_report_url(request, submission))
    return redirect(queue_link(_report_url(obligation), carried_query(request)))


def _next_report_url(request: HttpRequest, submission: Submission) -> str:
    """The next report of the office's queue, with the filters the reviewer came with; the queue
    itself once nothing is left."""
    query = carried_query(request)
    queue = ReviewQueueFilter(QueryDict(query), queryset=office_review_queue(user=request.user)).qs
    following = next_in_queue(queue, current=submission, keys=("submitted_at", "pk"))
    if following is None:
        messages.info(request, _("All done: no report in this queue is waiting for review."))
        url = reverse("reporting:review-queue")
        return f"{url}?{query}" if query else url
    return queue_link(_report_url(following.obligation), query) + "#review"


@peer_publicity_not_shown
@login_required
@GET_POST
def submission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of one obligation (`pk` is the obligation's): its form for the unit's staff
    while it is a draft or returned, the review for the programme's office, read-only for
    everyone else who sees the unit."""
    obligations = obligation_list(user=request.user).select_related(
        "unit__batch__programme", "unit__region__province"
    )
    obligation = get_object_or_404(obligations, pk=pk)
    scope = user_scope(request.user)
    can_edit = scope.can_edit_unit(obligation.unit_id)
    can_review = scope.can_run_programme(obligation.unit.batch.programme_id)
    submission = _submission_of(obligation)
    form: SubmissionForm | None = None
    review_form: ReviewForm | None = None

    if request.method == "POST":
        # "Accept and go to next" names its decision in the value of the second button.
        action = request.POST.get("action") or request.POST.get(AND_NEXT)
        if action in ("save", "submit", "withdraw") and not can_edit:
            raise PermissionDenied
        if action in ("accept", "return") and not can_review:
            raise PermissionDenied
        if action in ("save", "submit"):
            form = SubmissionForm(request.POST, request.FILES, obligation_type=obligation.type)
            response = _save_report(request, obligation, form, submit=action == "submit")
        elif action in ("withdraw", "accept", "return"):
            if submission is None:
                messages.error(request, _("This report has not been started yet."))
                return redirect(_report_url(obligation))
            if action == "withdraw":
                try:
                    submission_withdraw(user=request.user, submission=submission)
                except ValidationError as error:
                    return _refused(request, error, obligation)
                messages.success(request, _("Report withdrawn to draft."))
                return redirect(_report_url(obligation))
            review_form = ReviewForm(request.POST)
            response = _review(request, obligation, submission, review_form)
        else:
            return HttpResponseBadRequest(_("Unknown action."))
        if response is not None:
            return response
        submission = Submission.objects.filter(obligation=obligation).first()

    status = submission.status if submission else None
    editable = can_edit and (submission is None or status in EDITABLE)
    if editable and form is None:
        initial = {name: getattr(submission, name) for name in CONTENT_FIELDS} if submission else {}
        form = SubmissionForm(initial=initial, obligation_type=obligation.type)
    reviewable = can_review and status == Submission.Status.SUBMITTED
    # A draft is the unit's own work in progress: others see it once it has been submitted.
    show_content = submission is not None and (can_edit or status != Submission.Status.DRAFT)
    context = {
        "obligation": obligation,
        "unit": obligation.unit,
        "row": obligation_row(obligation, timezone.now(), submission),
        "submission": submission,
        "form": form if editable else None,
        "review_form": (review_form or ReviewForm()) if reviewable else None,
        "can_withdraw": can_edit and status == Submission.Status.SUBMITTED,
        "show_content": show_content,
        "sections": [
            (field_label(name), getattr(submission, name))
            for name in SECTIONS
            if submission is not None and obligation.type == Obligation.Type.IN_DEPTH_REPORT
        ],
        "events": [],
        "attachments": [],
        "queue_query": carried_query(request),
    }
    if submission is not None:
        context["events"] = list(
            SubmissionEvent.objects.visible_to(request.user)
            .filter(submission=submission)
            .select_related("actor")
        )
        if show_content:
            context["attachments"] = list(
                SubmissionAttachment.objects.visible_to(request.user).filter(submission=submission)
            )
    return render(request, "reporting/submission_edit.html", context)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's staff take a file off a report they may still change."""
    if user_scope(request.user).read_only:
        raise PermissionDenied  # before any lookup, as every write of a read-only account
    attachments = SubmissionAttachment.objects.visible_to(request.user).select_related(
        "submission__obligation__unit__batch"
    )
    attachment = get_object_or_404(attachments, pk=pk)
    obligation = attachment.submission.obligation
    if not user_scope(request.user).can_edit_unit(obligation.unit_id):
        raise PermissionDenied
    try:
        submission_attachment_remove(user=request.user, attachment=attachment)
    except ValidationError as error:
        return _refused(request, error, obligation)
    messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.name})
    return redirect(_report_url(obligation) + "#report-form")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachments = SubmissionAttachment.objects.visible_to(request.user).select_related(
        "submission__obligation"
    )
    attachment = get_object_or_404(attachments, pk=pk)
    submission = attachment.submission
    if submission.status == Submission.Status.DRAFT and not user_scope(request.user).can_edit_unit(
        submission.obligation.unit_id
    ):
        raise Http404  # like the draft's text, its files are the unit's own until submitted
    return stored_file_response(request, attachment.file, attachment.name)


# --- The office's review queue and the province's view ------------------------------------------


@role_required(Role.OFFICE_REVIEWER)
@require_GET
def review_queue_page(request: HttpRequest) -> HttpResponse:
    """Submitted reports waiting for the office, oldest first, with how long each has waited."""
    filters = ReviewQueueFilter(
        request.GET or None, queryset=office_review_queue(user=request.user)
    )
    queue = filters.qs
    exported = export_if_requested(
        request, queue, columns=SUBMISSION_EXPORT, filename="review-queue"
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
    return render(request, "reporting/review_queue.html", context)


@peer_publicity_not_shown
@role_required(Role.PROVINCIAL_REVIEWER)
@require_GET
def province_reports(request: HttpRequest) -> HttpResponse:
    """Figures per unit of the reviewer's provinces, and the fund reports and self-inspections
    copied to the provincial departments (R3.3, R4.2)."""
    # Copies to read, not items waiting for the province: the newest first.
    filters = ProvinceReportFilter(
        request.GET or None, queryset=province_copied_reports(user=request.user)
    )
    reports = filters.qs
    exported = export_if_requested(
        request, reports, columns=SUBMISSION_EXPORT, filename="copied-reports"
    )
    if exported:
        return exported
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    # The units' stored figures (creation.figures), counted as the status and the dashboards
    # show them.
    totals, units = stored_reporting_figures(province_units(user=request.user))
    context = {
        "provinces": list(scope_provinces(user=request.user)),
        "totals": totals,
        "units": units,
        "filters": filters,
        "page": page,
        "query": _query(request),
    }
    return render(request, "reporting/province_reports.html", context)


# --- The private iCalendar feed -------------------------------------------------------------------


def _feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(
        reverse("reporting:calendar-ics", kwargs={"token": feed.token})
    )


@login_required
@GET_POST
def calendar_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the user's private link to the unit's deadlines; POST creates it, or replaces it
    so that the old link stops working."""
    unit = visible_unit_or_404(request.user, pk)
    if request.method == "POST":
        replaced = CalendarFeed.objects.visible_to(request.user).filter(unit=unit).exists()
        calendar_feed_replace(user=request.user, unit=unit)
        messages.success(
            request,
            _("A new calendar link was made; the old one no longer works.")
            if replaced
            else _("Your calendar link is ready."),
        )
        return redirect(reverse("reporting:unit-calendar", kwargs={"pk": unit.pk}) + "#feed")
    feed = CalendarFeed.objects.visible_to(request.user).filter(unit=unit).first()
    context = {"unit": unit, "feed": feed, "feed_url": _feed_url(request, feed) if feed else ""}
    return render(request, "reporting/calendar_feed.html", context)


@never_cache
@require_safe
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The deadlines of a unit as iCalendar, for calendar programs that cannot log in: the token
    is the credential, and it works only while its owner can still see the unit."""
    feed = CalendarFeed.objects.select_related("owner", "unit").filter(token=token).first()
    if (
        feed is None
        or not CreationUnit.objects.visible_to(feed.owner).filter(pk=feed.unit_id).exists()
    ):
        raise Http404
    obligations = (
        Obligation.objects.visible_to(feed.owner)
        .filter(unit_id=feed.unit_id)
        .select_related("submission")
        .order_by("due_at", "type")
    )
    now = timezone.now()
    events = []
    for obligation in obligations:
        row = obligation_row(obligation, now)
        status = row.state_label
        if row.timeliness[1]:
            status = f"{status} · {row.timeliness[1]}"
        events.append(
            AllDayEvent(
                uid=f"obligation-{obligation.pk}@demonstration-zone-portal",
                day=row.due_on,
                summary=f"{obligation.get_type_display()} {obligation.period_label}",
                description=_("Status: %(status)s. Due by the end of the day, Beijing time.")
                % {"status": status},
                url=request.build_absolute_uri(_report_url(obligation)),
            )
        )
    body = render_calendar(
        name=_("%(unit)s: reporting deadlines") % {"unit": feed.unit.name},
        events=events,
        stamp=now,
        product="-//Demonstration Zone Creation Portal//Reporting deadlines//ZH",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
