"""Each role's work queue: what the user has to do next, gathered from the sections' own
selectors of open items (reporting, funds, scoring, inspections, creation), which scope them.
This module only assembles: every group is one slice of a scoped queryset (and one count when
the slice is full), so a queue costs a fixed number of queries whatever the number of units."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from creation.models import CreationUnit, RoleAssignment
from creation.scope import UserScope, user_scope
from dashboard.selectors import units_with_vacant_liaison
from funds.models import FundPlanVersion
from funds.rules import PlanStatus
from funds.selectors import (
    office_filing_queue,
    plans_awaiting_my_stage,
    unit_plans_to_write,
    units_without_plan,
)
from inspections.selectors import (
    letters_to_send,
    rectification_check_queue,
    unit_rectifications_open,
)
from portal.models import Notification
from portal.scoping import scope_text
from portal.statements import CompiledStatements, read_moment
from reporting.selectors import (
    office_review_queue,
    province_overdue_reports,
    unit_reports_returned,
    unit_reports_to_submit,
)
from scoring.selectors import claim_queue, unit_claims_rejected

Role = RoleAssignment.Role

GROUP_LIMIT = 10
# Unit staff see the reports due within the next two weeks, and the rejections of a month.
DUE_SOON = timedelta(days=14)
REJECTIONS_SHOWN = timedelta(days=30)


@dataclass(frozen=True)
class Task:
    kind: str  # what the row is, for the page's `data-task` and its tests
    unit_name: str
    title: str
    status: str  # the state in words
    day: date | None  # the due date, or the day the item started waiting
    due: bool  # whether `day` is a due date (else a date since)
    days: int | None  # days left (negative when overdue) for a due date, else days waiting
    url: str
    action: str

    @property
    def overdue(self) -> bool:
        return self.due and self.days is not None and self.days < 0

    @property
    def days_overdue(self) -> int:
        return -self.days if self.days is not None else 0


@dataclass(frozen=True)
class TaskGroup:
    key: str
    title: str
    empty: str  # what "nothing to do" means for this group
    count: int
    tasks: list[Task]
    section_url: str  # the section's own queue, where every item is

    @property
    def more(self) -> bool:
        return self.count > len(self.tasks)


# A part of a group: its scoped rows, and the path from a row to its unit's name (for the search).
Part = tuple[QuerySet, str]


@dataclass(frozen=True)
class Source:
    """One group: the parts its rows come from (most have one) and how a row becomes a task."""

    key: str
    title: Any
    empty: Any
    parts: Callable[[], list[Part]]
    to_task: Callable[[Any], Task]
    section_url: Callable[[], str]


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _waiting(
    kind: str, unit_name: str, title: str, status: str, since: date | None, **link
) -> Task:
    days = (timezone.localdate() - since).days if since else None
    return Task(kind, unit_name, title, status, since, False, days, **link)


def _due(kind: str, unit_name: str, title: str, status: str, due: date, **link) -> Task:
    days = (due - timezone.localdate()).days
    return Task(kind, unit_name, title, status, due, True, days, **link)


# --- Unit staff ----------------------------------------------------------------------------------


def _report_due(obligation: Any) -> Task:
    due = _local_day(obligation.due_at)
    overdue = obligation.due_at < timezone.now()
    draft = getattr(obligation, "submission", None) is not None
    status = _("Overdue, not submitted") if overdue else _("Not submitted yet")
    if draft:
        status = _("Draft, not submitted") if not overdue else _("Overdue, draft not submitted")
    return _due(
        "report-overdue" if overdue else "report-due",
        obligation.unit.name,
        f"{obligation.get_type_display()} · {obligation.period_label}",
        status,
        due,
        url=reverse("reporting:submission-edit", args=[obligation.pk]),
        action=_("Continue the report") if draft else _("Write the report"),
    )


def _report_returned(submission: Any) -> Task:
    obligation = submission.obligation
    return _waiting(
        "report-returned",
        obligation.unit.name,
        f"{obligation.get_type_display()} · {obligation.period_label}",
        _("Returned for changes"),
        _local_day(submission.reviewed_at),
        url=reverse("reporting:submission-edit", args=[obligation.pk]),
        action=_("Change and resubmit"),
    )


def _rectification_open(rectification: Any) -> Task:
    return _due(
        "rectification-open",
        rectification.finding.inspection.unit.name,
        str(rectification.finding),
        rectification.get_status_display(),
        rectification.deadline,
        url=reverse("inspections:rectification-detail", args=[rectification.pk]),
        action=_("Rectify"),
    )


def _plan_to_write(plan: Any) -> Task:
    returned = plan.latest_status == PlanStatus.RETURNED
    return _waiting(
        "plan-returned" if returned else "plan-draft",
        plan.unit.name,
        plan.title,
        str(FundPlanVersion.Status(plan.latest_status).label),
        _local_day(plan.created_at),
        url=reverse("funds:plan-detail", args=[plan.pk]),
        action=_("Write a new version") if returned else _("Finish and submit"),
    )


def _plan_missing(unit: Any) -> Task:
    return _waiting(
        "plan-missing",
        unit.name,
        _("Fund-use plan"),
        _("No plan yet"),
        unit.start_date,
        url=reverse("funds:plan-create", args=[unit.pk]),
        action=_("Write the plan"),
    )


def _plan_row(row: Any) -> Task:
    # The plans group reads units without a plan, then plans to write.
    return _plan_to_write(row) if hasattr(row, "latest_status") else _plan_missing(row)


def _liaison_vacant(figures: Any) -> Task:
    unit, since = figures.unit, figures.liaison_vacant_since
    return _waiting(
        "liaison-vacant",
        unit.name,
        _("Liaison"),
        _("No liaison in office"),
        since,
        url=reverse("creation:unit-leadership", args=[unit.pk]) + "#liaison",
        action=_("Appoint a liaison"),
    )


def _claim_rejected(claim: Any) -> Task:
    return _waiting(
        "claim-rejected",
        claim.unit.name,
        claim.title,
        _("Rejected: %(reason)s") % {"reason": claim.reject_reason} if claim.reject_reason else "",
        _local_day(claim.reviewed_at),
        url=reverse("scoring:claim-detail", args=[claim.pk]),
        action=_("See why"),
    )


def _first_unit(scope: UserScope) -> int:
    return min(scope.staff_unit_ids)


def _unit_sources(user: Any, scope: UserScope, now: datetime) -> list[Source]:
    def unit_page(name: str) -> Callable[[], str]:
        # The section pages are per unit; staff of several units start from the list.
        if len(scope.staff_unit_ids) == 1:
            return lambda: reverse(name, args=[_first_unit(scope)])
        return lambda: reverse("creation:unit-list")

    return [
        Source(
            "reports-due",
            pgettext_lazy("work queue", "Reports due"),
            gettext_lazy("No report is overdue or due in the next two weeks."),
            lambda: [(unit_reports_to_submit(user=user, until=now + DUE_SOON), "unit__")],
            _report_due,
            unit_page("reporting:unit-calendar"),
        ),
        Source(
            "reports-returned",
            pgettext_lazy("work queue", "Reports returned for changes"),
            gettext_lazy("The office has returned none of your reports."),
            lambda: [(unit_reports_returned(user=user), "obligation__unit__")],
            _report_returned,
            unit_page("reporting:unit-calendar"),
        ),
        Source(
            "rectifications",
            pgettext_lazy("work queue", "Rectification"),
            gettext_lazy("No inspection finding waits for your rectification."),
            lambda: [(unit_rectifications_open(user=user), "finding__inspection__unit__")],
            _rectification_open,
            unit_page("inspections:unit-rectifications"),
        ),
        Source(
            "plans",
            pgettext_lazy("work queue", "Fund-use plan"),
            gettext_lazy("Your fund-use plans are submitted: nothing to write."),
            lambda: [
                (units_without_plan(user=user), ""),
                (unit_plans_to_write(user=user), "unit__"),
            ],
            _plan_row,
            unit_page("funds:unit-funds"),
        ),
        Source(
            "liaison",
            pgettext_lazy("work queue", "Liaison"),
            gettext_lazy("Your liaison post is filled."),
            lambda: [(units_with_vacant_liaison(user=user), "unit__")],
            _liaison_vacant,
            unit_page("creation:unit-leadership"),
        ),
        Source(
            "claims-rejected",
            pgettext_lazy("work queue", "Publicity claims rejected"),
            gettext_lazy("The office rejected none of your claims in the last 30 days."),
            lambda: [(unit_claims_rejected(user=user, since=now - REJECTIONS_SHOWN), "unit__")],
            _claim_rejected,
            unit_page("scoring:unit-publicity"),
        ),
    ]


# --- Provincial reviewers ------------------------------------------------------------------------


def _plan_review(version: Any) -> Task:
    return _waiting(
        "plan-review",
        version.plan.unit.name,
        str(version),
        _("Waiting for your department's decision"),
        _local_day(version.submitted_at),
        url=reverse("funds:plan-detail", args=[version.plan_id])
        + f"?version={version.number}#review",
        action=_("Review the plan"),
    )


def _report_chase(obligation: Any) -> Task:
    return _due(
        "report-chase",
        obligation.unit.name,
        f"{obligation.get_type_display()} · {obligation.period_label}",
        _("Overdue, not submitted"),
        _local_day(obligation.due_at),
        url=reverse("reporting:unit-calendar", args=[obligation.unit_id]),
        action=_("See the unit's reports"),
    )


def _province_sources(user: Any, scope: UserScope, now: datetime) -> list[Source]:
    sources = [
        Source(
            "plans-review",
            pgettext_lazy("work queue", "Fund-use plans awaiting your department"),
            gettext_lazy("No plan of your province waits for your department's decision."),
            lambda: [(plans_awaiting_my_stage(user=user), "plan__unit__")],
            _plan_review,
            lambda: reverse("funds:province-plans"),
        )
    ]
    if scope.everything or RoleAssignment.Department.CULTURE in scope.departments:
        # The culture department is the one told of overdue reports (reporting's escalation).
        sources.append(
            Source(
                "reports-overdue",
                pgettext_lazy("work queue", "Overdue reports of your province"),
                gettext_lazy("Every report due in your province has been submitted."),
                lambda: [(province_overdue_reports(user=user, now=now), "unit__")],
                _report_chase,
                lambda: reverse("creation:province-home"),
            )
        )
    return sources


# --- The office ----------------------------------------------------------------------------------


def _report_review(submission: Any) -> Task:
    obligation = submission.obligation
    return _waiting(
        "report-review",
        obligation.unit.name,
        f"{obligation.get_type_display()} · {obligation.period_label}",
        _("Submitted, waiting for review"),
        _local_day(submission.submitted_at),
        url=reverse("reporting:submission-edit", args=[obligation.pk]) + "#review",
        action=pgettext_lazy("a report", "Review"),
    )


def _claim_verify(claim: Any) -> Task:
    return _waiting(
        "claim-verify",
        claim.unit.name,
        claim.title,
        _("Claimed, waiting for verification"),
        _local_day(claim.claimed_at),
        url=reverse("scoring:claim-detail", args=[claim.pk]),
        action=_("Verify or reject"),
    )


def _plan_file(version: Any) -> Task:
    # It waits for the office since the second provincial approval (the decisions come
    # prefetched with the queue).
    approved = max((d.decided_at for d in version.decisions.all()), default=version.submitted_at)
    return _waiting(
        "plan-file",
        version.plan.unit.name,
        str(version),
        _("Approved by the province, waiting for filing"),
        _local_day(approved),
        url=reverse("funds:plan-detail", args=[version.plan_id]) + "#review",
        action=_("File or return"),
    )


def _rectification_check(rectification: Any) -> Task:
    return _waiting(
        "rectification-check",
        rectification.finding.inspection.unit.name,
        str(rectification.finding),
        _("Submitted with evidence, waiting for your check"),
        _local_day(rectification.submitted_at or rectification.updated_at),
        url=reverse("inspections:rectification-detail", args=[rectification.pk]),
        action=_("Verify or reopen"),
    )


def _letter_send(inspection: Any) -> Task:
    return _waiting(
        "letter-send",
        inspection.unit.name,
        _("Inspection of %(start)s") % {"start": inspection.planned_start.isoformat()},
        _("Completed, feedback letter not sent"),
        inspection.held_end or inspection.planned_end,
        url=reverse("inspections:letter", args=[inspection.pk]),
        action=_("Send the letter"),
    )


def _office_sources(user: Any, scope: UserScope, now: datetime) -> list[Source]:
    return [
        Source(
            "reports-review",
            pgettext_lazy("work queue", "Reports to review"),
            gettext_lazy("No submitted report waits for review."),
            lambda: [(office_review_queue(user=user), "obligation__unit__")],
            _report_review,
            lambda: reverse("reporting:review-queue"),
        ),
        Source(
            "claims-verify",
            pgettext_lazy("work queue", "Publicity claims to verify"),
            gettext_lazy("No adoption claim waits for verification."),
            lambda: [(claim_queue(user=user), "unit__")],
            _claim_verify,
            lambda: reverse("scoring:review-queue"),
        ),
        Source(
            "plans-file",
            pgettext_lazy("work queue", "Fund-use plans to file"),
            gettext_lazy("No plan approved by its province waits for filing."),
            lambda: [(office_filing_queue(user=user), "plan__unit__")],
            _plan_file,
            lambda: reverse("funds:office-funds"),
        ),
        Source(
            "rectifications-check",
            pgettext_lazy("work queue", "Rectifications to check"),
            gettext_lazy("No rectification submitted by a unit waits for your check."),
            lambda: [(rectification_check_queue(user=user), "finding__inspection__unit__")],
            _rectification_check,
            lambda: reverse("inspections:rectification-queue"),
        ),
        Source(
            "letters-send",
            pgettext_lazy("work queue", "Inspection feedback letters to send"),
            gettext_lazy("Every completed inspection has had its feedback letter sent."),
            lambda: [(letters_to_send(user=user), "unit__")],
            _letter_send,
            lambda: reverse("inspections:inspection-list"),
        ),
    ]


# --- Assembly ------------------------------------------------------------------------------------


def work_sources(*, user: Any, now: datetime | None = None) -> list[Source]:
    """The groups of the user's queue, by the roles they hold: the office's, a provincial
    reviewer's, a unit's staff's (a user with several roles gets each part)."""
    scope = user_scope(user)
    if scope.read_only:
        return []
    now = now or timezone.now()
    sources: list[Source] = []
    if scope.everything or Role.OFFICE_REVIEWER in scope.roles:
        sources += _office_sources(user, scope, now)
    if scope.everything or Role.PROVINCIAL_REVIEWER in scope.roles:
        sources += _province_sources(user, scope, now)
    if scope.staff_unit_ids:
        sources += _unit_sources(user, scope, now)
    return sources


def _searched(parts: list[Part], query: str) -> list[QuerySet]:
    if not query:
        return [rows for rows, _path in parts]
    return [rows.filter(**{f"{path}name__icontains": query}) for rows, path in parts]


class _RowCount(Func):
    # The rows of a subquery counted around it, so that a queue which groups its rows (e.g. by
    # the moment of its last event) is counted as it lists, one number per queue.
    template = "(SELECT COUNT(*) FROM %(expressions)s AS counted_rows)"
    output_field = IntegerField()


def _beside_account(user: Any, annotations: dict[str, Any]) -> dict[str, Any]:
    """Values computed beside a row of the user's own account (which exists while they are
    signed in): any number of subqueries in one query."""
    if not annotations:
        return {}
    values = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**annotations)
        .values_list(*annotations)
        .first()
    ) or (None,) * len(annotations)
    return dict(zip(annotations, values, strict=True))


def _row_counts(querysets: list[QuerySet], prefix: str) -> dict[str, _RowCount]:
    return {
        f"{prefix}{index}": _RowCount(Subquery(rows.order_by().values("pk")))
        for index, rows in enumerate(querysets)
    }


def counts_of(user: Any, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The number of rows of each queryset, all in one query."""
    found = _beside_account(user, _row_counts(list(querysets.values()), "count_"))
    return {key: found[f"count_{index}"] or 0 for index, key in enumerate(querysets)}


def _group_counts(user: Any, parts: dict[str, list[QuerySet]]) -> dict[str, int]:
    flat = {
        f"{key}#{index}": rows for key, rows in parts.items() for index, rows in enumerate(rows)
    }
    counts = counts_of(user, flat)
    return {
        key: sum(counts[f"{key}#{index}"] for index in range(len(rows)))
        for key, rows in parts.items()
    }


def _first_rows(parts: list[QuerySet], limit: int) -> list[Any]:
    rows: list[Any] = []
    for part in parts:
        if len(rows) >= limit:
            break
        rows += list(part[: limit - len(rows)])
    return rows


def work_queue(
    *, user: Any, query: str = "", limit: int = GROUP_LIMIT, now: datetime | None = None
) -> list[TaskGroup]:
    """The user's queue: per group its first `limit` tasks in the order of its section (oldest
    waiting first for reviewers, soonest due first for units) and the number of all, the units'
    names filtered by `query`. One query per group (per part) and one for all the counts."""
    sources = work_sources(user=user, now=now)
    parts = {source.key: _searched(source.parts(), query.strip()) for source in sources}
    counts = _group_counts(user, parts)
    return [
        TaskGroup(
            key=source.key,
            title=str(source.title),
            empty=str(source.empty),
            count=counts[source.key],
            tasks=[source.to_task(row) for row in _first_rows(parts[source.key], limit)],
            section_url=source.section_url(),
        )
        for source in sources
    ]


def _task_querysets(user: Any, now: datetime | None) -> list[QuerySet]:
    return [
        rows
        for source in work_sources(user=user, now=now)
        for rows in _searched(source.parts(), "")
    ]


def _header_annotations(user: Any) -> dict[str, Any]:
    # The user's unread notifications, and the latest stored moment of change of the units of
    # their scope: the first in the order of the index on `changed_at`, which the database
    # reads from the end (a Max over the scope's join would read every unit of it: 2-3 ms for
    # a national office or a province at 5,000 units, against 0.05-0.15).
    last_change = (
        CreationUnit.objects.visible_to(user).order_by("-changed_at").values("changed_at")[:1]
    )
    unread = Notification.objects.visible_to(user).unread().order_by().values("pk")
    return {"unread": _RowCount(Subquery(unread)), "last_change": Subquery(last_change)}


# The two header figures are read on every page a signed-in user opens: their statement is
# built and compiled once per user and scope (building it costs several times what the
# database spends answering it), and prepared on each connection (portal.statements).
_header_statements = CompiledStatements(kept=2000)


def _header_statement(user: Any) -> tuple[str, tuple[Any, ...]]:
    def compile_statement() -> tuple[str, tuple[Any, ...]]:
        annotations = _header_annotations(user)
        rows = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(**annotations)
            .values_list(*annotations)
        )
        return rows.query.sql_with_params()

    return _header_statements.get((user.pk, scope_text(user)), compile_statement)


def header_figures(user: Any) -> dict[str, Any]:
    """The user's unread notifications (`unread`) and the latest moment of change of the units
    of their scope (`last_change`), in one statement."""
    sql, params = _header_statement(user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    unread, last_change = row if row else (0, None)
    return {"unread": unread or 0, "last_change": read_moment(last_change)}


def _kept_count_key(user_id: int) -> str:
    return f"worklist:open-tasks:{user_id}"


def open_tasks_forget(user_id: int) -> None:
    """After the user's own write: their next page counts their tasks again, so that what they
    just did shows in the header at once (worklist.middleware)."""
    cache.delete(_kept_count_key(user_id))


def header_counts(*, user: Any, now: datetime | None = None) -> dict[str, int]:
    """The header's two counts: the open tasks of the user's queue and their unread
    notifications. The count of open tasks is kept per user (settings.OPEN_TASKS_KEPT_SECONDS)
    and served while no unit of their scope has changed since; when one has (at national scale
    one does about every second on a deadline day), it is still served for
    settings.OPEN_TASKS_FRESH_SECONDS after it was counted, rather than counted again on every
    page. The user's own writes forget it. One query whether it is served or counted; two when a
    change in scope overtook it."""
    now = now or timezone.now()
    seconds = settings.OPEN_TASKS_KEPT_SECONDS
    scope, day = (
        hashlib.sha256(scope_text(user).encode()).hexdigest()[:16],
        timezone.localdate(now).isoformat(),
    )
    kept = cache.get(_kept_count_key(user.pk)) if seconds else None
    if kept is not None and (kept["scope"], kept["day"]) == (scope, day):
        found = header_figures(user)
        fresh = now.timestamp() - kept["at"] < settings.OPEN_TASKS_FRESH_SECONDS
        if found["last_change"] == kept["last_change"] or fresh:
            return {"open_tasks": kept["count"], "unread": found["unread"] or 0}
    tasks = _row_counts(_task_querysets(user, now), "task_")
    found = _beside_account(user, {**_header_annotations(user), **tasks})
    open_tasks = sum(found[name] or 0 for name in tasks)
    if seconds:
        kept = {
            "scope": scope,
            "day": day,
            "last_change": read_moment(found["last_change"]),
            "count": open_tasks,
            "at": now.timestamp(),
        }
        cache.set(_kept_count_key(user.pk), kept, timeout=seconds)
    return {"open_tasks": open_tasks, "unread": found["unread"] or 0}
