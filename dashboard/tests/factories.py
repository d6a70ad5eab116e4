"""Data for the dashboard tests: a unit with hand-computed reporting, and units with a filed
fund plan, its liaison and a few reports, for the query-count tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from creation.models import CreationUnit
from creation.tests.factories import CreationUnitFactory, LiaisonFactory
from funds.rules import PlanStatus
from funds.tests.factories import BudgetLineFactory, FundPlanVersionFactory
from reporting.models import Obligation, Submission
from reporting.rules import SHANGHAI
from reporting.tests.factories import ObligationFactory, SubmissionFactory

# "now" of the hand-computed data: 20 March 2026, noon, Beijing time.
NOW = datetime(2026, 3, 20, 12, tzinfo=SHANGHAI)


def due(day: date) -> datetime:
    return datetime.combine(day, datetime.max.time(), tzinfo=SHANGHAI)


def _obligation(unit, kind, start, end, label, due_on) -> Obligation:
    return ObligationFactory(
        unit=unit,
        type=kind,
        period_start=start,
        period_end=end,
        period_label=label,
        due_at=due(due_on),
    )


def hand_computed_reporting(unit: CreationUnit) -> dict[str, Obligation]:
    """Seven obligations of a zone around NOW, each with a known traffic light:

    | key | type            | due        | report                         | light  | month |
    |-----|-----------------|------------|--------------------------------|--------|-------|
    | jan | in-depth 2025Q4 | 2026-01-10 | first sent 01-12, accepted     | amber  | Jan   |
    | feb | update 2026-01  | 2026-02-05 | first sent 02-04, accepted     | green  | Feb   |
    | mar | update 2026-02  | 2026-03-05 | a draft only                   | red    | Mar   |
    | fund| fund 2025H2     | 2026-03-25 | none                           | yellow | Mar   |
    | apr | update 2026-03  | 2026-04-05 | none                           | grey   | Apr   |
    | q1  | in-depth 2026Q1 | 2026-04-10 | none                           | grey   | Apr   |
    | may | update 2026-04  | 2026-05-05 | none                           | grey   | May   |

    Due by NOW: jan, feb, mar (3); accepted on time: feb (1); late: jan; overdue: mar.
    """
    T = Obligation.Type
    items = {
        "jan": _obligation(
            unit,
            T.IN_DEPTH_REPORT,
            date(2025, 10, 1),
            date(2025, 12, 31),
            "2025Q4",
            date(2026, 1, 10),
        ),
        "feb": _obligation(
            unit, T.WORK_UPDATE, date(2026, 1, 1), date(2026, 1, 31), "2026-01", date(2026, 2, 5)
        ),
        "mar": _obligation(
            unit, T.WORK_UPDATE, date(2026, 2, 1), date(2026, 2, 28), "2026-02", date(2026, 3, 5)
        ),
        "fund": _obligation(
            unit, T.FUND_REPORT, date(2025, 7, 1), date(2025, 12, 31), "2025H2", date(2026, 3, 25)
        ),
        "apr": _obligation(
            unit, T.WORK_UPDATE, date(2026, 3, 1), date(2026, 3, 31), "2026-03", date(2026, 4, 5)
        ),
        "q1": _obligation(
            unit,
            T.IN_DEPTH_REPORT,
            date(2026, 1, 1),
            date(2026, 3, 31),
            "2026Q1",
            date(2026, 4, 10),
        ),
        "may": _obligation(
            unit, T.WORK_UPDATE, date(2026, 4, 1), date(2026, 4, 30), "2026-04", date(2026, 5, 5)
        ),
    }
    late = datetime(2026, 1, 12, 9, tzinfo=SHANGHAI)
    SubmissionFactory(
        obligation=items["jan"],
        status=Submission.Status.ACCEPTED,
        first_submitted_at=late,
        submitted_at=late,
        is_late=True,
    )
    early = datetime(2026, 2, 4, 9, tzinfo=SHANGHAI)
    SubmissionFactory(
        obligation=items["feb"],
        status=Submission.Status.ACCEPTED,
        first_submitted_at=early,
        submitted_at=early,
        is_late=False,
    )
    SubmissionFactory(obligation=items["mar"], status=Submission.Status.DRAFT)
    return items


def busy_unit(**kwargs) -> CreationUnit:
    """A unit with a liaison, a filed plan (budget 200,000, spent 50,000: 25.0 %), a report due
    last month and one due next month."""
    unit = CreationUnitFactory(**kwargs)
    LiaisonFactory(unit=unit)
    version = FundPlanVersionFactory(plan__unit=unit, status=PlanStatus.FILED)
    BudgetLineFactory(version=version, amount=Decimal("200000.00"), spent=Decimal("50000.00"))
    today = datetime.now(tz=SHANGHAI).date().replace(day=1)
    last_month = today - timedelta(days=1)
    next_month = (today + timedelta(days=40)).replace(day=5)
    past = ObligationFactory(
        unit=unit,
        period_start=last_month.replace(day=1),
        period_label=f"{last_month:%Y-%m}",
        due_at=due(last_month.replace(day=5)),
    )
    SubmissionFactory(
        obligation=past,
        status=Submission.Status.ACCEPTED,
        first_submitted_at=past.due_at - timedelta(days=1),
        is_late=False,
    )
    ObligationFactory(
        unit=unit,
        period_start=today,
        period_label=f"{today:%Y-%m}",
        due_at=due(next_month),
    )
    return unit


def stored_trend(
    unit: CreationUnit, *, start: datetime, end: datetime, now: datetime, granularity: str = "month"
) -> list[dict]:
    """The on-time trend of one unit as the dashboards read it: its figures and months stored
    as of `now`, then summed (dashboard.selectors.reporting_months, trend_rows)."""
    from dashboard.selectors import reporting_months, trend_rows
    from dashboard.services import unit_figures_refresh

    unit_figures_refresh([unit.pk], now=now)
    units = CreationUnit.objects.filter(pk=unit.pk)
    found = reporting_months(units, shown=(), start=start, end=end)
    return trend_rows(found.months, granularity=granularity)
