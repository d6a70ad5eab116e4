"""Reads of funds, each starting from `visible_to(user)` (or from a unit the caller has already
found through it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from creation.models import CreationUnit
from creation.rules import Period, periods_between
from creation.scope import units_in_provinces_q, user_scope
from creation.selectors import provincial_desks
from funds.models import (
    BudgetLine,
    CentralAllocation,
    Expenditure,
    FundCategory,
    FundPlan,
    FundPlanVersion,
    LocalFunding,
    PlanDecision,
    SourceChoices,
)
from funds.rules import (
    LineAmount,
    LineSpending,
    PlanStatus,
    PlanTotals,
    PlanWarning,
    Source,
    SpendingRow,
    execution_rate,
    money,
    plan_totals,
    plan_warnings,
    spending_summary,
)
from reporting.models import Obligation

MONEY_ZERO = Value(Decimal("0.00"))
FILED = PlanStatus.FILED


def category_list(*, user: Any) -> QuerySet[FundCategory]:
    return FundCategory.objects.visible_to(user)


def allocation_list(*, user: Any) -> QuerySet[CentralAllocation]:
    return CentralAllocation.objects.visible_to(user).select_related("unit")


def local_funding_list(*, user: Any) -> QuerySet[LocalFunding]:
    return LocalFunding.objects.visible_to(user).select_related("unit")


def plan_list(*, user: Any) -> QuerySet[FundPlan]:
    """Plans with the number and status of their latest version."""
    return FundPlan.objects.visible_to(user).with_latest().select_related("unit")


def version_list(*, user: Any) -> QuerySet[FundPlanVersion]:
    return FundPlanVersion.objects.visible_to(user).select_related("plan__unit")


def line_list(*, user: Any) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.visible_to(user).select_related("category", "version__plan")


def expenditure_list(*, user: Any) -> QuerySet[Expenditure]:
    return Expenditure.objects.visible_to(user).select_related(
        "line__category", "line__version__plan__unit", "recorded_by", "reverses", "reversal"
    )


def filed_lines(*, unit: CreationUnit) -> QuerySet[BudgetLine]:
    """The lines money may be spent on: those of the unit's filed plans."""
    return (
        BudgetLine.objects.filter(version__plan__unit=unit, version__status=FILED)
        .select_related("category", "version__plan")
        .order_by("version__plan__title", "sort_order", "id")
    )


# --- Money in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyIn:
    central_allocated: Decimal
    local_committed: Decimal
    local_paid: Decimal


def money_in(*, unit: CreationUnit) -> MoneyIn:
    central = CentralAllocation.objects.filter(unit=unit).aggregate(total=Sum("amount"))
    local = LocalFunding.objects.filter(unit=unit).aggregate(
        committed=Sum("committed"), paid=Sum("paid")
    )
    return MoneyIn(money(central["total"]), money(local["committed"]), money(local["paid"]))


# --- A plan version as the pages show it -------------------------------------------------------


@dataclass
class VersionView:
    version: FundPlanVersion
    lines: list[BudgetLine]
    totals: PlanTotals
    warnings: list[PlanWarning]
    decisions: dict[str, PlanDecision] = field(default_factory=dict)

    @property
    def central_total(self) -> Decimal:
        return self.totals.source(Source.CENTRAL)

    @property
    def local_total(self) -> Decimal:
        return self.totals.source(Source.LOCAL)


def version_view(version: FundPlanVersion, *, unit_money: MoneyIn) -> VersionView:
    """A version's lines, totals per source and category, and the R3.1 warnings."""
    lines = list(version.lines.select_related("category"))
    totals = plan_totals(LineAmount(line.source, line.category.name, line.amount) for line in lines)
    warnings = plan_warnings(
        local_total=totals.source(Source.LOCAL),
        committed_local=unit_money.local_committed,
        central_total=totals.source(Source.CENTRAL),
        central_allocated=unit_money.central_allocated,
    )
    decisions = {decision.stage: decision for decision in version.decisions.all()}
    return VersionView(version, lines, totals, warnings, decisions)


def plan_versions(*, plan: FundPlan) -> list[FundPlanVersion]:
    """Every version of a plan, newest first, with its decisions (the history)."""
    return list(
        plan.versions.prefetch_related(
            Prefetch("decisions", PlanDecision.objects.select_related("decided_by"))
        ).select_related("submitted_by")
    )


# --- Queues ----------------------------------------------------------------------------------------


def _with_decisions(versions: QuerySet[FundPlanVersion]) -> QuerySet[FundPlanVersion]:
    return versions.select_related("plan__unit__region__province").prefetch_related(
        Prefetch("decisions", PlanDecision.objects.select_related("decided_by"))
    )


def province_review_queue(*, user: Any, waiting_only: bool = True) -> QuerySet[FundPlanVersion]:
    """R3.2: versions of the units of the reviewer's provinces submitted for review, oldest first
    (only those still with the provincial departments, unless `waiting_only` is False)."""
    versions = FundPlanVersion.objects.in_followed_provinces(user).select_related("plan__unit")
    if waiting_only:
        versions = versions.filter(status=PlanStatus.IN_REVIEW)
    else:
        versions = versions.exclude(status=PlanStatus.DRAFT)
    return _with_decisions(versions).order_by("submitted_at", "pk")


def office_filing_queue(*, user: Any) -> QuerySet[FundPlanVersion]:
    """Versions both provincial departments approved, waiting for the office to file them, the
    longest waiting first: `awaiting_since` is the moment of the second approval."""
    scope = user_scope(user)
    versions = version_list(user=user).filter(status=PlanStatus.AWAITING_FILING)
    if not scope.everything:
        versions = versions.filter(plan__unit__batch__programme__in=scope.office_programme_ids)
    # The last decision read for each row, not summed over a join of every decision: a count of
    # the queue (the header's open tasks) then reads neither the decisions nor a grouping.
    last_decision = PlanDecision.objects.filter(version=OuterRef("pk")).order_by("-decided_at")
    versions = versions.annotate(awaiting_since=Subquery(last_decision.values("decided_at")[:1]))
    return _with_decisions(versions).order_by("awaiting_since", "pk")


# --- Execution --------------------------------------------------------------------------------------


# R3.2: the sums of the filed plans' lines that unit_execution annotates, and with them the count
# of filed plans: the names of a unit's fund figures wherever they are read or stored.
EXECUTION_SUMS = ("budget", "spent", "central_budget", "central_spent")
EXECUTION_FIGURES = ("filed_plans", *EXECUTION_SUMS)


def _execution_sums(prefix: str) -> dict[str, Any]:
    lines = f"{prefix}fund_plans__versions__lines__"
    filed = Q(**{f"{prefix}fund_plans__versions__status": FILED})
    central = filed & Q(**{f"{lines}source": Source.CENTRAL})
    return {
        "budget": Coalesce(Sum(f"{lines}amount", filter=filed), MONEY_ZERO),
        "spent": Coalesce(Sum(f"{lines}spent", filter=filed), MONEY_ZERO),
        "central_budget": Coalesce(Sum(f"{lines}amount", filter=central), MONEY_ZERO),
        "central_spent": Coalesce(Sum(f"{lines}spent", filter=central), MONEY_ZERO),
    }


def _with_rates(row: Any) -> Any:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    rate = execution_rate(spent=get("spent"), budget=get("budget"))
    if isinstance(row, dict):
        row["rate"] = rate
    else:
        row.rate = rate
    return row


def unit_execution(units: QuerySet[CreationUnit]) -> QuerySet[CreationUnit]:
    """Each unit with the budget and spending of its filed plans (all and central), one query."""
    # An aggregating query ignores Meta.ordering: order it explicitly, for stable pages.
    return units.order_by("name", "pk").annotate(
        **_execution_sums(""),
        filed_plans=Count(
            "fund_plans__versions",
            filter=Q(fund_plans__versions__status=FILED),
            distinct=True,
        ),
    )


def with_rates(rows: Any) -> list[Any]:
    """Rows of budget and spending (unit_execution, or sums of them) with their execution
    rate."""
    return [_with_rates(row) for row in rows]


# --- The half-yearly fund report (R3.3) ------------------------------------------------------------


def report_periods(*, unit: CreationUnit, today: date | None = None) -> list[Period]:
    """The half years of the unit's own cycle (C2) up to today, newest first."""
    today = today or timezone.localdate()
    cycle = unit.cycle
    return list(reversed(periods_between(cycle.start, min(today, cycle.end), months=6)))


def parse_period(value: str | None) -> Period | None:
    """A half year written like "2026H1", or None."""
    if not value or len(value) != 6 or value[4] != "H" or value[5] not in "12":
        return None
    try:
        return Period(int(value[:4]), int(value[5]), 6)
    except ValueError:
        return None


def default_period(*, today: date | None = None) -> Period:
    """The half year that last ended: the one a report is due for."""
    today = today or timezone.localdate()
    current = Period.containing(today, months=6)
    return Period(current.year, 1, 6) if current.index == 2 else Period(current.year - 1, 2, 6)


def fund_report_obligation(*, unit: CreationUnit, period: Period) -> Any:
    """The unit's fund-report obligation of that half year (reporting), or None."""
    return (
        Obligation.objects.filter(
            unit=unit, type=Obligation.Type.FUND_REPORT, period_start=period.first_day
        )
        .select_related("submission")
        .first()
    )


@dataclass
class HalfYearReport:
    unit: CreationUnit
    period: Period
    lines: list[SpendingRow]
    sources: list[SpendingRow]
    categories: list[SpendingRow]
    total: SpendingRow
    expenditures: list[Expenditure]
    money: MoneyIn
    generated_at: datetime

    @property
    def title(self) -> str:
        return _("Half-yearly fund report %(period)s: %(unit)s") % {
            "period": self.period,
            "unit": self.unit.name,
        }


def half_year_report(
    *, unit: CreationUnit, period: Period, now: datetime | None = None
) -> HalfYearReport:
    """R3.3: the half year's spending by line, source and category, execution rates to its end,
    and the list of vouchers, compiled from the expenditures (three queries)."""
    first, last = period.first_day, period.last_day
    lines = list(
        filed_lines(unit=unit).annotate(
            spent_before=Sum("expenditures__amount", filter=Q(expenditures__spent_on__lt=first)),
            spent_in=Sum(
                "expenditures__amount",
                filter=Q(expenditures__spent_on__gte=first, expenditures__spent_on__lte=last),
            ),
        )
    )
    # A plan filed after the half year had nothing to do with it, unless (dated) spending says so.
    lines = [
        line
        for line in lines
        if (line.version.closed_at and timezone.localdate(line.version.closed_at) <= last)
        or line.spent_before
        or line.spent_in
    ]
    spending = [
        LineSpending(
            line_id=line.pk,
            plan=line.version.plan.title,
            source=line.source,
            category=line.category.name,
            purpose=line.purpose,
            budget=line.amount,
            spent_before=money(line.spent_before),
            spent_in_period=money(line.spent_in),
        )
        for line in lines
    ]
    summary = spending_summary(
        spending, source_labels={str(k): str(v) for k, v in SourceChoices.choices}
    )
    # C6: a reversed entry and its correcting entry net to zero in the sums above; the list of
    # vouchers shows the entries that stand.
    expenditures = list(
        Expenditure.objects.filter(
            line__version__plan__unit=unit, spent_on__gte=first, spent_on__lte=last
        )
        .standing()
        .select_related("line__category", "line__version__plan")
        .order_by("spent_on", "id")
    )
    return HalfYearReport(
        unit=unit,
        period=period,
        lines=summary["lines"],
        sources=summary["sources"],
        categories=summary["categories"],
        total=summary["total"],
        expenditures=expenditures,
        money=money_in(unit=unit),
        generated_at=now or timezone.now(),
    )


def _yuan(value: Decimal) -> str:
    return f"{money(value):,.2f}"


def _rate(value: Decimal | None) -> str:
    return f"{value}%" if value is not None else "—"


def _row_text(row: SpendingRow) -> str:
    return _(
        "%(label)s: budget %(budget)s; spent in the half year %(during)s; spent to date "
        "%(to_date)s; remaining %(remaining)s; execution %(rate)s"
    ) % {
        "label": row.label,
        "budget": _yuan(row.budget),
        "during": _yuan(row.spent_in_period),
        "to_date": _yuan(row.spent_to_date),
        "remaining": _yuan(row.remaining),
        "rate": _rate(row.rate),
    }


def report_text(report: HalfYearReport) -> str:
    """The report as plain text, as it is stored in the reporting submission (amounts in yuan)."""
    period = report.period
    parts = [
        report.title,
        _("Period: %(first)s – %(last)s. Amounts in yuan.")
        % {"first": period.first_day.isoformat(), "last": period.last_day.isoformat()},
        _(
            "Money received to date: central subsidy allocated %(central)s; local creation "
            "funds committed %(committed)s, paid %(paid)s."
        )
        % {
            "central": _yuan(report.money.central_allocated),
            "committed": _yuan(report.money.local_committed),
            "paid": _yuan(report.money.local_paid),
        },
        "",
        _("Total: %(row)s") % {"row": _row_text(report.total)},
        "",
        _("By source"),
        *(f"- {_row_text(row)}" for row in report.sources),
        "",
        _("By category"),
        *(f"- {_row_text(row)}" for row in report.categories),
        "",
        _("By budget line"),
        *(f"- {_row_text(row)}" for row in report.lines),
        "",
        _("Vouchers (%(count)s)") % {"count": len(report.expenditures)},
        *(
            f"- {e.spent_on.isoformat()} · {e.line.get_source_display()} · {e.line.category.name}"
            f" · {e.line.purpose} · {e.payee} · {_yuan(e.amount)} · {e.voucher_name or '—'}"
            f" (#{e.pk})"
            for e in report.expenditures
        ),
        "",
        _("Printable report with the vouchers: %(url)s")
        % {
            "url": reverse("funds:unit-report", kwargs={"pk": report.unit.pk}) + f"?period={period}"
        },
    ]
    return "\n".join(parts)


# --- R6.6 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundFacts:
    """R6.6 basic requirements of R3.2, computed from the data, with their evidence."""

    filed_plans: list[tuple[str, int, date]]
    spending_outside_plan: int

    @property
    def plan_filed(self) -> bool:
        return bool(self.filed_plans)


def fund_facts(*, unit: CreationUnit) -> FundFacts:
    """Whether a plan of the unit is filed (which, when), and how many expenditures lie outside
    a filed plan, its line, its filing day or the unit's cycle (none, as long as every
    expenditure went through the spending service or was reversed, C6)."""
    filed = [
        (title, number, timezone.localdate(closed_at))
        for title, number, closed_at in FundPlanVersion.objects.filter(
            plan__unit=unit, status=FILED
        )
        .order_by("closed_at")
        .values_list("plan__title", "number", "closed_at")
    ]
    outside = (
        Expenditure.objects.filter(line__version__plan__unit=unit).outside_filed_plan().count()
    )
    return FundFacts(filed, outside)


def plans_awaiting_my_stage(*, user: Any) -> QuerySet[FundPlanVersion]:
    """R3.2: the versions in provincial review that wait for a decision of the user's own
    department (finance or culture) in the province of that role, oldest submission first. A
    superuser decides for both departments everywhere."""
    scope = user_scope(user)
    versions = version_list(user=user).filter(status=PlanStatus.IN_REVIEW)
    if scope.read_only:
        return versions.none()
    if scope.everything:
        # A version in review always waits for at least one of the two departments (a return
        # or the second approval moves it on).
        return versions.order_by("submitted_at", "pk")
    desks = Q(pk__in=[])
    for province_id, department in provincial_desks(user=user):
        in_province = units_in_provinces_q([province_id], "plan__unit__")
        decided = PlanDecision.objects.filter(stage=department).values("version")
        desks |= in_province & ~Q(pk__in=decided)
    return versions.filter(desks).select_related("plan__unit").order_by("submitted_at", "pk")


def unit_plans_to_write(*, user: Any) -> QuerySet[FundPlan]:
    """R3.2: the plans of the user's own units whose latest version is a draft not yet
    submitted or was returned for a new version, the longest waiting first."""
    scope = user_scope(user)
    return (
        plan_list(user=user)
        .filter(unit__in=scope.staff_unit_ids)
        .filter(latest_status__in=[PlanStatus.DRAFT, PlanStatus.RETURNED])
        .order_by("created_at", "pk")
    )


def units_without_plan(*, user: Any) -> QuerySet[CreationUnit]:
    """R3.2: the user's own units that have no fund-use plan at all yet."""
    scope = user_scope(user)
    return (
        CreationUnit.objects.visible_to(user)
        .filter(pk__in=scope.staff_unit_ids, fund_plans__isnull=True)
        .order_by("start_date", "pk")
    )
