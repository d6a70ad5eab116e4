"""Admin of funds: the office keeps the list of spending categories (R3.1) here and reads the
units' money in, plans and spending; lists are scoped like every page (ScopedModelAdmin). Plans
are decided and money spent only through the services (pages and API), never edited here."""

from django.contrib import admin

from creation.scoped_admin import ReferenceDataAdmin, ScopedModelAdmin
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


@admin.register(FundCategory)
class FundCategoryAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "central_allowed", "sort_order"]
    list_filter = ["central_allowed"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code names a category in the data; it stays once the category exists.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # lines refer to categories; withdraw one from central money instead


class ReadOnlyAdmin(ScopedModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CentralAllocation)
class CentralAllocationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "allocated_on", "document_number", "amount"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "document_number"]
    date_hierarchy = "allocated_on"


@admin.register(LocalFunding)
class LocalFundingAdmin(ReadOnlyAdmin):
    list_display = ["unit", "committed_on", "document_number", "committed", "paid"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "document_number"]


class VersionInline(admin.TabularInline):
    model = FundPlanVersion
    fields = ["number", "status", "submitted_at", "closed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(FundPlan)
class FundPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "created_at"]
    list_select_related = ["unit"]
    search_fields = ["title", "unit__name"]
    inlines = [VersionInline]


class LineInline(admin.TabularInline):
    model = BudgetLine
    fields = ["source", "category", "amount", "spent", "purpose"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class DecisionInline(admin.TabularInline):
    model = PlanDecision
    fields = ["stage", "outcome", "decided_by", "decided_at", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(FundPlanVersion)
class FundPlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "status", "submitted_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["plan__unit"]
    search_fields = ["plan__title", "plan__unit__name"]
    inlines = [LineInline, DecisionInline]


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyAdmin):
    # C6 (R3.2): read only; a wrong entry is reversed on the spending page or through the API.
    list_display = ["spent_on", "line", "payee", "amount", "reverses"]
    list_select_related = ["line__category", "line__version__plan__unit", "reverses"]
    search_fields = ["payee", "line__version__plan__unit__name"]
    date_hierarchy = "spent_on"
