"""C6 (R3.2): spending is dated inside the unit's own creation cycle and on or after the day its
plan version was filed, against a line of that filed version; a wrong entry is never edited or
deleted but reversed by a correcting entry (with reason, audited), and every figure counts the
two together."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from creation.models import CreationUnit, RoleAssignment
from creation.rules import Period
from creation.tests.factories import CreationUnitFactory, RoleAssignmentFactory
from funds import services
from funds.models import BudgetLine, Expenditure
from funds.rules import DateRefusal, PlanStatus, spending_date_refusal
from funds.selectors import fund_facts, half_year_report, unit_execution
from funds.tests.factories import (
    BudgetLineFactory,
    ExpenditureFactory,
    FundPlanVersionFactory,
    voucher_pdf,
)

pytestmark = pytest.mark.django_db
D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
Role = RoleAssignment.Role
# The unit's own cycle (C2): 2025-07-01 to 2027-06-30. Its plan was filed on 2025-07-10 (a
# late-evening filing in Beijing time: the filing day is the local one).
START = date(2025, 7, 1)
FILED_AT = datetime(2025, 7, 10, 23, 30, tzinfo=SHANGHAI)
TODAY = date(2027, 8, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def unit():
    return CreationUnitFactory(start_date=START)


@pytest.fixture
def staff(unit):
    return RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=unit).user


@pytest.fixture
def line(unit):
    version = FundPlanVersionFactory(plan__unit=unit, status=PlanStatus.FILED, closed_at=FILED_AT)
    return BudgetLineFactory(version=version, amount=D("10000.00"))


def _spend(user, line, amount="500.00", **extra):
    values = {
        "spent_on": date(2026, 3, 15),
        "amount": D(amount),
        "payee": "长沙市群众艺术馆",
        "description": "社区文艺汇演",
        "voucher": voucher_pdf(),
        "today": TODAY,
    }
    return services.expenditure_record(user=user, line=line, **{**values, **extra})


def _spent(line) -> Decimal:
    return BudgetLine.objects.get(pk=line.pk).spent


# --- The date (rules) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spent_on", "refusal"),
    [
        (date(2020, 1, 1), DateRefusal.OUTSIDE_CYCLE),
        (date(2025, 6, 30), DateRefusal.OUTSIDE_CYCLE),
        (date(2025, 7, 1), DateRefusal.BEFORE_FILING),
        (date(2025, 7, 9), DateRefusal.BEFORE_FILING),
        (date(2025, 7, 10), None),
        (date(2027, 6, 30), None),
        (date(2027, 7, 1), DateRefusal.OUTSIDE_CYCLE),
        (date(2027, 8, 2), DateRefusal.IN_THE_FUTURE),
    ],
)
def test_C6_R3_2_spending_date_inside_the_cycle_and_from_the_filing_day(spent_on, refusal):
    found = spending_date_refusal(
        spent_on=spent_on,
        cycle_start=START,
        cycle_end=date(2027, 6, 30),
        filed_on=date(2025, 7, 10),
        today=TODAY,
    )
    assert found == refusal


# --- Recording (service and model) ---------------------------------------------------------------


def test_C6_R3_2_spending_before_the_plan_was_filed_is_refused(staff, line):
    with pytest.raises(ValidationError) as error:
        _spend(staff, line, spent_on=date(2025, 7, 9))
    message = error.value.message_dict["spent_on"][0]
    assert "C6 (R3.2)" in message
    assert "2025-07-10" in message  # the local filing day, though filed 15:30 UTC
    assert not Expenditure.objects.exists()
    assert _spent(line) == D("0.00")
    # from the filing day itself
    assert _spend(staff, line, spent_on=date(2025, 7, 10)).spent_on == date(2025, 7, 10)
    assert _spent(line) == D("500.00")


def test_C6_R3_2_spending_outside_the_cycle_is_refused(staff, line):
    for day in (date(2020, 1, 1), date(2025, 6, 30), date(2027, 7, 1)):
        with pytest.raises(ValidationError) as error:
            _spend(staff, line, spent_on=day)
        message = error.value.message_dict["spent_on"][0]
        assert "2025-07-01" in message, day
        assert "2027-06-30" in message, day
    assert not Expenditure.objects.exists()
    assert _spend(staff, line, spent_on=date(2027, 6, 30)).amount == D("500.00")
    assert _spent(line) == D("500.00")


def test_C6_R3_2_the_cycle_is_the_units_own_not_its_batchs(staff, line, unit):
    # The batch's default cycle starts 2026-01-01; the unit started half a year earlier (C2).
    assert unit.batch.cycle_start == date(2026, 1, 1)
    assert _spend(staff, line, spent_on=date(2025, 9, 1)).spent_on == date(2025, 9, 1)


def test_C6_R3_2_every_refusal_shows_at_once(staff, line):
    with pytest.raises(ValidationError) as error:
        _spend(staff, line, "10000.01", spent_on=date(2020, 1, 1))
    assert set(error.value.message_dict) == {"amount", "spent_on"}
    assert not Expenditure.objects.exists()


def test_C6_R3_2_the_model_refuses_a_date_outside_the_plan_whichever_way_it_is_saved(line):
    for day in (date(2020, 1, 1), date(2025, 7, 9)):
        expenditure = Expenditure(
            line=line,
            spent_on=day,
            amount=D("1.00"),
            payee="x",
            description="x",
            voucher=voucher_pdf(),
        )
        with pytest.raises(ValidationError) as error:
            expenditure.full_clean()
        assert "spent_on" in error.value.message_dict, day
    draft_line = BudgetLineFactory(version=FundPlanVersionFactory(plan__unit=line.owner_unit))
    unfiled = Expenditure(
        line=draft_line,
        spent_on=date(2026, 1, 1),
        amount=D("1.00"),
        payee="x",
        description="x",
        voucher=voucher_pdf(),
    )
    with pytest.raises(ValidationError) as error:
        unfiled.full_clean()
    assert "line" in error.value.message_dict


# --- Correcting entries ------------------------------------------------------------------------


def test_C6_R3_2_reversal_nets_the_entry_and_is_audited(staff, line, unit):
    kept = _spend(staff, line, "300.00", spent_on=date(2026, 2, 1))
    wrong = _spend(staff, line, "500.00", spent_on=date(2026, 3, 15))
    assert _spent(line) == D("800.00")

    reversal = services.expenditure_reverse(
        user=staff, expenditure=wrong, reason="金额录入错误，应为50元。"
    )

    assert reversal.reverses == wrong
    assert reversal.amount == D("-500.00")
    assert (reversal.line_id, reversal.spent_on) == (wrong.line_id, wrong.spent_on)
    assert reversal.reason == "金额录入错误，应为50元。"
    assert reversal.recorded_by == staff
    assert reversal.recorded_at is not None
    wrong.refresh_from_db()
    assert wrong.amount == D("500.00")  # the wrong entry stays as it was
    assert wrong.reversal == reversal
    # the line's spent figure, the execution and the half-year report count the corrected sums
    assert _spent(line) == D("300.00")
    execution = unit_execution(CreationUnit.objects.filter(pk=unit.pk)).get()
    assert execution.spent == D("300.00")
    report = half_year_report(unit=unit, period=Period(2026, 1, 6))
    assert report.total.spent_in_period == D("300.00")
    assert [e.pk for e in report.expenditures] == [kept.pk]
    # audited: the correcting entry's creation, with its reason and link
    entry = LogEntry.objects.get_for_object(reversal).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["reason"][1] == "金额录入错误，应为50元。"
    assert str(entry.changes_dict["reverses"][1]) == str(wrong.pk)


def test_C6_R3_2_an_entry_is_reversed_once_and_a_correcting_entry_not_at_all(staff, line):
    wrong = _spend(staff, line)
    reversal = services.expenditure_reverse(user=staff, expenditure=wrong, reason="重复录入")
    with pytest.raises(ValidationError) as error:
        services.expenditure_reverse(user=staff, expenditure=wrong, reason="再次冲销")
    assert "already been reversed" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.expenditure_reverse(user=staff, expenditure=reversal, reason="冲销冲销")
    assert "correcting entry" in error.value.messages[0]
    assert Expenditure.objects.count() == 2
    assert _spent(line) == D("0.00")
    # the database holds one correcting entry per entry, whatever the path
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.bulk_create(
            [
                Expenditure(
                    line=line,
                    reverses=wrong,
                    spent_on=wrong.spent_on,
                    amount=-wrong.amount,
                    payee="x",
                    description="x",
                    reason="x",
                )
            ]
        )


def test_C6_R3_2_a_reversal_needs_a_reason(staff, line):
    wrong = _spend(staff, line)
    with pytest.raises(ValidationError) as error:
        services.expenditure_reverse(user=staff, expenditure=wrong, reason="  ")
    assert "reason" in error.value.message_dict
    assert Expenditure.objects.count() == 1
    assert _spent(line) == D("500.00")


def test_C6_R3_2_only_the_units_staff_reverse_spending(staff, line, unit):
    wrong = _spend(staff, line)
    others = [
        RoleAssignmentFactory(role=Role.OFFICE_REVIEWER, programme=unit.batch.programme).user,
        RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=CreationUnitFactory()).user,
    ]
    for user in others:
        with pytest.raises(PermissionDenied):
            services.expenditure_reverse(user=user, expenditure=wrong, reason="错误")
    assert Expenditure.objects.count() == 1


def test_C6_R3_2_spending_cannot_be_edited_or_deleted(staff, line):
    entry = _spend(staff, line)
    entry.amount = D("1.00")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.save(update_fields=["amount"])
    with pytest.raises(ValidationError):
        entry.delete()
    stored = Expenditure.objects.get(pk=entry.pk)
    assert stored.amount == D("500.00")
    assert _spent(line) == D("500.00")


def test_C6_R3_2_a_reversed_entry_outside_the_plan_no_longer_counts(staff, line, unit):
    # saved past the service (an import, a generator): dated before the unit's cycle
    wrong = ExpenditureFactory(line=line, spent_on=date(2020, 1, 1), amount=D("500.00"))
    assert fund_facts(unit=unit).spending_outside_plan == 1
    services.expenditure_reverse(user=staff, expenditure=wrong, reason="日期错误，不属于本创建周期")
    assert fund_facts(unit=unit).spending_outside_plan == 0
    assert _spent(line) == D("0.00")
