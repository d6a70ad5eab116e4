from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from creation.tests.factories import PDF_BYTES, CreationUnitFactory
from funds.models import (
    BudgetLine,
    CentralAllocation,
    Expenditure,
    FundCategory,
    FundPlan,
    FundPlanVersion,
    LocalFunding,
    PlanDecision,
)
from funds.rules import Outcome, PlanStatus, Source, Stage

SHANGHAI = ZoneInfo("Asia/Shanghai")


def voucher_pdf(name: str = "发票.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def ten_yuan_spent(world, user, key: str) -> None:
    """Record 10 yuan spent against the filed plan of the test world's unit `key`, through the
    service, as a unit's staff would."""
    from funds.services import expenditure_record

    expenditure_record(
        user=user,
        line=world.objects["budget_lines"][f"{key}/filed"],
        spent_on=date(2026, 3, 15),
        amount=Decimal("10.00"),
        payee="长沙市群众艺术馆",
        description="社区文艺汇演",
        voucher=voucher_pdf(),
        today=date(2026, 12, 31),
    )


def category(code: str = "mass_activities") -> FundCategory:
    """One of the R3.1 categories the migration seeds (restored when a transactional test has
    flushed the tables)."""
    found = FundCategory.objects.filter(code=code).first()
    if found is None:
        from funds.services import fund_categories_ensure

        fund_categories_ensure()
        found = FundCategory.objects.get(code=code)
    return found


class FundCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"地方自定类别{n}")
    central_allowed = False


class CentralAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentralAllocation

    unit = factory.SubFactory(CreationUnitFactory)
    amount = Decimal("500000.00")
    allocated_on = date(2026, 3, 1)
    document_number = factory.Sequence(lambda n: f"财教〔2026〕{n + 1}号")


class LocalFundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalFunding

    unit = factory.SubFactory(CreationUnitFactory)
    committed_on = date(2026, 2, 1)
    document_number = factory.Sequence(lambda n: f"长财〔2026〕{n + 1}号")
    committed = Decimal("300000.00")
    paid = Decimal("100000.00")


class FundPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundPlan

    unit = factory.SubFactory(CreationUnitFactory)
    title = factory.Sequence(lambda n: f"2026年度经费使用方案{n}")


class FundPlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundPlanVersion

    plan = factory.SubFactory(FundPlanFactory)
    number = 1
    status = PlanStatus.DRAFT
    summary = "用于基层群众文化活动和创建宣传。"
    central_rules = "中央补助资金专款专用，严格按方案列支。"
    local_rules = "地方创建资金纳入财政预算，足额配套。"
    submitted_at = factory.LazyAttribute(
        lambda version: None if version.status == PlanStatus.DRAFT else timezone.now()
    )
    closed_at = factory.LazyAttribute(
        lambda version: (
            timezone.now() if version.status in (PlanStatus.FILED, PlanStatus.RETURNED) else None
        )
    )


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    version = factory.SubFactory(FundPlanVersionFactory)
    source = Source.CENTRAL
    category = factory.LazyFunction(category)
    amount = Decimal("100000.00")
    purpose = factory.Sequence(lambda n: f"社区文化活动{n}")
    expected_effect = "举办活动20场，服务群众1万人次。"


class PlanDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanDecision

    version = factory.SubFactory(FundPlanVersionFactory)
    stage = Stage.FINANCE
    outcome = Outcome.APPROVED
    decided_at = factory.LazyFunction(timezone.now)


class ExpenditureFactory(factory.django.DjangoModelFactory):
    """A stored expenditure. Tests of the rules go through services.expenditure_record; this
    keeps the line's `spent` in step for fixtures that need one ready-made."""

    class Meta:
        model = Expenditure

    # C6: dated inside the unit's cycle (from 2026-01-01) and after its plan was filed.
    line = factory.SubFactory(
        BudgetLineFactory,
        version__status=PlanStatus.FILED,
        version__closed_at=datetime(2026, 1, 10, 10, 0, tzinfo=SHANGHAI),
    )
    spent_on = date(2026, 3, 15)
    amount = Decimal("1000.00")
    payee = "长沙市群众艺术馆"
    description = "社区文艺汇演场地租赁"
    voucher = factory.LazyFunction(voucher_pdf)
    voucher_name = "发票.pdf"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        expenditure = super()._create(model_class, *args, **kwargs)
        BudgetLine.objects.filter(pk=expenditure.line_id).update(
            spent=F("spent") + expenditure.amount
        )
        return expenditure
