from decimal import Decimal

import pytest

from funds.rules import (
    LineAmount,
    LineSpending,
    Outcome,
    PlanStatus,
    PlanWarning,
    Refusal,
    Source,
    Stage,
    execution_rate,
    may_decide,
    money,
    plan_totals,
    plan_warnings,
    spending_refusal,
    spending_summary,
    status_after_decisions,
)

D = Decimal
APPROVED, RETURNED = Outcome.APPROVED, Outcome.RETURNED


def test_money_rounds_to_the_fen_and_treats_an_empty_sum_as_zero():
    assert money(None) == D("0.00")
    assert money("12.345") == D("12.35")
    assert money(7) == D("7.00")
    assert str(money(D("0.1") + D("0.2"))) == "0.30"


@pytest.mark.parametrize(
    ("decisions", "status"),
    [
        ({}, PlanStatus.IN_REVIEW),
        ({Stage.FINANCE: APPROVED}, PlanStatus.IN_REVIEW),
        ({Stage.CULTURE: APPROVED}, PlanStatus.IN_REVIEW),
        ({Stage.FINANCE: APPROVED, Stage.CULTURE: APPROVED}, PlanStatus.AWAITING_FILING),
        ({Stage.CULTURE: APPROVED, Stage.FINANCE: APPROVED}, PlanStatus.AWAITING_FILING),
        ({Stage.FINANCE: RETURNED}, PlanStatus.RETURNED),
        ({Stage.FINANCE: APPROVED, Stage.CULTURE: RETURNED}, PlanStatus.RETURNED),
        (
            {Stage.FINANCE: APPROVED, Stage.CULTURE: APPROVED, Stage.OFFICE: APPROVED},
            PlanStatus.FILED,
        ),
        (
            {Stage.FINANCE: APPROVED, Stage.CULTURE: APPROVED, Stage.OFFICE: RETURNED},
            PlanStatus.RETURNED,
        ),
    ],
)
def test_R3_2_status_follows_both_provincial_decisions_then_the_office(decisions, status):
    assert status_after_decisions(decisions) == status


def test_R3_2_the_office_files_only_after_both_provincial_approvals():
    assert not may_decide(status=PlanStatus.IN_REVIEW, stage=Stage.OFFICE, decided=set())
    assert may_decide(status=PlanStatus.AWAITING_FILING, stage=Stage.OFFICE, decided=set())
    assert not may_decide(
        status=PlanStatus.AWAITING_FILING, stage=Stage.FINANCE, decided={Stage.FINANCE}
    )


def test_R3_2_each_department_decides_once_and_only_while_in_review():
    assert may_decide(status=PlanStatus.IN_REVIEW, stage=Stage.CULTURE, decided={Stage.FINANCE})
    assert not may_decide(status=PlanStatus.IN_REVIEW, stage=Stage.FINANCE, decided={Stage.FINANCE})
    for status in (PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.FILED):
        assert not may_decide(status=status, stage=Stage.CULTURE, decided=set())


def test_R3_2_plan_totals_per_source_category_and_both():
    totals = plan_totals(
        [
            LineAmount(Source.CENTRAL, "活动", D("100.10")),
            LineAmount(Source.CENTRAL, "培训", D("50.00")),
            LineAmount(Source.LOCAL, "活动", D("30.05")),
        ]
    )
    assert totals.total == D("180.15")
    assert totals.source(Source.CENTRAL) == D("150.10")
    assert totals.source(Source.LOCAL) == D("30.05")
    assert totals.by_category == {"活动": D("130.15"), "培训": D("50.00")}
    assert totals.by_source_and_category[(Source.LOCAL, "活动")] == D("30.05")


def test_R3_1_warns_when_the_plans_local_total_is_below_the_committed_local_funds():
    warnings = plan_warnings(
        local_total=D("99999.99"),
        committed_local=D("100000.00"),
        central_total=D("10.00"),
        central_allocated=D("10.00"),
    )
    assert warnings == [PlanWarning.LOCAL_BELOW_COMMITTED]
    assert (
        plan_warnings(
            local_total=D("100000.00"),
            committed_local=D("100000.00"),
            central_total=D("0"),
            central_allocated=D("0"),
        )
        == []
    )


def test_R3_1_warns_when_central_lines_exceed_the_central_allocations():
    assert plan_warnings(
        local_total=D("0"),
        committed_local=D("0"),
        central_total=D("10.01"),
        central_allocated=D("10.00"),
    ) == [PlanWarning.CENTRAL_ABOVE_ALLOCATED]


def _refusal(**overrides):
    values = {
        "amount": D("10.00"),
        "plan_filed": True,
        "source": Source.CENTRAL,
        "central_allowed": True,
        "budget": D("100.00"),
        "spent": D("90.00"),
    }
    return spending_refusal(**{**values, **overrides})


def test_R3_2_spending_up_to_exactly_the_remainder_is_allowed():
    assert _refusal() is None
    assert _refusal(amount=D("10.01")) == Refusal.EXCEEDS_REMAINDER


def test_R3_2_spending_outside_a_filed_plan_is_refused():
    assert _refusal(plan_filed=False) == Refusal.NOT_FILED


def test_R3_1_central_spending_in_a_category_not_allowed_is_refused_local_is_not():
    assert _refusal(central_allowed=False) == Refusal.CATEGORY_NOT_ALLOWED
    assert _refusal(central_allowed=False, source=Source.LOCAL) is None


@pytest.mark.parametrize("amount", [D("0"), D("-5.00"), D("0.001")])
def test_R3_2_spending_nothing_or_less_is_refused(amount):
    assert _refusal(amount=amount) == Refusal.NOT_POSITIVE


def test_execution_rate_is_a_percentage_with_one_decimal():
    assert execution_rate(spent=D("1"), budget=D("3")) == D("33.3")
    assert execution_rate(spent=D("2"), budget=D("3")) == D("66.7")
    assert execution_rate(spent=D("0"), budget=D("0")) is None


def test_R3_3_summary_adds_the_half_year_to_what_was_spent_before():
    lines = [
        LineSpending(1, "方案", Source.CENTRAL, "活动", "汇演", D("100"), D("10"), D("20")),
        LineSpending(2, "方案", Source.LOCAL, "活动", "场地", D("50"), D("0"), D("25.50")),
        LineSpending(3, "方案", Source.CENTRAL, "培训", "培训班", D("40"), D("0"), D("0")),
    ]
    summary = spending_summary(lines, source_labels={"central": "中央", "local": "地方"})
    total = summary["total"]
    assert (total.budget, total.spent_in_period, total.spent_to_date) == (
        D("190.00"),
        D("45.50"),
        D("55.50"),
    )
    assert total.remaining == D("134.50")
    assert total.rate == D("29.2")
    central, local = summary["sources"]
    assert (central.label, central.spent_in_period, central.spent_to_date) == (
        "中央",
        D("20.00"),
        D("30.00"),
    )
    assert (local.label, local.rate) == ("地方", D("51.0"))
    assert {row.key: row.budget for row in summary["categories"]} == {
        "活动": D("150.00"),
        "培训": D("40.00"),
    }
    assert [row.spent_in_period for row in summary["lines"]] == [
        D("20.00"),
        D("25.50"),
        D("0.00"),
    ]
