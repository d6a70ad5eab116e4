"""Pure domain functions of funds: plain values in, plain values out; no ORM, no clock.

Money is `Decimal` yuan with two decimals everywhere, never float.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str | None) -> Decimal:
    """A sum of yuan rounded to the fen; None (an empty SQL sum) is zero."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Source(StrEnum):
    CENTRAL = "central"  # 中央财政补助资金
    LOCAL = "local"  # 地方创建资金


class PlanStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"  # with the provincial finance and culture departments at once
    AWAITING_FILING = "awaiting_filing"  # both approved: with the office
    RETURNED = "returned"  # any return: the unit writes a new version
    FILED = "filed"  # 备案: the plan is in force and money may be spent under it


class Stage(StrEnum):
    FINANCE = "finance"
    CULTURE = "culture"
    OFFICE = "office"


class Outcome(StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"


PROVINCIAL_STAGES = (Stage.FINANCE, Stage.CULTURE)

# R3.1: what the central subsidy may be spent on, as (code, name, description, order). The
# migration seeds them into the editable list; `fund_categories_ensure` restores them.
R3_1_CATEGORIES: tuple[tuple[str, str, str, int], ...] = (
    ("mass_activities", "基层群众文化活动", "Grass-roots mass cultural activities.", 10),
    ("folk_culture", "优秀民族民间文化保护", "Protecting fine traditional folk culture.", 20),
    ("rural_specialities", "农村特色文化", "Rural cultural specialities.", 30),
    ("staff_training", "基层文化队伍培训", "Training grass-roots cultural staff.", 40),
    ("resource_integration", "公共文化资源整合", "Integrating public cultural resources.", 50),
    (
        "creation_work",
        "创建工作组织、新闻宣传和制度设计研究",
        "The creation work's own organisation, news publicity and institutional design.",
        60,
    ),
)


def status_after_decisions(decisions: dict[str, str]) -> PlanStatus:
    """R3.2: the provincial finance and culture departments decide independently and in any
    order; any return sends the plan back to the unit; when both have approved it waits for the
    office, whose approval files it."""
    if Outcome.RETURNED in decisions.values():
        return PlanStatus.RETURNED
    if decisions.get(Stage.OFFICE) == Outcome.APPROVED:
        return PlanStatus.FILED
    if all(decisions.get(stage) == Outcome.APPROVED for stage in PROVINCIAL_STAGES):
        return PlanStatus.AWAITING_FILING
    return PlanStatus.IN_REVIEW


def may_decide(*, status: str, stage: str, decided: Iterable[str]) -> bool:
    """Whether a stage may still decide on a version in this status."""
    if stage in decided:
        return False
    if stage == Stage.OFFICE:
        return status == PlanStatus.AWAITING_FILING
    return status == PlanStatus.IN_REVIEW


# --- Budget lines and their totals -------------------------------------------------------------


@dataclass(frozen=True)
class LineAmount:
    source: str
    category: str
    amount: Decimal


@dataclass(frozen=True)
class PlanTotals:
    total: Decimal
    by_source: dict[str, Decimal]
    by_category: dict[str, Decimal]
    # (source, category) -> amount
    by_source_and_category: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def source(self, source: str) -> Decimal:
        return self.by_source.get(source, ZERO)


def plan_totals(lines: Iterable[LineAmount]) -> PlanTotals:
    """Totals of a plan's budget lines per source, per category and per both."""
    by_source: dict[str, Decimal] = {str(s): ZERO for s in Source}
    by_category: dict[str, Decimal] = {}
    by_both: dict[tuple[str, str], Decimal] = {}
    total = ZERO
    for line in lines:
        amount = money(line.amount)
        total += amount
        by_source[line.source] = by_source.get(line.source, ZERO) + amount
        by_category[line.category] = by_category.get(line.category, ZERO) + amount
        key = (line.source, line.category)
        by_both[key] = by_both.get(key, ZERO) + amount
    return PlanTotals(total, by_source, by_category, by_both)


class PlanWarning(StrEnum):
    # R3.1: central money must not replace the local creation funds (不得充抵地方创建资金).
    LOCAL_BELOW_COMMITTED = "local_below_committed"
    CENTRAL_ABOVE_ALLOCATED = "central_above_allocated"


def plan_warnings(
    *,
    local_total: Decimal,
    committed_local: Decimal,
    central_total: Decimal,
    central_allocated: Decimal,
) -> list[PlanWarning]:
    """Warnings (not refusals) on a plan: its local lines add up to less than the local funds the
    unit has committed (R3.1), or its central lines to more than the central subsidy allocated."""
    warnings = []
    if money(local_total) < money(committed_local):
        warnings.append(PlanWarning.LOCAL_BELOW_COMMITTED)
    if money(central_total) > money(central_allocated):
        warnings.append(PlanWarning.CENTRAL_ABOVE_ALLOCATED)
    return warnings


# --- Spending (专款专用) -------------------------------------------------------------------------


class Refusal(StrEnum):
    NOT_POSITIVE = "not_positive"
    NOT_FILED = "not_filed"
    CATEGORY_NOT_ALLOWED = "category_not_allowed"
    EXCEEDS_REMAINDER = "exceeds_remainder"


def remainder(*, budget: Decimal, spent: Decimal) -> Decimal:
    return money(budget) - money(spent)


def spending_refusal(
    *,
    amount: Decimal,
    plan_filed: bool,
    source: str,
    central_allowed: bool,
    budget: Decimal,
    spent: Decimal,
) -> Refusal | None:
    """R3.2 ring-fencing: money is spent only on a line of a filed plan, central money only in an
    R3.1 category, and never more than what is left on the line. None: the spending may go."""
    if money(amount) <= ZERO:
        return Refusal.NOT_POSITIVE
    if not plan_filed:
        return Refusal.NOT_FILED
    if source == Source.CENTRAL and not central_allowed:
        return Refusal.CATEGORY_NOT_ALLOWED
    if money(amount) > remainder(budget=budget, spent=spent):
        return Refusal.EXCEEDS_REMAINDER
    return None


class DateRefusal(StrEnum):
    IN_THE_FUTURE = "in_the_future"
    OUTSIDE_CYCLE = "outside_cycle"
    BEFORE_FILING = "before_filing"


def spending_date_refusal(
    *,
    spent_on: date,
    cycle_start: date,
    cycle_end: date,
    filed_on: date | None,
    today: date | None = None,
) -> DateRefusal | None:
    """C6 (R3.2): spending is dated inside the unit's creation cycle and on or after the day its
    plan version was filed (and, when `today` is given, not in the future). None: the date may
    go. A line of a version that is not filed (`filed_on` None) is refused by spending_refusal."""
    if today is not None and spent_on > today:
        return DateRefusal.IN_THE_FUTURE
    if not cycle_start <= spent_on <= cycle_end:
        return DateRefusal.OUTSIDE_CYCLE
    if filed_on is not None and spent_on < filed_on:
        return DateRefusal.BEFORE_FILING
    return None


def execution_rate(*, spent: Decimal, budget: Decimal) -> Decimal | None:
    """Spent as a percentage of the budget, to one decimal (None without a budget)."""
    if money(budget) <= ZERO:
        return None
    return (money(spent) * 100 / money(budget)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- The half-yearly fund report (R3.3) ----------------------------------------------------------


@dataclass(frozen=True)
class LineSpending:
    """One budget line over a half year: spent before it began and during it."""

    line_id: int
    plan: str
    source: str
    category: str
    purpose: str
    budget: Decimal
    spent_before: Decimal
    spent_in_period: Decimal


@dataclass(frozen=True)
class SpendingRow:
    key: str
    label: str
    budget: Decimal
    spent_in_period: Decimal
    spent_to_date: Decimal

    @property
    def remaining(self) -> Decimal:
        return remainder(budget=self.budget, spent=self.spent_to_date)

    @property
    def rate(self) -> Decimal | None:
        return execution_rate(spent=self.spent_to_date, budget=self.budget)


def _row(key: str, label: str, lines: list[LineSpending]) -> SpendingRow:
    budget = sum((money(line.budget) for line in lines), ZERO)
    during = sum((money(line.spent_in_period) for line in lines), ZERO)
    before = sum((money(line.spent_before) for line in lines), ZERO)
    return SpendingRow(key, label, budget, during, before + during)


def spending_summary(
    lines: list[LineSpending], *, source_labels: dict[str, str]
) -> dict[str, list[SpendingRow] | SpendingRow]:
    """R3.3: the half year's spending by line, by source and by category, with execution rates
    to date (spent by the end of the half year over the budget) and the overall total."""
    by_source: dict[str, list[LineSpending]] = {}
    by_category: dict[str, list[LineSpending]] = {}
    for line in lines:
        by_source.setdefault(line.source, []).append(line)
        by_category.setdefault(line.category, []).append(line)
    return {
        "lines": [
            _row(str(line.line_id), f"{line.plan} · {line.purpose}", [line]) for line in lines
        ],
        "sources": [
            _row(source, source_labels.get(source, source), by_source[source])
            for source in (str(s) for s in Source)
            if source in by_source
        ],
        "categories": [_row(name, name, by_category[name]) for name in sorted(by_category)],
        "total": _row("total", "", lines),
    }
