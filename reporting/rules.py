"""Pure rules of reporting (R5, with R3.3 and R4.2): the obligation calendar, deadlines, on-time,
and which reminder is due. Plain values in, plain values out; `today`/`now` are arguments."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from creation.rules import Period

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ObligationType(StrEnum):
    WORK_UPDATE = "work_update"  # 工作动态 (R5.2)
    IN_DEPTH_REPORT = "in_depth_report"  # 深度工作进展、制度设计研究进展、阶段性创建成果 (R5.2)
    FUND_REPORT = "fund_report"  # half-yearly fund use (R3.3)
    SELF_INSPECTION = "self_inspection"  # half-yearly self-inspection (R4.2)


# R6.1 counts these; the fund report and the self-inspection are basic requirements of R6.6.
R5_2_TYPES = frozenset({ObligationType.WORK_UPDATE, ObligationType.IN_DEPTH_REPORT})


@dataclass(frozen=True)
class ScheduleSettings:
    """R5.2 default deadlines; each programme can change them."""

    monthly_due_day: int = 5
    periodic_due_day: int = 10
    half_year_due_day: int = 15


@dataclass(frozen=True)
class ObligationSpec:
    type: ObligationType
    period: Period
    due_on: date


def period_months(kind: str, obligation_type: ObligationType) -> int:
    """R5.2: zones update monthly and report in depth quarterly; projects update quarterly and
    report in depth half-yearly. R3.3 and R4.2: both report funds and inspect themselves every
    half year."""
    if obligation_type == ObligationType.WORK_UPDATE:
        return 1 if kind == "zone" else 3
    if obligation_type == ObligationType.IN_DEPTH_REPORT:
        return 3 if kind == "zone" else 6
    return 6


def _day_in_month(year: int, month: int, day: int) -> date:
    """Day `day` of the month, or its last day when the month is shorter."""
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day, last))


def due_date(period: Period, obligation_type: ObligationType, settings: ScheduleSettings) -> date:
    """R5.2 defaults: a monthly item on day 5 of the next month; a quarterly or half-yearly item
    on day 10 of the month after its period; the fund report and self-inspection on day 15."""
    following = period.last_day + timedelta(days=1)
    if obligation_type in (ObligationType.FUND_REPORT, ObligationType.SELF_INSPECTION):
        day = settings.half_year_due_day
    elif period.months == 1:
        day = settings.monthly_due_day
    else:
        day = settings.periodic_due_day
    return _day_in_month(following.year, following.month, day)


def due_moment(due_on: date) -> datetime:
    """The end of the due day in Asia/Shanghai: 23:59:59.999999 is still on time."""
    return datetime.combine(due_on, time.max, tzinfo=SHANGHAI)


def obligation_calendar(
    *, kind: str, start: date, end: date, settings: ScheduleSettings
) -> list[ObligationSpec]:
    """Every reporting obligation of a unit over its creation cycle [start, end].

    A unit that starts in the middle of a period does not report that part-period on its own:
    its first report of each type is for the first period that begins on or after its start
    date, and covers the days before it too. A period that has begun by the end of the cycle is
    reported, even when the cycle ends inside it.
    """
    specs: list[ObligationSpec] = []
    for obligation_type in ObligationType:
        months = period_months(kind, obligation_type)
        period = Period.containing(start, months=months)
        if period.first_day < start:
            period = period.next()
        while period.first_day <= end:
            specs.append(
                ObligationSpec(obligation_type, period, due_date(period, obligation_type, settings))
            )
            period = period.next()
    return sorted(specs, key=lambda s: (s.due_on, s.type))


# C1 (R6.1, R5): the statuses in which the office holds a report. A report returned for changes
# or withdrawn to draft is back with the unit: until it is sent again it counts as not submitted.
SUBMITTED_STATUSES = frozenset({"submitted", "accepted"})


def is_submitted(*, first_submitted_at: datetime | None, status: str | None) -> bool:
    """C1: submitted = the office holds the report now, waiting for review or accepted."""
    return first_submitted_at is not None and status in SUBMITTED_STATUSES


def is_on_time(
    *, first_submitted_at: datetime | None, due_at: datetime, status: str | None
) -> bool:
    """C1 (R6.1, R5): on time = submitted (`is_submitted`) and first submitted at or before the
    due moment. The review does not change it: a report sent in time and still waiting, or
    returned and sent again after the deadline, is on time; one first sent late stays late; one
    returned (or withdrawn) and not sent again counts as not submitted. The set-based form of
    this rule is `reporting.models.on_time_q`."""
    return (
        is_submitted(first_submitted_at=first_submitted_at, status=status)
        and first_submitted_at is not None
        and first_submitted_at <= due_at
    )


# --- Reminders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSettings:
    """Defaults of R5 reminders; each programme can change them."""

    days_before: tuple[int, ...] = (7, 1)
    first_day_after: int = 1
    repeat_every_days: int = 7
    escalate_after_days: int = 7
    stop_after_days: int = 90


def reminder_schedule(due_at: datetime, settings: ReminderSettings) -> list[tuple[str, datetime]]:
    """Every reminder of one obligation as (kind, moment), in time order: some days before the
    due moment, the day after it, then every week until `stop_after_days` overdue."""
    moments = [(f"before-{days}", due_at - timedelta(days=days)) for days in settings.days_before]
    after = settings.first_day_after
    while after <= settings.stop_after_days:
        moments.append((f"after-{after}", due_at + timedelta(days=after)))
        after += settings.repeat_every_days
    return sorted(moments, key=lambda item: item[1])


def reminder_due(
    *, due_at: datetime, now: datetime, sent: set[str], settings: ReminderSettings
) -> str | None:
    """The one reminder to send now: the latest one whose moment has come, unless it was sent.
    Earlier reminders that a stopped sweep missed are not sent late."""
    latest = None
    for kind, moment in reminder_schedule(due_at, settings):
        if moment <= now:
            latest = kind
    if latest is None or latest in sent:
        return None
    return latest


def escalation_due(
    *, due_at: datetime, now: datetime, sent: set[str], settings: ReminderSettings
) -> bool:
    """After `escalate_after_days` overdue, the provincial culture reviewer is told, once."""
    return "escalation" not in sent and now >= due_at + timedelta(days=settings.escalate_after_days)


# --- Calendar colours and compliance --------------------------------------------------------------


class Light(StrEnum):
    GREEN = "green"  # submitted on time
    AMBER = "amber"  # submitted, but after the due moment
    YELLOW = "yellow"  # not submitted, due within the warning window
    RED = "red"  # not submitted and overdue
    GREY = "grey"  # not submitted, not due soon


LIGHT_LABELS = {
    Light.GREEN: _("Submitted on time"),
    Light.AMBER: _("Submitted late"),
    Light.YELLOW: _("Due within 7 days"),
    Light.RED: _("Overdue"),
    Light.GREY: _("Due later"),
}


# A report not yet sent shows yellow from this many days before its due moment.
WARN_DAYS = 7


def traffic_light(
    *,
    due_at: datetime,
    first_submitted_at: datetime | None,
    now: datetime,
    warn_days: int = WARN_DAYS,
) -> Light:
    if first_submitted_at is not None:
        return Light.GREEN if first_submitted_at <= due_at else Light.AMBER
    if now > due_at:
        return Light.RED
    if due_at - now <= timedelta(days=warn_days):
        return Light.YELLOW
    return Light.GREY


class ReportState(StrEnum):
    """Where an obligation's report stands, as every page and the calendar feed say it."""

    NOT_STARTED = "not_started"  # no report yet, not yet due
    DRAFT = "draft"  # written and not sent, or withdrawn to draft
    OVERDUE = "overdue"  # nothing written, and the due moment has passed
    OVERDUE_DRAFT = "overdue_draft"  # a draft never sent, and the due moment has passed
    SUBMITTED = "submitted"  # with the office, waiting for review
    RETURNED = "returned"  # returned for changes
    ACCEPTED = "accepted"


def report_state(
    *, status: str | None, first_submitted_at: datetime | None, due_at: datetime, now: datetime
) -> ReportState:
    """The one reading of a report's state. Overdue exactly when the traffic light is red
    (`traffic_light`): never sent and past the due moment. A report sent once keeps its
    workflow status after the deadline, since its timeliness is fixed by the first sending (C1).
    `status` is the report's status, None when no report was started."""
    if first_submitted_at is None and now > due_at:
        return ReportState.OVERDUE if status is None else ReportState.OVERDUE_DRAFT
    if status is None:
        return ReportState.NOT_STARTED
    return ReportState(status)


@dataclass(frozen=True)
class ObligationOutcome:
    type: str
    due_at: datetime
    first_submitted_at: datetime | None
    status: str | None  # the report's status; None when no report was started


def all_on_time(outcomes: list[ObligationOutcome]) -> bool:
    """R6.1: true when every R5.2 item among `outcomes` was submitted on time (C1, `is_on_time`)."""
    return all(
        is_on_time(first_submitted_at=o.first_submitted_at, due_at=o.due_at, status=o.status)
        for o in outcomes
        if o.type in R5_2_TYPES
    )
