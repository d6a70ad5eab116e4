"""R6.6: each basic requirement can trip the one-vote veto; overrides are written and audited."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from creation.models import GroupMember, GroupOffice, Liaison
from creation.tests.factories import (
    CreationUnitFactory,
    LiaisonFactory,
    RoleAssignmentFactory,
)
from funds.tests.factories import BudgetLineFactory, ExpenditureFactory, FundPlanVersionFactory
from scoring.models import AcceptanceSettings, VetoOverride
from scoring.rules import GaugeStatus
from scoring.selectors import veto_gauge, veto_gauges
from scoring.services import veto_override_create
from scoring.tests.factories import compliant_unit, obligation

pytestmark = pytest.mark.django_db
TODAY = date(2026, 9, 1)


def _status(unit, item):
    gauge = veto_gauge(unit=unit, today=TODAY)
    return {line.item.value: line.status for line in gauge.lines}[item], gauge


def _office_user(unit):
    return RoleAssignmentFactory(role="office_reviewer", programme=unit.batch.programme).user


def test_R6_6_compliant_unit_is_not_vetoed():
    unit = compliant_unit()
    gauge = veto_gauge(unit=unit, today=TODAY)
    assert [line.status for line in gauge.lines] == [GaugeStatus.OK] * 8
    assert gauge.status == GaugeStatus.OK
    assert not gauge.vetoed


def test_R6_6_no_leadership_group_vetoes():
    unit = compliant_unit()
    unit.leadership_group.delete()
    status, gauge = _status(unit, "leadership_group")
    assert status == GaugeStatus.FAILED
    assert gauge.vetoed


def test_R6_6_incomplete_leadership_group_vetoes():
    unit = compliant_unit()
    # a required department leaves the group
    unit.leadership_group.members.exclude(department=None).first().delete()
    status, gauge = _status(unit, "leadership_group")
    assert status == GaugeStatus.FAILED
    assert gauge.vetoed


def test_R6_6_member_without_duty_is_at_risk_only():
    unit = compliant_unit()
    GroupMember.objects.filter(group__unit=unit).update(duty="")
    status, gauge = _status(unit, "leadership_group")
    assert status == GaugeStatus.AT_RISK
    assert gauge.status == GaugeStatus.AT_RISK


def test_R6_6_zone_without_office_vetoes():
    unit = compliant_unit()
    GroupOffice.objects.filter(unit=unit).delete()
    status, gauge = _status(unit, "group_office")
    assert status == GaugeStatus.FAILED
    assert gauge.vetoed


def test_R6_6_project_has_no_office_requirement():
    unit = compliant_unit(kind="project", host_organisation="区文化馆")
    GroupOffice.objects.filter(unit=unit).delete()
    gauge = veto_gauge(unit=unit, today=TODAY)
    assert "group_office" not in {line.item.value for line in gauge.lines}
    assert gauge.status == GaugeStatus.OK


def test_R6_6_liaison_gap_longer_than_grace_vetoes():
    unit = compliant_unit()
    Liaison.objects.filter(unit=unit).update(ended_on=date(2026, 3, 31))
    LiaisonFactory(unit=unit, started_on=date(2026, 5, 11))  # 40 days without one
    status, gauge = _status(unit, "liaison")
    assert status == GaugeStatus.FAILED
    assert "2026-04-01–2026-05-10" in gauge.lines[2].computed.evidence
    assert gauge.vetoed


def test_R6_6_short_handover_gap_is_tolerated_when_the_office_sets_a_tolerance():
    # C5: only a tolerance set by the office lets a gap pass (the default is none).
    unit = compliant_unit()
    AcceptanceSettings.objects.create(programme=unit.batch.programme, liaison_grace_days=30)
    Liaison.objects.filter(unit=unit).update(ended_on=date(2026, 3, 31))
    LiaisonFactory(unit=unit, started_on=date(2026, 4, 21))  # 20 days
    status, _ = _status(unit, "liaison")
    assert status == GaugeStatus.OK


def test_R6_6_no_liaison_now_within_grace_is_at_risk():
    unit = compliant_unit()
    AcceptanceSettings.objects.create(programme=unit.batch.programme, liaison_grace_days=30)
    Liaison.objects.filter(unit=unit).update(ended_on=TODAY - timedelta(days=10))
    status, gauge = _status(unit, "liaison")
    assert status == GaugeStatus.AT_RISK
    assert not gauge.vetoed


def test_R6_6_no_filed_plan_vetoes():
    unit = compliant_unit()
    unit.fund_plans.all().delete()
    status, gauge = _status(unit, "fund_plan_filed")
    assert status == GaugeStatus.FAILED
    assert gauge.vetoed


def test_R6_6_unfiled_plan_within_filing_days_is_at_risk():
    unit = compliant_unit()
    unit.fund_plans.all().delete()
    AcceptanceSettings.objects.create(programme=unit.batch.programme, plan_filing_days=365)
    status, _ = _status(unit, "fund_plan_filed")
    assert status == GaugeStatus.AT_RISK


def test_R6_6_spending_outside_the_plan_vetoes():
    unit = compliant_unit()
    # spending booked on a line of a plan version that was never filed
    line = BudgetLineFactory(version=FundPlanVersionFactory(plan__unit=unit))
    ExpenditureFactory(line=line, amount=Decimal("500.00"))
    status, gauge = _status(unit, "no_spending_outside_plan")
    assert status == GaugeStatus.FAILED
    assert gauge.vetoed


def test_R6_6_missing_fund_report_vetoes():
    unit = compliant_unit()
    obligation(unit, "fund_report", date(2026, 1, 15), submitted=False, label="2025H2")
    status, gauge = _status(unit, "fund_reports")
    assert status == GaugeStatus.FAILED
    assert "2025H2" in str(gauge.lines[5].computed.message)
    assert gauge.vetoed


def test_R6_6_fund_report_due_soon_is_at_risk():
    unit = compliant_unit()
    obligation(unit, "fund_report", TODAY + timedelta(days=5), submitted=False)
    status, gauge = _status(unit, "fund_reports")
    assert status == GaugeStatus.AT_RISK
    assert not gauge.vetoed


def test_R6_6_missing_self_inspection_vetoes():
    unit = compliant_unit()
    obligation(unit, "self_inspection", date(2026, 1, 15), submitted=False, label="2025H2")
    status, gauge = _status(unit, "self_inspections")
    assert status == GaugeStatus.FAILED
    assert gauge.vetoed


def test_R6_6_r5_2_missed_in_one_period_is_not_vetoed():
    unit = compliant_unit()
    obligation(unit, "work_update", date(2026, 2, 5), submitted=False)
    obligation(unit, "in_depth_report", date(2026, 4, 10), submitted=False)  # same half year
    obligation(unit, "work_update", date(2026, 8, 5), submitted=True)
    status, gauge = _status(unit, "r5_2_submissions")
    assert status == GaugeStatus.AT_RISK
    assert not gauge.vetoed


def test_R6_6_r5_2_missed_in_two_periods_vetoes():
    unit = compliant_unit()
    obligation(unit, "work_update", date(2026, 2, 5), submitted=False)
    obligation(unit, "work_update", date(2026, 8, 5), submitted=False)
    status, gauge = _status(unit, "r5_2_submissions")
    assert status == GaugeStatus.FAILED
    assert "2026H1、2026H2" in gauge.lines[7].computed.evidence
    assert gauge.vetoed


def test_R6_6_r5_2_missed_by_a_project_cannot_veto():
    unit = compliant_unit(kind="project", host_organisation="区文化馆")
    obligation(unit, "work_update", date(2026, 2, 5), submitted=False)
    obligation(unit, "work_update", date(2026, 8, 5), submitted=False)
    status, gauge = _status(unit, "r5_2_submissions")
    assert status == GaugeStatus.AT_RISK
    assert not gauge.vetoed


def test_R6_6_override_with_reason_changes_the_outcome_and_is_audited():
    unit = compliant_unit()
    unit.fund_plans.all().delete()
    office = _office_user(unit)
    assert veto_gauge(unit=unit, today=TODAY).vetoed
    override = veto_override_create(
        user=office,
        unit=unit,
        item="fund_plan_filed",
        decision="ok",
        reason="方案已于省级联审通过，备案手续因系统迁移延后，已书面说明。",
    )
    gauge = veto_gauge(unit=unit, today=TODAY)
    assert not gauge.vetoed
    line = next(line for line in gauge.lines if line.item == "fund_plan_filed")
    assert line.computed.status == GaugeStatus.FAILED
    assert line.status == GaugeStatus.OK
    assert line.override.reason.startswith("方案已于")
    stored = VetoOverride.objects.get(pk=override.pk)
    assert (stored.decided_by, stored.decision, stored.item) == (office, "ok", "fund_plan_filed")


def test_R6_6_revoking_an_override_adds_a_row_and_restores_the_computed_status():
    unit = compliant_unit()
    unit.fund_plans.all().delete()
    office = _office_user(unit)
    veto_override_create(
        user=office, unit=unit, item="fund_plan_filed", decision="ok", reason="说明"
    )
    veto_override_create(
        user=office, unit=unit, item="fund_plan_filed", decision="revoke", reason="说明不成立"
    )
    assert veto_gauge(unit=unit, today=TODAY).vetoed
    assert VetoOverride.objects.filter(unit=unit).count() == 2


def test_R6_6_override_without_reason_is_refused():
    unit = compliant_unit()
    office = _office_user(unit)
    with pytest.raises(ValidationError) as error:
        veto_override_create(user=office, unit=unit, item="liaison", decision="ok", reason="  ")
    assert "reason" in error.value.message_dict
    assert not VetoOverride.objects.exists()


def test_R6_6_unit_staff_cannot_override():
    unit = compliant_unit()
    staff = RoleAssignmentFactory(role="unit_staff", unit=unit).user
    with pytest.raises(PermissionDenied):
        veto_override_create(user=staff, unit=unit, item="liaison", decision="ok", reason="理由")
    assert not VetoOverride.objects.exists()


def test_R6_6_gauges_of_many_units_take_a_fixed_number_of_queries(django_assert_num_queries):
    first = compliant_unit()
    units = [first]
    with django_assert_num_queries(10):
        veto_gauges(units, today=TODAY)
    units += [compliant_unit(batch=first.batch) for _ in range(19)]
    units += [CreationUnitFactory(batch=first.batch, kind="project", host_organisation="区图书馆")]
    with django_assert_num_queries(10):
        gauges = veto_gauges(units, today=TODAY)
    assert len(gauges) == 21


def test_C5_R2_1_no_gap_is_tolerated_by_default():
    unit = compliant_unit()
    Liaison.objects.filter(unit=unit).update(ended_on=date(2026, 3, 31))
    LiaisonFactory(unit=unit, started_on=date(2026, 4, 2))  # one day without a liaison
    status, gauge = _status(unit, "liaison")
    assert status == GaugeStatus.FAILED
    line = next(line for line in gauge.lines if line.item.value == "liaison")
    assert line.computed.evidence == "2026-04-01–2026-04-01"
    assert gauge.vetoed
    assert AcceptanceSettings(programme=unit.batch.programme).liaison_grace_days == 0


def test_C5_R2_1_office_sets_a_tolerance():
    unit = compliant_unit()
    Liaison.objects.filter(unit=unit).update(ended_on=date(2026, 3, 31))
    LiaisonFactory(unit=unit, started_on=date(2026, 4, 11))  # ten days without a liaison
    assert _status(unit, "liaison")[0] == GaugeStatus.FAILED
    settings = AcceptanceSettings.objects.create(
        programme=unit.batch.programme, liaison_grace_days=10
    )
    status, gauge = _status(unit, "liaison")
    assert status == GaugeStatus.OK
    line = next(line for line in gauge.lines if line.item.value == "liaison")
    assert line.computed.evidence == "2026-04-01–2026-04-10"  # the tolerated gap stays visible
    settings.liaison_grace_days = 9
    settings.save()
    assert _status(unit, "liaison")[0] == GaugeStatus.FAILED


def test_C5_R2_1_vacancy_within_the_tolerance_is_at_risk_then_fails():
    unit = compliant_unit()
    AcceptanceSettings.objects.create(programme=unit.batch.programme, liaison_grace_days=5)
    Liaison.objects.filter(unit=unit).update(ended_on=TODAY - timedelta(days=3))
    status, gauge = _status(unit, "liaison")
    line = next(line for line in gauge.lines if line.item.value == "liaison")
    assert status == GaugeStatus.AT_RISK
    assert line.computed.evidence == (TODAY - timedelta(days=2)).isoformat()
    assert (TODAY + timedelta(days=3)).isoformat() in str(line.computed.message)
    later = veto_gauge(unit=unit, today=TODAY + timedelta(days=3))
    assert [line.status for line in later.lines if line.item.value == "liaison"] == [
        GaugeStatus.FAILED
    ]


def _filed_line(unit):
    # C6: the unit's plan filed on 2026-02-01 (its cycle runs from 2026-01-01)
    version = FundPlanVersionFactory(
        plan__unit=unit,
        plan__title="C6方案",
        status="filed",
        closed_at=datetime(2026, 2, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    return BudgetLineFactory(version=version)


@pytest.mark.parametrize(
    "spent_on",
    [date(2020, 1, 1), date(2025, 12, 31), date(2026, 1, 31), date(2028, 1, 1)],
)
def test_C6_R3_2_spending_before_the_filing_or_outside_the_cycle_vetoes(spent_on):
    unit = compliant_unit()
    ExpenditureFactory(line=_filed_line(unit), spent_on=spent_on, amount=Decimal("500.00"))
    status, gauge = _status(unit, "no_spending_outside_plan")
    assert status == GaugeStatus.FAILED, spent_on
    assert gauge.vetoed


def test_C6_R3_2_spending_from_the_filing_day_to_the_cycle_end_is_within_the_plan():
    unit = compliant_unit()
    line = _filed_line(unit)
    for day in (date(2026, 2, 1), date(2027, 12, 31)):
        ExpenditureFactory(line=line, spent_on=day, amount=Decimal("10.00"))
    status, _ = _status(unit, "no_spending_outside_plan")
    assert status == GaugeStatus.OK


def test_C6_R3_2_a_reversed_entry_no_longer_vetoes():
    from funds.services import expenditure_reverse  # here, so the module loads without C6

    unit = compliant_unit()
    wrong = ExpenditureFactory(
        line=_filed_line(unit), spent_on=date(2020, 1, 1), amount=Decimal("500.00")
    )
    assert _status(unit, "no_spending_outside_plan")[0] == GaugeStatus.FAILED
    staff = RoleAssignmentFactory(role="unit_staff", unit=unit).user
    expenditure_reverse(user=staff, expenditure=wrong, reason="日期录错，冲销。")
    status, gauge = _status(unit, "no_spending_outside_plan")
    assert status == GaugeStatus.OK
    assert not gauge.vetoed
