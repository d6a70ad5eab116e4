import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from creation.scope import visible_units
from funds.models import (
    BudgetLine,
    CentralAllocation,
    Expenditure,
    FundCategory,
    FundPlan,
    FundPlanVersion,
    LocalFunding,
    SourceChoices,
)
from portal.filters import ModelChoiceFilter


def _visible_plans(request) -> QuerySet:
    return FundPlan.objects.visible_to(getattr(request, "user", None))


def _visible_versions(request) -> QuerySet:
    return FundPlanVersion.objects.visible_to(getattr(request, "user", None))


def _visible_lines(request) -> QuerySet:
    return BudgetLine.objects.visible_to(getattr(request, "user", None))


class FundCategoryFilter(django_filters.FilterSet):
    class Meta:
        model = FundCategory
        fields = ["central_allowed"]


class CentralAllocationFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))
    allocated_after = django_filters.DateFilter(field_name="allocated_on", lookup_expr="gte")
    allocated_before = django_filters.DateFilter(field_name="allocated_on", lookup_expr="lte")

    class Meta:
        model = CentralAllocation
        fields = ["unit", "allocated_after", "allocated_before"]


class LocalFundingFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))

    class Meta:
        model = LocalFunding
        fields = ["unit"]


class FundPlanFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))
    status = django_filters.ChoiceFilter(
        choices=FundPlanVersion.Status.choices,
        field_name="latest_status",
        label=_("Status of the latest version"),
    )

    class Meta:
        model = FundPlan
        fields = ["unit", "status"]


class FundPlanVersionFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(
        queryset=visible_units, field_name="plan__unit", label=_("Creation unit")
    )
    plan = ModelChoiceFilter(queryset=_visible_plans, label=_("Fund-use plan"))

    class Meta:
        model = FundPlanVersion
        fields = ["unit", "plan", "status"]


class BudgetLineFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(
        queryset=visible_units, field_name="version__plan__unit", label=_("Creation unit")
    )
    version = ModelChoiceFilter(queryset=_visible_versions, label=_("Version"))
    source = django_filters.ChoiceFilter(choices=SourceChoices.choices, label=_("Source"))
    filed = django_filters.BooleanFilter(method="filter_filed", label=_("In a filed plan"))

    class Meta:
        model = BudgetLine
        fields = ["unit", "version", "source", "category", "filed"]

    def filter_filed(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        filed = FundPlanVersion.Status.FILED
        if value:
            return queryset.filter(version__status=filed)
        return queryset.exclude(version__status=filed)


class ExpenditureFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(
        queryset=visible_units, field_name="line__version__plan__unit", label=_("Creation unit")
    )
    line = ModelChoiceFilter(queryset=_visible_lines, label=_("Budget line"))
    source = django_filters.ChoiceFilter(
        choices=SourceChoices.choices, field_name="line__source", label=_("Source")
    )
    category = ModelChoiceFilter(
        queryset=FundCategory.objects.all(), field_name="line__category", label=_("Category")
    )
    spent_after = django_filters.DateFilter(field_name="spent_on", lookup_expr="gte")
    spent_before = django_filters.DateFilter(field_name="spent_on", lookup_expr="lte")

    class Meta:
        model = Expenditure
        fields = ["unit", "line", "source", "category", "spent_after", "spent_before"]
