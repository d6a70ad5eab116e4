"""R5.2 (with R3.3 and R4.2) as pure functions: the calendar, deadlines, on-time, reminders."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from creation.rules import Period
from reporting.rules import (
    Light,
    ObligationOutcome,
    ObligationType,
    ReminderSettings,
    ScheduleSettings,
    all_on_time,
    due_moment,
    escalation_due,
    is_on_time,
    is_submitted,
    obligation_calendar,
    reminder_due,
    traffic_light,
)

SH = ZoneInfo("Asia/Shanghai")
DEFAULT = ScheduleSettings()
T = ObligationType


def calendar(kind, start=date(2025, 7, 1), end=date(2027, 6, 30), settings=DEFAULT):
    return obligation_calendar(kind=kind, start=start, end=end, settings=settings)


def test_R5_2_zone_two_year_schedule_counts():
    counts = Counter(spec.type for spec in calendar("zone"))
    assert counts == {
        T.WORK_UPDATE: 24,
        T.IN_DEPTH_REPORT: 8,
        T.FUND_REPORT: 4,
        T.SELF_INSPECTION: 4,
    }


def test_R5_2_project_two_year_schedule_counts():
    counts = Counter(spec.type for spec in calendar("project"))
    assert counts == {
        T.WORK_UPDATE: 8,
        T.IN_DEPTH_REPORT: 4,
        T.FUND_REPORT: 4,
        T.SELF_INSPECTION: 4,
    }


def test_R5_2_zone_due_dates_follow_the_defaults():
    specs = calendar("zone")
    updates = [s for s in specs if s.type == T.WORK_UPDATE]
    assert (str(updates[0].period), updates[0].due_on) == ("2025-07", date(2025, 8, 5))
    assert (str(updates[5].period), updates[5].due_on) == ("2025-12", date(2026, 1, 5))
    assert (str(updates[-1].period), updates[-1].due_on) == ("2027-06", date(2027, 7, 5))
    in_depth = [s for s in specs if s.type == T.IN_DEPTH_REPORT]
    assert [(str(s.period), s.due_on) for s in in_depth[:2]] == [
        ("2025Q3", date(2025, 10, 10)),
        ("2025Q4", date(2026, 1, 10)),
    ]
    funds = [s for s in specs if s.type == T.FUND_REPORT]
    assert [(str(s.period), s.due_on) for s in funds] == [
        ("2025H2", date(2026, 1, 15)),
        ("2026H1", date(2026, 7, 15)),
        ("2026H2", date(2027, 1, 15)),
        ("2027H1", date(2027, 7, 15)),
    ]
    assert [s.due_on for s in specs if s.type == T.SELF_INSPECTION] == [s.due_on for s in funds]


def test_R5_2_project_due_dates_follow_the_defaults():
    specs = calendar("project")
    updates = [(str(s.period), s.due_on) for s in specs if s.type == T.WORK_UPDATE]
    assert updates[:2] == [("2025Q3", date(2025, 10, 10)), ("2025Q4", date(2026, 1, 10))]
    in_depth = [(str(s.period), s.due_on) for s in specs if s.type == T.IN_DEPTH_REPORT]
    assert in_depth == [
        ("2025H2", date(2026, 1, 10)),
        ("2026H1", date(2026, 7, 10)),
        ("2026H2", date(2027, 1, 10)),
        ("2027H1", date(2027, 7, 10)),
    ]


def test_R5_2_due_days_are_programme_settings():
    specs = calendar("zone", settings=ScheduleSettings(monthly_due_day=31, periodic_due_day=3))
    updates = [s for s in specs if s.type == T.WORK_UPDATE]
    # day 31 falls back to the last day of a shorter month
    assert updates[0].due_on == date(2025, 8, 31)
    assert updates[1].due_on == date(2025, 9, 30)
    assert next(s for s in specs if s.type == T.IN_DEPTH_REPORT).due_on == date(2025, 10, 3)


def test_R5_2_unit_starting_mid_period_reports_from_the_next_full_period():
    specs = calendar("zone", start=date(2026, 3, 12), end=date(2028, 3, 11))
    first = {s.type: str(s.period) for s in reversed(specs)}
    assert first == {
        T.WORK_UPDATE: "2026-04",
        T.IN_DEPTH_REPORT: "2026Q2",
        T.FUND_REPORT: "2026H2",
        T.SELF_INSPECTION: "2026H2",
    }
    last = {s.type: str(s.period) for s in specs}
    # a period that has begun by the end of the cycle is still reported
    assert last == {
        T.WORK_UPDATE: "2028-03",
        T.IN_DEPTH_REPORT: "2028Q1",
        T.FUND_REPORT: "2028H1",
        T.SELF_INSPECTION: "2028H1",
    }


def test_R5_2_unit_starting_on_the_first_day_reports_that_period():
    specs = calendar("zone", start=date(2026, 4, 1), end=date(2026, 6, 30))
    assert {str(s.period) for s in specs if s.type == T.IN_DEPTH_REPORT} == {"2026Q2"}


def test_R5_2_deadline_is_the_end_of_the_day_in_shanghai():
    due = due_moment(date(2026, 8, 5))
    just_in = datetime(2026, 8, 5, 23, 59, 59, tzinfo=SH)
    just_late = datetime(2026, 8, 6, 0, 0, 1, tzinfo=SH)
    assert is_on_time(first_submitted_at=just_in, due_at=due, status="accepted")
    assert not is_on_time(first_submitted_at=just_late, due_at=due, status="accepted")
    # the same instants seen from another time zone change nothing
    utc = ZoneInfo("UTC")
    assert is_on_time(first_submitted_at=just_in.astimezone(utc), due_at=due, status="accepted")
    assert just_late.astimezone(utc) == datetime(2026, 8, 5, 16, 0, 1, tzinfo=utc)
    assert not is_on_time(
        first_submitted_at=just_late.astimezone(utc), due_at=due, status="accepted"
    )


def test_C1_R5_on_time_is_decided_by_the_first_submission_not_by_the_review():
    due = due_moment(date(2026, 8, 5))
    early, late = due - timedelta(days=2), due + timedelta(days=2)
    # waiting for the office, or accepted: on time
    assert is_on_time(first_submitted_at=early, due_at=due, status="submitted")
    assert is_on_time(first_submitted_at=early, due_at=due, status="accepted")
    # returned (or withdrawn to draft) and not sent again: not submitted, so not on time
    assert not is_on_time(first_submitted_at=early, due_at=due, status="returned")
    assert not is_on_time(first_submitted_at=early, due_at=due, status="draft")
    assert not is_submitted(first_submitted_at=early, status="returned")
    # first sent late stays late; never sent is not on time
    assert not is_on_time(first_submitted_at=late, due_at=due, status="accepted")
    assert is_submitted(first_submitted_at=late, status="submitted")
    assert not is_on_time(first_submitted_at=None, due_at=due, status=None)


def test_R6_1_all_on_time_ignores_fund_reports_and_self_inspections():
    due = due_moment(date(2026, 8, 5))
    good = ObligationOutcome("work_update", due, due - timedelta(hours=1), "accepted")
    late_fund = ObligationOutcome("fund_report", due, due + timedelta(days=3), "accepted")
    late_update = ObligationOutcome("work_update", due, due + timedelta(seconds=1), "accepted")
    assert all_on_time([good, late_fund])
    assert not all_on_time([good, late_update])
    assert all_on_time([])


RULES = ReminderSettings()
DUE = due_moment(date(2026, 8, 5))


@pytest.mark.parametrize(
    ("now", "sent", "expected"),
    [
        (DUE - timedelta(days=8), set(), None),
        (DUE - timedelta(days=7), set(), "before-7"),
        (DUE - timedelta(days=3), {"before-7"}, None),
        (DUE - timedelta(hours=20), {"before-7"}, "before-1"),
        (DUE - timedelta(hours=20), set(), "before-1"),  # a missed earlier one is not sent late
        (DUE + timedelta(days=1), {"before-7", "before-1"}, "after-1"),
        (DUE + timedelta(days=5), {"after-1"}, None),
        (DUE + timedelta(days=8), {"after-1"}, "after-8"),
        (DUE + timedelta(days=15), {"after-8"}, "after-15"),
        (DUE + timedelta(days=200), set(), "after-85"),
    ],
)
def test_reminder_due_before_after_then_weekly(now, sent, expected):
    assert reminder_due(due_at=DUE, now=now, sent=sent, settings=RULES) == expected


def test_escalation_after_seven_days_overdue_once():
    assert not escalation_due(due_at=DUE, now=DUE + timedelta(days=6), sent=set(), settings=RULES)
    assert escalation_due(due_at=DUE, now=DUE + timedelta(days=7), sent=set(), settings=RULES)
    assert not escalation_due(
        due_at=DUE, now=DUE + timedelta(days=9), sent={"escalation"}, settings=RULES
    )


@pytest.mark.parametrize(
    ("first", "now", "light"),
    [
        (DUE - timedelta(days=1), DUE + timedelta(days=3), Light.GREEN),
        (DUE + timedelta(hours=2), DUE + timedelta(days=3), Light.AMBER),
        (None, DUE + timedelta(seconds=1), Light.RED),
        (None, DUE - timedelta(days=6), Light.YELLOW),
        (None, DUE - timedelta(days=8), Light.GREY),
    ],
)
def test_traffic_light(first, now, light):
    assert traffic_light(due_at=DUE, first_submitted_at=first, now=now) == light


def test_monthly_period_labels():
    assert str(Period(2026, 3, 1)) == "2026-03"
    assert Period(2026, 2, 1).last_day == date(2026, 2, 28)
