"""Pure rules of the mid-term review (§8) and the acceptance evaluation (R6.5, R6.6)."""

from decimal import Decimal

from scoring.rules import (
    AcceptanceNumbers,
    AcceptanceResult,
    IndicatorPart,
    MidtermGrade,
    completion_percent,
    evaluate,
    grade_points,
    indicator_score,
    midterm_grade,
    publicity_score,
)

D = Decimal
NUMBERS = AcceptanceNumbers()


def test_R6_5_publicity_share_scaled_against_the_best_unit_of_the_batch():
    assert publicity_score(share=D(10), points=200, best_points=200) == D("10.00")
    assert publicity_score(share=D(10), points=150, best_points=200) == D("7.50")
    assert publicity_score(share=D(10), points=0, best_points=200) == D("0.00")


def test_R6_5_publicity_share_is_zero_when_the_best_unit_has_no_points():
    assert publicity_score(share=D(10), points=0, best_points=0) == D("0.00")


def test_R6_5_publicity_share_is_a_setting():
    assert publicity_score(share=D(20), points=150, best_points=200) == D("15.00")


def test_R6_5_indicator_score_is_weight_times_capped_completion():
    assert indicator_score(weight=D(30), value=D("0.45"), threshold=D("0.6")) == D("22.50")
    assert indicator_score(weight=D(30), value=D("0.9"), threshold=D("0.6")) == D("30.00")
    assert indicator_score(weight=D(5), value=D(0), threshold=D(0)) == D("5.00")


def _parts():
    # 30 × 0.45/0.6 = 22.5; 20 × 1 = 20; 40 × 300/500 = 24 → 66.5
    return (
        IndicatorPart("1.1", "人均藏书", D(30), D("0.6"), D("0.45")),
        IndicatorPart("1.2", "人均年新增藏书", D(20), D("0.04"), D("0.05")),
        IndicatorPart("2.1", "乡镇综合文化站面积", D(40), D(500), D(300)),
    )


def test_R6_5_total_is_indicator_scores_plus_publicity_share():
    result = evaluate(
        indicators=_parts(), publicity_points=150, best_points=200, failed_items=(), numbers=NUMBERS
    )
    assert result.indicator_total == D("66.50")
    assert result.publicity == D("7.50")
    assert result.total == D("74.00")
    assert result.result == AcceptanceResult.PASSED


def test_R6_5_vetoed_whatever_the_score():
    result = evaluate(
        indicators=_parts(),
        publicity_points=200,
        best_points=200,
        failed_items=("liaison",),
        numbers=NUMBERS,
    )
    assert result.total == D("76.50")
    assert result.result == AcceptanceResult.VETOED


def test_R6_5_failed_below_the_pass_mark():
    result = evaluate(
        indicators=_parts(),
        publicity_points=150,
        best_points=200,
        failed_items=(),
        numbers=AcceptanceNumbers(pass_mark=D(75)),
    )
    assert result.total == D("74.00")
    assert result.result == AcceptanceResult.FAILED


def test_midterm_completion_ratio_is_value_over_threshold_in_per_cent():
    assert completion_percent(value=D("0.48"), threshold=D("0.6")) == D("80.0")
    assert completion_percent(value=D(350), threshold=D(500)) == D("70.0")
    assert completion_percent(value=D(1), threshold=D(0)) == D("100.0")


def test_midterm_grade_by_the_cut_offs_of_the_settings():
    assert midterm_grade(completion=D("80.0"), numbers=NUMBERS) == MidtermGrade.EXCELLENT
    assert midterm_grade(completion=D("79.9"), numbers=NUMBERS) == MidtermGrade.QUALIFIED
    assert midterm_grade(completion=D("60.0"), numbers=NUMBERS) == MidtermGrade.QUALIFIED
    assert midterm_grade(completion=D("59.9"), numbers=NUMBERS) == MidtermGrade.UNQUALIFIED
    strict = AcceptanceNumbers(excellent_from=D(95), qualified_from=D(75))
    assert midterm_grade(completion=D("90.0"), numbers=strict) == MidtermGrade.QUALIFIED
    assert midterm_grade(completion=D("70.0"), numbers=strict) == MidtermGrade.UNQUALIFIED


def test_midterm_composite_is_weight_times_grade_factor():
    assert grade_points(weight=D(30), grade=MidtermGrade.EXCELLENT, numbers=NUMBERS) == D("30.00")
    assert grade_points(weight=D(30), grade=MidtermGrade.QUALIFIED, numbers=NUMBERS) == D("18.00")
    assert grade_points(weight=D(30), grade=MidtermGrade.UNQUALIFIED, numbers=NUMBERS) == D("0.00")
