"""Mid-term review (§8), acceptance evaluation (R6.5, R6.6) and the unit's status decision."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from creation.models import CreationUnit
from creation.tests.factories import CreationUnitFactory, RoleAssignmentFactory
from places.models import Facility
from places.tests.factories import FacilityFactory
from scoring.models import (
    AcceptanceEvaluation,
    AcceptanceSettings,
    IndicatorReview,
    UnitStatusDecision,
)
from scoring.services import (
    acceptance_evaluate,
    indicator_review_record,
    unit_status_decide,
    veto_override_create,
)
from scoring.tests.factories import CreationStandardFactory, IndicatorFactory, compliant_unit

pytestmark = pytest.mark.django_db
TODAY = date(2026, 9, 1)
D = Decimal


def _setup(unit):
    standard = CreationStandardFactory(
        batch=unit.batch, economic_belt=unit.region.province_region.economic_belt
    )
    books = IndicatorFactory(standard=standard, code="1.1", threshold=D("0.6"), weight=D(30))
    new_books = IndicatorFactory(standard=standard, code="1.2", threshold=D("0.04"), weight=D(20))
    station = IndicatorFactory(
        standard=standard,
        code="2.1",
        threshold=D(500),
        weight=D(40),
        source="computed",
        computation="smallest_station_area",
    )
    office = RoleAssignmentFactory(role="office_reviewer", programme=unit.batch.programme).user
    return books, new_books, station, office


def test_midterm_review_grades_each_indicator_by_the_settings_cut_offs():
    unit = compliant_unit()
    books, new_books, _station, office = _setup(unit)
    FacilityFactory(unit=unit, kind=Facility.Kind.STATION, floor_area=D(300))
    review = indicator_review_record(
        user=office,
        unit=unit,
        stage="midterm",
        reviewed_on=date(2027, 1, 10),
        values={books.pk: "0.48", new_books.pk: "0.03"},
    )
    values = {v.indicator.code: v for v in review.values.select_related("indicator")}
    # 0.48/0.6 = 80% → 优秀; 0.03/0.04 = 75% → 合格; computed 300/500 = 60% → 合格
    assert (values["1.1"].completion, values["1.1"].grade) == (D("80.0"), "excellent")
    assert (values["1.2"].completion, values["1.2"].grade) == (D("75.0"), "qualified")
    assert (values["2.1"].value, values["2.1"].computed) == (D(300), True)
    assert values["2.1"].grade == "qualified"
    # 30 × 1 + 20 × 0.6 + 40 × 0.6 = 66
    assert review.composite_score == D("66.00")


def test_midterm_review_cut_offs_come_from_the_programme_settings():
    unit = compliant_unit()
    books, new_books, station, office = _setup(unit)
    AcceptanceSettings.objects.create(
        programme=unit.batch.programme, excellent_from=D(90), qualified_from=D(78)
    )
    review = indicator_review_record(
        user=office,
        unit=unit,
        stage="midterm",
        reviewed_on=date(2027, 1, 10),
        values={books.pk: "0.48", new_books.pk: "0.03", station.pk: "500"},
    )
    grades = {v.indicator.code: v.grade for v in review.values.select_related("indicator")}
    assert grades == {"1.1": "qualified", "1.2": "unqualified", "2.1": "excellent"}
    assert review.composite_score == D("58.00")  # 18 + 0 + 40


def test_midterm_review_needs_every_entered_value():
    unit = compliant_unit()
    books, new_books, _station, office = _setup(unit)
    with pytest.raises(ValidationError) as error:
        indicator_review_record(
            user=office, unit=unit, stage="midterm", reviewed_on=TODAY, values={books.pk: "0.5"}
        )
    assert f"indicator_{new_books.pk}" in error.value.message_dict
    assert not IndicatorReview.objects.exists()


def _final(unit, office, books, new_books, station):
    # 30 × 0.45/0.6 = 22.5; 20 × 1 = 20; 40 × 300/500 = 24 → 66.5
    return indicator_review_record(
        user=office,
        unit=unit,
        stage="final",
        reviewed_on=date(2027, 11, 30),
        values={books.pk: "0.45", new_books.pk: "0.05", station.pk: "300"},
    )


def test_R6_5_acceptance_adds_the_publicity_share_scaled_to_the_best_of_the_batch(monkeypatch):
    unit = compliant_unit()
    best = CreationUnitFactory(batch=unit.batch)
    books, new_books, station, office = _setup(unit)
    _final(unit, office, books, new_books, station)
    monkeypatch.setattr("scoring.selectors._cycle_points", lambda ids: {unit.pk: 150, best.pk: 200})
    evaluation = acceptance_evaluate(user=office, unit=unit, today=TODAY)
    assert evaluation.indicator_score == D("66.50")
    assert (evaluation.publicity_points, evaluation.best_publicity_points) == (150, 200)
    assert evaluation.publicity_score == D("7.50")
    assert evaluation.total == D("74.00")
    assert evaluation.result == "passed"
    assert "150 / 200" in evaluation.explanation or "150" in evaluation.explanation
    assert [p["score"] for p in evaluation.parts["indicators"]] == ["22.50", "20.00", "24.00"]
    unit.refresh_from_db()
    assert unit.status == CreationUnit.Status.CREATING  # only the explicit decision sets it


def test_R6_5_vetoed_whatever_the_score(monkeypatch):
    unit = compliant_unit()
    unit.fund_plans.all().delete()
    books, new_books, station, office = _setup(unit)
    _final(unit, office, books, new_books, station)
    monkeypatch.setattr("scoring.selectors._cycle_points", lambda ids: {unit.pk: 200})
    evaluation = acceptance_evaluate(user=office, unit=unit, today=TODAY)
    assert evaluation.total == D("76.50")
    assert (evaluation.vetoed, evaluation.result) == (True, "vetoed")
    # the office's written override lifts the veto on a new run; the first row stays
    veto_override_create(
        user=office, unit=unit, item="fund_plan_filed", decision="ok", reason="已补办备案。"
    )
    again = acceptance_evaluate(user=office, unit=unit, today=TODAY)
    assert again.result == "passed"
    assert AcceptanceEvaluation.objects.filter(unit=unit).count() == 2


def test_R6_5_failed_below_the_pass_mark(monkeypatch):
    unit = compliant_unit()
    books, new_books, station, office = _setup(unit)
    AcceptanceSettings.objects.create(programme=unit.batch.programme, pass_mark=D(75))
    _final(unit, office, books, new_books, station)
    monkeypatch.setattr(
        "scoring.selectors._cycle_points", lambda ids: {unit.pk: 150, unit.pk + 1000: 200}
    )
    evaluation = acceptance_evaluate(user=office, unit=unit, today=TODAY)
    assert (evaluation.total, evaluation.result) == (D("74.00"), "failed")


def test_acceptance_needs_final_values():
    unit = compliant_unit()
    *_, office = _setup(unit)
    with pytest.raises(ValidationError):
        acceptance_evaluate(user=office, unit=unit, today=TODAY)
    assert not AcceptanceEvaluation.objects.exists()


def test_unit_staff_cannot_run_acceptance_or_record_reviews():
    unit = compliant_unit()
    books, new_books, station, office = _setup(unit)
    _final(unit, office, books, new_books, station)
    staff = RoleAssignmentFactory(role="unit_staff", unit=unit).user
    with pytest.raises(PermissionDenied):
        acceptance_evaluate(user=staff, unit=unit, today=TODAY)
    with pytest.raises(PermissionDenied):
        indicator_review_record(
            user=staff, unit=unit, stage="midterm", reviewed_on=TODAY, values={}
        )
    assert not AcceptanceEvaluation.objects.exists()


def test_unit_status_is_set_explicitly_with_a_reason(monkeypatch):
    unit = compliant_unit()
    books, new_books, station, office = _setup(unit)
    _final(unit, office, books, new_books, station)
    monkeypatch.setattr("scoring.selectors._cycle_points", lambda ids: {unit.pk: 100})
    evaluation = acceptance_evaluate(user=office, unit=unit, today=TODAY)
    with pytest.raises(ValidationError):
        unit_status_decide(user=office, unit=unit, status="accepted", reason="")
    decision = unit_status_decide(
        user=office, unit=unit, status="accepted", reason="验收合格，经评审会议研究同意。"
    )
    unit.refresh_from_db()
    assert unit.status == "accepted"
    assert (decision.previous_status, decision.evaluation) == ("creating", evaluation)
    assert UnitStatusDecision.objects.filter(unit=unit).count() == 1
