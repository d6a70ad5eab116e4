"""Services of funds: plans and versions, the parallel provincial review and filing (R3.2),
ring-fenced spending (R3.2, R3.1) and the half-yearly fund report through reporting (R3.3)."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation

from creation.models import RoleAssignment
from creation.rules import Period
from creation.tests.factories import (
    CityFactory,
    CreationUnitFactory,
    ProgrammeFactory,
    ProvinceFactory,
    RoleAssignmentFactory,
)
from funds import services
from funds.models import BudgetLine, Expenditure, FundPlanVersion, PlanDecision
from funds.rules import Outcome, PlanStatus, Source, Stage
from funds.selectors import fund_facts, half_year_report, report_text
from funds.tests.factories import (
    BudgetLineFactory,
    CentralAllocationFactory,
    FundCategoryFactory,
    FundPlanVersionFactory,
    LocalFundingFactory,
    category,
    voucher_pdf,
)
from portal.models import Notification
from reporting.models import Obligation, Submission
from reporting.services import submission_accept, submission_return
from reporting.tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role
D = Decimal
APPROVED, RETURNED = Outcome.APPROVED, Outcome.RETURNED
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def province():
    return ProvinceFactory(code="430000", name="湖南省")


@pytest.fixture
def unit(province):
    # C2: the unit's own cycle, 2025-07-01 to 2027-06-30.
    return CreationUnitFactory(region=CityFactory(parent=province), start_date=date(2025, 7, 1))


@pytest.fixture
def staff(unit):
    return RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=unit).user


def _reviewer(province, department):
    return RoleAssignmentFactory(
        role=Role.PROVINCIAL_REVIEWER, province=province, department=department
    ).user


@pytest.fixture
def finance(province):
    return _reviewer(province, "finance")


@pytest.fixture
def culture(province):
    return _reviewer(province, "culture")


@pytest.fixture
def office(unit):
    return RoleAssignmentFactory(role=Role.OFFICE_REVIEWER, programme=unit.batch.programme).user


RULES = {"central_rules": "中央资金专款专用。", "local_rules": "地方资金足额配套。"}


def _draft(staff, unit, *, lines=((Source.CENTRAL, "100000.00"), (Source.LOCAL, "50000.00"))):
    plan = services.fund_plan_create(user=staff, unit=unit, title="2026年度方案", fields=RULES)
    version = plan.versions.get()
    for source, amount in lines:
        services.budget_line_save(
            user=staff,
            version=version,
            fields={
                "source": source,
                "category": category(),
                "amount": D(amount),
                "purpose": f"{source}活动",
            },
        )
    return version


def _submitted(staff, unit, **kwargs):
    return services.fund_plan_version_submit(user=staff, version=_draft(staff, unit, **kwargs))


# The plan is filed at the start of the unit's cycle: C6 dates spending on or after that day.
FILED_AT = datetime(2025, 7, 10, 16, 30, tzinfo=SHANGHAI)


def _filed(staff, unit, finance, culture, office, *, filed_at=FILED_AT, **kwargs):
    version = services.fund_plan_version_submit(
        user=staff, version=_draft(staff, unit, **kwargs), now=filed_at - timedelta(days=5)
    )
    for reviewer in (finance, culture):
        services.fund_plan_version_decide(
            user=reviewer, version=version, outcome=APPROVED, now=filed_at - timedelta(days=1)
        )
    return services.fund_plan_version_file(user=office, version=version, now=filed_at)


# --- Plans, versions and lines --------------------------------------------------------------------


def test_R3_2_a_new_plan_starts_as_draft_version_1_with_its_rules(staff, unit):
    plan = services.fund_plan_create(
        user=staff,
        unit=unit,
        title="2026年度方案",
        fields={**RULES, "rules_file": voucher_pdf("管理办法.pdf")},
    )
    version = plan.versions.get()
    assert (version.number, version.status) == (1, PlanStatus.DRAFT)
    assert version.central_rules == RULES["central_rules"]
    assert version.rules_file_name == "管理办法.pdf"
    assert version.rules_file.name.startswith("funds/rules/")


def test_R3_2_only_the_units_staff_write_plans(unit, finance):
    with pytest.raises(PermissionDenied):
        services.fund_plan_create(user=finance, unit=unit, title="方案")
    assert not unit.fund_plans.exists()


def test_R3_1_central_lines_only_in_the_allowed_categories(staff, unit):
    version = _draft(staff, unit, lines=())
    local_only = FundCategoryFactory(name="办公楼维修", central_allowed=False)
    fields = {"category": local_only, "amount": D("10.00"), "purpose": "维修"}
    with pytest.raises(ValidationError) as error:
        services.budget_line_save(
            user=staff, version=version, fields={**fields, "source": Source.CENTRAL}
        )
    assert "category" in error.value.message_dict
    assert not version.lines.exists()
    line = services.budget_line_save(
        user=staff, version=version, fields={**fields, "source": Source.LOCAL}
    )
    assert BudgetLine.objects.get(pk=line.pk).category == local_only


@pytest.mark.parametrize("amount", ["0.00", "-1.00"])
def test_R3_2_a_budget_line_needs_a_positive_amount(staff, unit, amount):
    version = _draft(staff, unit, lines=())
    with pytest.raises(ValidationError):
        services.budget_line_save(
            user=staff,
            version=version,
            fields={
                "source": Source.LOCAL,
                "category": category(),
                "amount": D(amount),
                "purpose": "x",
            },
        )
    assert version.lines.count() == 0


def test_R3_2_submitting_needs_lines_and_management_rules(staff, unit):
    plan = services.fund_plan_create(user=staff, unit=unit, title="空方案")
    version = plan.versions.get()
    with pytest.raises(ValidationError) as error:
        services.fund_plan_version_submit(user=staff, version=version)
    assert set(error.value.message_dict) == {"lines", "central_rules"}
    assert FundPlanVersion.objects.get(pk=version.pk).status == PlanStatus.DRAFT


def test_R3_2_a_submitted_version_can_no_longer_be_changed(staff, unit):
    version = _submitted(staff, unit)
    line = version.lines.first()
    with pytest.raises(ValidationError):
        services.budget_line_save(
            user=staff, version=version, line=line, fields={"amount": D("1.00")}
        )
    with pytest.raises(ValidationError):
        services.budget_line_delete(user=staff, line=line)
    with pytest.raises(ValidationError):
        services.fund_plan_version_update(user=staff, version=version, fields={"summary": "改"})
    assert BudgetLine.objects.get(pk=line.pk).amount == D("100000.00")


# --- The parallel provincial review and the filing -------------------------------------------------


def test_R3_2_a_submitted_plan_goes_to_finance_and_culture_at_the_same_time(
    staff, unit, finance, culture, office
):
    version = _submitted(staff, unit)
    assert version.status == PlanStatus.IN_REVIEW
    assert version.submitted_by == staff
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {finance.username, culture.username}


@pytest.mark.parametrize("first", ["finance", "culture"])
def test_R3_2_both_approvals_in_either_order_send_the_plan_to_the_office(
    staff, unit, finance, culture, office, first
):
    version = _submitted(staff, unit)
    reviewers = {"finance": finance, "culture": culture}
    second = "culture" if first == "finance" else "finance"
    version = services.fund_plan_version_decide(
        user=reviewers[first], version=version, outcome=APPROVED
    )
    assert version.status == PlanStatus.IN_REVIEW
    version = services.fund_plan_version_decide(
        user=reviewers[second], version=version, outcome=APPROVED
    )
    assert version.status == PlanStatus.AWAITING_FILING
    assert Notification.objects.filter(recipient=office).count() == 1
    assert dict(version.decisions.values_list("stage", "outcome")) == {
        Stage.FINANCE: APPROVED,
        Stage.CULTURE: APPROVED,
    }


def test_R3_2_filing_only_after_both_provincial_approvals(staff, unit, finance, culture, office):
    version = _submitted(staff, unit)
    with pytest.raises(ValidationError):
        services.fund_plan_version_file(user=office, version=version)
    services.fund_plan_version_decide(user=finance, version=version, outcome=APPROVED)
    with pytest.raises(ValidationError):
        services.fund_plan_version_file(user=office, version=version)
    assert FundPlanVersion.objects.get(pk=version.pk).status == PlanStatus.IN_REVIEW
    services.fund_plan_version_decide(user=culture, version=version, outcome=APPROVED)
    with translation.override("en"):
        filed = services.fund_plan_version_file(user=office, version=version, comment="准予备案")
    assert filed.status == PlanStatus.FILED
    assert filed.closed_at is not None
    assert Notification.objects.filter(recipient=staff, title__contains="filed").count() == 1


def test_R3_2_any_return_sends_the_plan_back_and_stops_the_other_department(
    staff, unit, finance, culture
):
    version = _submitted(staff, unit)
    services.fund_plan_version_decide(user=finance, version=version, outcome=APPROVED)
    returned = services.fund_plan_version_decide(
        user=culture, version=version, outcome=RETURNED, comment="请细化绩效目标。"
    )
    assert returned.status == PlanStatus.RETURNED
    assert Notification.objects.get(recipient=staff).body == "请细化绩效目标。"


def _new(user):
    return set(Notification.objects.unread().filter(recipient=user).values_list("title", flat=True))


def test_a_plans_notices_stop_being_new_once_acted_on(staff, unit, finance, culture, office):
    version = _submitted(staff, unit)
    services.fund_plan_version_decide(user=finance, version=version, outcome=APPROVED)
    assert _new(finance) == set()  # finance decided
    assert len(_new(culture)) == 1  # culture still has to
    services.fund_plan_version_decide(user=culture, version=version, outcome=APPROVED)
    assert _new(culture) == set()
    assert len(_new(office)) == 1
    services.fund_plan_version_file(user=office, version=version, outcome=RETURNED, comment="补充")
    assert _new(office) == set()
    assert len(_new(staff)) == 1  # the return
    revised = services.fund_plan_revise(user=staff, plan=version.plan)
    services.fund_plan_version_submit(user=staff, version=revised)
    assert _new(staff) == set()
    assert len(_new(finance)) == 1  # the new version to review


def test_R3_2_after_a_return_the_other_department_can_no_longer_decide(
    staff, unit, finance, culture
):
    version = _submitted(staff, unit)
    services.fund_plan_version_decide(
        user=finance, version=version, outcome=RETURNED, comment="预算依据不足。"
    )
    with pytest.raises(ValidationError):
        services.fund_plan_version_decide(user=culture, version=version, outcome=APPROVED)
    assert list(PlanDecision.objects.values_list("stage", flat=True)) == [Stage.FINANCE]


def test_R3_2_a_return_needs_a_comment(staff, unit, finance):
    version = _submitted(staff, unit)
    with pytest.raises(ValidationError) as error:
        services.fund_plan_version_decide(user=finance, version=version, outcome=RETURNED)
    assert "comment" in error.value.message_dict
    assert not PlanDecision.objects.exists()


def test_R3_2_each_department_decides_once(staff, unit, finance, culture):
    version = _submitted(staff, unit)
    services.fund_plan_version_decide(user=finance, version=version, outcome=APPROVED)
    with pytest.raises(ValidationError):
        services.fund_plan_version_decide(
            user=finance, version=version, outcome=RETURNED, comment="再看看"
        )
    assert PlanDecision.objects.get().outcome == APPROVED


def test_R3_2_only_reviewers_of_the_units_province_decide(staff, unit, office):
    version = _submitted(staff, unit)
    elsewhere = _reviewer(ProvinceFactory(code="510000"), "finance")
    for user in (elsewhere, office, staff):
        with pytest.raises(PermissionDenied):
            services.fund_plan_version_decide(user=user, version=version, outcome=APPROVED)
    assert not PlanDecision.objects.exists()


def test_R3_2_a_reviewer_decides_only_for_their_own_department(staff, unit, culture):
    version = _submitted(staff, unit)
    with pytest.raises(ValidationError):
        services.fund_plan_version_decide(
            user=culture, version=version, outcome=APPROVED, stage=Stage.FINANCE
        )
    decided = services.fund_plan_version_decide(user=culture, version=version, outcome=APPROVED)
    assert list(decided.decisions.values_list("stage", flat=True)) == [Stage.CULTURE]


def test_R3_2_only_the_programmes_office_files(staff, unit, finance, culture):
    version = _submitted(staff, unit)
    services.fund_plan_version_decide(user=finance, version=version, outcome=APPROVED)
    services.fund_plan_version_decide(user=culture, version=version, outcome=APPROVED)
    other_office = RoleAssignmentFactory(
        role=Role.OFFICE_REVIEWER, programme=ProgrammeFactory()
    ).user
    for user in (other_office, finance, staff):
        with pytest.raises(PermissionDenied):
            services.fund_plan_version_file(user=user, version=version)
    assert FundPlanVersion.objects.get(pk=version.pk).status == PlanStatus.AWAITING_FILING


def test_R3_2_the_office_may_return_an_approved_plan(staff, unit, finance, culture, office):
    version = _submitted(staff, unit)
    services.fund_plan_version_decide(user=finance, version=version, outcome=APPROVED)
    services.fund_plan_version_decide(user=culture, version=version, outcome=APPROVED)
    returned = services.fund_plan_version_file(
        user=office, version=version, outcome=RETURNED, comment="与备案要求不符。"
    )
    assert returned.status == PlanStatus.RETURNED


def test_R3_2_a_returned_plan_gets_a_new_version_and_keeps_its_history(
    staff, unit, finance, culture, office
):
    first = _submitted(staff, unit)
    services.fund_plan_version_decide(user=finance, version=first, outcome=APPROVED)
    services.fund_plan_version_decide(
        user=culture, version=first, outcome=RETURNED, comment="补充预期效果。"
    )
    second = services.fund_plan_revise(user=staff, plan=first.plan)
    assert (second.number, second.status) == (2, PlanStatus.DRAFT)
    assert second.central_rules == first.central_rules
    assert sorted(second.lines.values_list("source", "amount")) == sorted(
        first.lines.values_list("source", "amount")
    )
    line = second.lines.get(source=Source.LOCAL)
    services.budget_line_save(
        user=staff, version=second, line=line, fields={"expected_effect": "服务群众2万人次"}
    )
    services.fund_plan_version_submit(user=staff, version=second)
    services.fund_plan_version_decide(user=finance, version=second, outcome=APPROVED)
    services.fund_plan_version_decide(user=culture, version=second, outcome=APPROVED)
    services.fund_plan_version_file(user=office, version=second)

    versions = list(first.plan.versions.order_by("number"))
    assert [(v.number, v.status) for v in versions] == [
        (1, PlanStatus.RETURNED),
        (2, PlanStatus.FILED),
    ]
    assert list(versions[0].decisions.values_list("stage", "outcome")) == [
        (Stage.FINANCE, APPROVED),
        (Stage.CULTURE, RETURNED),
    ]
    assert versions[0].lines.get(source=Source.LOCAL).expected_effect == ""
    assert versions[1].decisions.count() == 3


def test_R3_2_only_a_returned_plan_is_revised(staff, unit, finance, culture, office):
    version = _submitted(staff, unit)
    with pytest.raises(ValidationError):
        services.fund_plan_revise(user=staff, plan=version.plan)
    assert version.plan.versions.count() == 1


def test_R3_2_one_open_version_per_plan_in_the_database(staff, unit):
    version = _draft(staff, unit, lines=())
    with pytest.raises(IntegrityError), transaction.atomic():
        FundPlanVersion.objects.create(plan=version.plan, number=2)


# --- Spending -------------------------------------------------------------------------------------


@pytest.fixture
def filed(staff, unit, finance, culture, office):
    return _filed(staff, unit, finance, culture, office)


def _spend(staff, line, amount, **extra):
    values = {
        "spent_on": date(2026, 3, 15),
        "amount": D(amount),
        "payee": "长沙市群众艺术馆",
        "description": "社区文艺汇演",
        "voucher": voucher_pdf(),
        "today": date(2026, 12, 31),
    }
    return services.expenditure_record(user=staff, line=line, **{**values, **extra})


def test_R3_2_spending_on_a_filed_line_up_to_its_remainder(staff, filed):
    line = filed.lines.get(source=Source.CENTRAL)
    _spend(staff, line, "60000.00")
    expenditure = _spend(staff, line, "40000.00")
    line.refresh_from_db()
    assert line.spent == D("100000.00")
    assert line.remaining == D("0.00")
    assert expenditure.recorded_by == staff
    assert expenditure.voucher_name == "发票.pdf"
    assert expenditure.voucher.name.startswith("funds/vouchers/")


def test_R3_2_spending_beyond_the_remainder_is_refused_and_nothing_is_saved(staff, filed):
    line = filed.lines.get(source=Source.CENTRAL)
    _spend(staff, line, "99999.99")
    with pytest.raises(ValidationError) as error:
        _spend(staff, line, "0.02")
    assert "0.01" in error.value.message_dict["amount"][0]
    line.refresh_from_db()
    assert line.spent == D("99999.99")
    assert Expenditure.objects.count() == 1


def test_R3_2_spending_outside_the_filed_plan_is_refused(staff, unit, finance, culture):
    for status in ("draft", "in_review", "awaiting_filing", "returned"):
        version = FundPlanVersionFactory(plan__unit=unit, status=status)
        line = BudgetLineFactory(version=version)
        with pytest.raises(ValidationError) as error:
            _spend(staff, line, "1.00")
        assert "line" in error.value.message_dict, status
    assert not Expenditure.objects.exists()
    assert not BudgetLine.objects.filter(spent__gt=0).exists()


def test_R3_1_central_spending_in_a_category_withdrawn_from_central_money_is_refused(staff, filed):
    line = filed.lines.get(source=Source.CENTRAL)
    line.category.central_allowed = False
    line.category.save()
    with pytest.raises(ValidationError) as error:
        _spend(staff, line, "1.00")
    assert "R3.1" in error.value.message_dict["line"][0]
    assert _spend(staff, filed.lines.get(source=Source.LOCAL), "1.00").amount == D("1.00")
    assert Expenditure.objects.count() == 1


def test_R3_2_the_database_refuses_an_overspent_line(filed):
    line = filed.lines.get(source=Source.CENTRAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(spent=F("amount") + D("0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.create(
            line=line, spent_on=date(2026, 3, 1), amount=D("0"), payee="x", description="x"
        )


def test_R3_2_only_the_units_staff_record_spending(filed, finance, office):
    line = filed.lines.first()
    for user in (finance, office):
        with pytest.raises(PermissionDenied):
            _spend(user, line, "1.00")
    assert not Expenditure.objects.exists()


def test_spending_in_the_future_or_without_a_valid_voucher_is_refused(staff, filed):
    line = filed.lines.first()
    with pytest.raises(ValidationError) as error:
        _spend(staff, line, "1.00", spent_on=date(2027, 1, 1))
    assert "spent_on" in error.value.message_dict
    fake = SimpleUploadedFile("发票.pdf", b"MZ\x90 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        _spend(staff, line, "1.00", voucher=fake)
    assert "voucher" in error.value.message_dict
    with pytest.raises(ValidationError):
        _spend(staff, line, "1.00", voucher=None)
    assert not Expenditure.objects.exists()
    line.refresh_from_db()
    assert line.spent == D("0.00")


@pytest.mark.django_db(transaction=True)
def test_R3_2_two_concurrent_expenditures_over_the_remainder_exactly_one_succeeds():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) are tested on PostgreSQL; CI runs it there")
    version = FundPlanVersionFactory(
        status=PlanStatus.FILED, closed_at=FILED_AT, plan__unit__start_date=date(2025, 7, 1)
    )
    line = BudgetLineFactory(version=version, amount=D("100.00"))
    staff = RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=version.plan.unit).user
    barrier = threading.Barrier(2)
    done: list[Expenditure] = []
    refused: list[ValidationError] = []
    errors: list[Exception] = []

    def spend() -> None:
        try:
            barrier.wait(timeout=10)
            done.append(_spend(staff, line, "60.00"))
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert (len(done), len(refused)) == (1, 1)
    assert "amount" in refused[0].message_dict
    line.refresh_from_db()
    assert line.spent == D("60.00")
    assert Expenditure.objects.filter(line=line).aggregate(total=Sum("amount"))["total"] == D(
        "60.00"
    )


@pytest.mark.django_db(transaction=True)
def test_R3_2_finance_and_culture_approving_at_the_same_moment_both_count():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) are tested on PostgreSQL; CI runs it there")
    province = ProvinceFactory(code="430000")
    unit = CreationUnitFactory(region=CityFactory(parent=province))
    version = FundPlanVersionFactory(plan__unit=unit, status=PlanStatus.IN_REVIEW)
    reviewers = [_reviewer(province, "finance"), _reviewer(province, "culture")]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def decide(user) -> None:
        try:
            barrier.wait(timeout=10)
            services.fund_plan_version_decide(user=user, version=version, outcome=APPROVED)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(user,)) for user in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    version.refresh_from_db()
    assert version.status == PlanStatus.AWAITING_FILING
    assert version.decisions.count() == 2


# --- The half-yearly fund report (R3.3) ------------------------------------------------------------

H1 = Period(2026, 1, 6)


def _report_fixture(staff, unit, finance, culture, office):
    CentralAllocationFactory(unit=unit, amount=D("100000.00"))
    LocalFundingFactory(unit=unit, committed=D("50000.00"), paid=D("20000.00"))
    version = _filed(staff, unit, finance, culture, office)
    central = version.lines.get(source=Source.CENTRAL)
    local = version.lines.get(source=Source.LOCAL)
    _spend(staff, central, "1000.10", spent_on=date(2025, 12, 31))  # before the half year
    _spend(staff, central, "2000.20", spent_on=date(2026, 1, 1))
    _spend(staff, central, "300.30", spent_on=date(2026, 6, 30))
    _spend(staff, local, "4000.00", spent_on=date(2026, 3, 3), payee="株洲市某文化公司")
    _spend(staff, local, "999.99", spent_on=date(2026, 7, 1))  # after it
    return version


def test_R3_3_report_figures_equal_the_spending(staff, unit, finance, culture, office):
    _report_fixture(staff, unit, finance, culture, office)
    report = half_year_report(unit=unit, period=H1)
    in_half = Expenditure.objects.filter(spent_on__range=(H1.first_day, H1.last_day))
    to_date = Expenditure.objects.filter(spent_on__lte=H1.last_day)
    assert report.total.spent_in_period == in_half.aggregate(t=Sum("amount"))["t"] == D("6300.50")
    assert report.total.spent_to_date == to_date.aggregate(t=Sum("amount"))["t"] == D("7300.60")
    assert report.total.budget == D("150000.00")
    assert [e.pk for e in report.expenditures] == list(
        in_half.order_by("spent_on", "id").values_list("pk", flat=True)
    )
    by_source = {row.key: row for row in report.sources}
    assert by_source["central"].spent_in_period == D("2300.50")
    assert by_source["central"].spent_to_date == D("3300.60")
    assert by_source["central"].rate == D("3.3")
    assert by_source["local"].spent_in_period == D("4000.00")
    assert sum(row.spent_in_period for row in report.categories) == D("6300.50")
    assert sum(row.spent_in_period for row in report.lines) == D("6300.50")
    assert (report.money.central_allocated, report.money.local_committed) == (
        D("100000.00"),
        D("50000.00"),
    )


def test_R3_3_report_text_lists_the_figures_and_every_voucher(
    staff, unit, finance, culture, office
):
    _report_fixture(staff, unit, finance, culture, office)
    text = report_text(half_year_report(unit=unit, period=H1))
    assert "6,300.50" in text
    assert "7,300.60" in text
    assert "株洲市某文化公司" in text
    assert text.count("发票.pdf") == 3
    assert "999.99" not in text


def test_R3_3_fund_report_is_submitted_through_the_reporting_obligation(
    staff, unit, finance, culture, office
):
    _report_fixture(staff, unit, finance, culture, office)
    obligation = ObligationFactory(
        unit=unit,
        type=Obligation.Type.FUND_REPORT,
        period_start=H1.first_day,
        period_end=H1.last_day,
        period_label=str(H1),
    )
    submission = services.fund_report_submit(user=staff, unit=unit, period=H1)
    assert submission.obligation == obligation
    assert submission.status == Submission.Status.SUBMITTED
    assert "6,300.50" in submission.body
    assert str(H1) in submission.title
    # Returned and recompiled after more spending was recorded for the half year.
    submission_return(reviewer=office, submission=submission, comment="补充凭证。")
    _spend(
        staff,
        unit.fund_plans.get().versions.get().lines.get(source="local"),
        "0.50",
        spent_on=date(2026, 5, 1),
    )
    again = services.fund_report_submit(user=staff, unit=unit, period=H1)
    assert again.pk == submission.pk
    assert "6,301.00" in again.body
    accepted = submission_accept(reviewer=office, submission=again)
    assert accepted.status == Submission.Status.ACCEPTED
    with pytest.raises(ValidationError):
        services.fund_report_submit(user=staff, unit=unit, period=H1)


def test_R3_3_without_a_fund_report_obligation_nothing_is_submitted(staff, unit):
    with pytest.raises(ValidationError):
        services.fund_report_submit(user=staff, unit=unit, period=H1)
    assert not Submission.objects.exists()


def test_R3_3_only_the_units_staff_submit_its_fund_report(unit, finance):
    ObligationFactory(unit=unit, type=Obligation.Type.FUND_REPORT, period_start=H1.first_day)
    with pytest.raises(PermissionDenied):
        services.fund_report_submit(user=finance, unit=unit, period=H1)
    assert not Submission.objects.exists()


def test_R6_6_fund_facts_show_the_filed_plan_and_no_spending_outside_it(
    staff, unit, finance, culture, office
):
    assert not fund_facts(unit=unit).plan_filed
    version = _filed(staff, unit, finance, culture, office)
    _spend(staff, version.lines.first(), "10.00")
    facts = fund_facts(unit=unit)
    assert facts.plan_filed
    assert facts.filed_plans[0][:2] == ("2026年度方案", 1)
    assert facts.spending_outside_plan == 0


def test_fund_categories_ensure_restores_the_six_of_R3_1_and_keeps_changes():
    from funds.models import FundCategory

    changed = category("staff_training")
    changed.central_allowed = False
    changed.save()
    FundCategory.objects.filter(code="folk_culture").delete()
    services.fund_categories_ensure()
    assert FundCategory.objects.filter(code="folk_culture").exists()
    assert FundCategory.objects.get(code="staff_training").central_allowed is False
    assert FundCategory.objects.filter(central_allowed=True).count() == 5


def test_today_defaults_to_the_local_date(staff, filed):
    line = filed.lines.first()
    tomorrow = timezone.localdate() + timedelta(days=2)
    with pytest.raises(ValidationError):
        services.expenditure_record(
            user=staff,
            line=line,
            spent_on=tomorrow,
            amount=D("1.00"),
            payee="x",
            description="x",
            voucher=voucher_pdf(),
        )
    assert not Expenditure.objects.exists()
