from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creation.models import CreationUnit
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
from funds.rules import LineAmount, Source, execution_rate, plan_totals
from portal.api import ScopedPrimaryKeyRelatedField


def money_field(**kwargs) -> serializers.DecimalField:
    # Decimal yuan with two decimals, sent as a string: never a float.
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


class FundCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = FundCategory
        fields = ["id", "code", "name", "description", "central_allowed", "sort_order"]


class CentralAllocationSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)

    class Meta:
        model = CentralAllocation
        fields = ["id", "unit", "amount", "allocated_on", "document_number", "note"]


class LocalFundingSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)

    class Meta:
        model = LocalFunding
        fields = ["id", "unit", "committed_on", "document_number", "committed", "paid", "note"]


class BudgetLineSerializer(serializers.ModelSerializer):
    version = ScopedPrimaryKeyRelatedField(FundPlanVersion)
    category = ScopedPrimaryKeyRelatedField(FundCategory)
    category_name = serializers.CharField(
        source="category.name", read_only=True, label=_("Category name")
    )
    spent = money_field()
    remaining = money_field(label=_("Remaining (yuan)"))

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "version",
            "source",
            "category",
            "category_name",
            "amount",
            "purpose",
            "expected_effect",
            "sort_order",
            "spent",
            "remaining",
        ]


class PlanDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = PlanDecision
        fields = ["stage", "outcome", "comment", "decided_by", "decided_at"]


class TotalsSerializer(serializers.Serializer):
    central = money_field()
    local = money_field()
    total = money_field()


class FundPlanVersionSerializer(serializers.ModelSerializer):
    """A version with its lines, totals and decisions. Unit staff change a draft's scope and
    rules with PATCH (multipart for `rules_file`)."""

    unit = serializers.IntegerField(source="plan.unit_id", read_only=True)
    lines = BudgetLineSerializer(many=True, read_only=True, label=_("Budget lines"))
    decisions = PlanDecisionSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()
    rules_file = serializers.FileField(write_only=True, required=False)
    rules_url = serializers.SerializerMethodField(label=_("Rules file link"))

    class Meta:
        model = FundPlanVersion
        fields = [
            "id",
            "plan",
            "unit",
            "number",
            "status",
            "summary",
            "central_rules",
            "local_rules",
            "rules_file",
            "rules_file_name",
            "rules_url",
            "created_at",
            "submitted_at",
            "closed_at",
            "totals",
            "lines",
            "decisions",
        ]
        read_only_fields = [
            "plan",
            "number",
            "status",
            "rules_file_name",
            "created_at",
            "submitted_at",
            "closed_at",
        ]

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, version: FundPlanVersion) -> dict:
        totals = plan_totals(
            LineAmount(line.source, str(line.category_id), line.amount)
            for line in version.lines.all()
        )
        return TotalsSerializer(
            {
                "central": totals.source(Source.CENTRAL),
                "local": totals.source(Source.LOCAL),
                "total": totals.total,
            }
        ).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rules_url(self, version: FundPlanVersion) -> str | None:
        if not version.rules_file:
            return None
        return reverse("api:fund-plan-version-rules", kwargs={"pk": version.pk})


class FundPlanSerializer(serializers.ModelSerializer):
    """A plan and the state of its latest version. POST starts a plan with its first version (a
    draft), taking the version's scope and rules as well."""

    unit = ScopedPrimaryKeyRelatedField(CreationUnit)
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("Unit name"))
    latest_number = serializers.IntegerField(
        read_only=True, allow_null=True, label=_("Latest version")
    )
    latest_status = serializers.ChoiceField(
        label=_("Latest version status"),
        choices=FundPlanVersion.Status.choices,
        read_only=True,
        allow_null=True,
    )
    summary = serializers.CharField(write_only=True, required=False, allow_blank=True)
    central_rules = serializers.CharField(write_only=True, required=False, allow_blank=True)
    local_rules = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = FundPlan
        fields = [
            "id",
            "unit",
            "unit_name",
            "title",
            "created_at",
            "latest_number",
            "latest_status",
            "summary",
            "central_rules",
            "local_rules",
        ]
        # The service checks the title's uniqueness per unit (with a translated message).
        validators = []


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PlanDecision.OutcomeChoices.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    stage = serializers.ChoiceField(
        choices=[
            (value, label)
            for value, label in PlanDecision.StageChoices.choices
            if value != "office"
        ],
        required=False,
        help_text="Only for a reviewer of both departments: the one decided for.",
    )


class FilingInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=PlanDecision.OutcomeChoices.choices,
        help_text="`approved` files the plan (备案); `returned` sends it back to the unit.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ExpenditureSerializer(serializers.ModelSerializer):
    line = ScopedPrimaryKeyRelatedField(BudgetLine)
    unit = serializers.IntegerField(source="line.version.plan.unit_id", read_only=True)
    source = serializers.CharField(source="line.source", read_only=True)
    category = serializers.CharField(source="line.category.name", read_only=True)
    voucher = serializers.FileField(write_only=True)
    voucher_url = serializers.SerializerMethodField(label=_("Voucher link"))
    reversal = serializers.PrimaryKeyRelatedField(
        label=_("Reversed by"),
        read_only=True,
        allow_null=True,
        help_text="C6: the correcting entry that reversed this one, if any.",
    )

    class Meta:
        model = Expenditure
        fields = [
            "id",
            "line",
            "unit",
            "source",
            "category",
            "spent_on",
            "amount",
            "payee",
            "description",
            "voucher",
            "voucher_name",
            "voucher_url",
            "reverses",
            "reversal",
            "reason",
            "recorded_at",
        ]
        read_only_fields = ["voucher_name", "reverses", "reason", "recorded_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_voucher_url(self, expenditure: Expenditure) -> str | None:
        if not expenditure.voucher:
            return None  # a correcting entry (C6) has no voucher of its own
        return reverse("api:expenditure-voucher", kwargs={"pk": expenditure.pk})


class ReversalInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="C6 (R3.2): what was wrong with the entry."
    )


class ExecutionSerializer(serializers.ModelSerializer):
    """A unit's filed budget and spending (all sources and central only) with the rate."""

    province = serializers.SerializerMethodField()
    budget = money_field()
    spent = money_field()
    central_budget = money_field()
    central_spent = money_field()
    filed_plans = serializers.IntegerField(read_only=True)
    rate = serializers.SerializerMethodField()

    class Meta:
        model = CreationUnit
        fields = [
            "id",
            "name",
            "province",
            "filed_plans",
            "budget",
            "spent",
            "central_budget",
            "central_spent",
            "rate",
        ]

    def get_province(self, unit: CreationUnit) -> str:
        return unit.region.province_region.name

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True))
    def get_rate(self, unit: CreationUnit) -> str | None:
        rate = execution_rate(spent=unit.spent, budget=unit.budget)
        return None if rate is None else str(rate)


class SpendingRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    budget = money_field()
    spent_in_period = money_field()
    spent_to_date = money_field()
    remaining = money_field(label=_("Remaining (yuan)"))
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class VoucherRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    spent_on = serializers.DateField()
    amount = money_field()
    payee = serializers.CharField()
    source = serializers.CharField(source="line.source")
    category = serializers.CharField(source="line.category.name")
    line = serializers.IntegerField(source="line_id")
    voucher_name = serializers.CharField()
    voucher_url = serializers.SerializerMethodField(label=_("Voucher link"))

    def get_voucher_url(self, expenditure: Expenditure) -> str:
        return reverse("api:expenditure-voucher", kwargs={"pk": expenditure.pk})


class MoneyInSerializer(serializers.Serializer):
    central_allocated = money_field()
    local_committed = money_field()
    local_paid = money_field()


class FundReportSerializer(serializers.Serializer):
    """R3.3: a unit's half-yearly fund report compiled from its spending."""

    unit = serializers.IntegerField(source="unit.pk")
    period = serializers.CharField()
    first_day = serializers.DateField(source="period.first_day")
    last_day = serializers.DateField(source="period.last_day")
    title = serializers.CharField()
    total = SpendingRowSerializer()
    sources = SpendingRowSerializer(many=True)
    categories = SpendingRowSerializer(many=True)
    lines = SpendingRowSerializer(many=True)
    vouchers = VoucherRowSerializer(many=True, source="expenditures")
    money = MoneyInSerializer()


class FundReportSubmitSerializer(serializers.Serializer):
    period = serializers.RegexField(
        r"^\d{4}H[12]$", help_text="The half year, e.g. 2026H1.", max_length=6
    )
