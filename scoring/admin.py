"""Admin of scoring: models register with portal.admin.ScopedModelAdmin so that lists stay scoped.

The office maintains its creation standards and their indicators (§8) and its acceptance settings
here; overrides, reviews and evaluations are audit records, read-only (they are made on the
portal's pages, through the services)."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from portal.admin import ScopedModelAdmin
from scoring.computations import computation_choices
from scoring.models import (
    AcceptanceEvaluation,
    AcceptanceSettings,
    CreationStandard,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    UnitStatusDecision,
    VetoOverride,
)


class IndicatorForm(forms.ModelForm):
    computation = forms.ChoiceField(
        label=Indicator._meta.get_field("computation").verbose_name,
        choices=[("", "—"), *computation_choices()],
        required=False,
    )

    class Meta:
        model = Indicator
        fields = [
            "part",
            "code",
            "name",
            "measure_unit",
            "threshold",
            "weight",
            "source",
            "computation",
            "sort_order",
        ]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    form = IndicatorForm
    extra = 1


@admin.register(CreationStandard)
class CreationStandardAdmin(ScopedModelAdmin):
    list_display = ["title", "batch", "economic_belt"]
    list_filter = ["economic_belt", "batch__programme"]
    list_select_related = ["batch__programme"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(ScopedModelAdmin):
    form = IndicatorForm
    list_display = ["code", "name", "standard", "part", "threshold", "measure_unit", "weight"]
    list_filter = ["source", "standard__economic_belt"]
    search_fields = ["name", "code", "part"]
    list_select_related = ["standard__batch__programme"]


@admin.register(AcceptanceSettings)
class AcceptanceSettingsAdmin(ScopedModelAdmin):
    list_display = [
        "programme",
        "excellent_from",
        "qualified_from",
        "publicity_share",
        "pass_mark",
        "liaison_grace_days",
    ]
    list_select_related = ["programme"]


class ReadOnlyAdmin(ScopedModelAdmin):
    """Audit records: read in the admin, written only through the services."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(VetoOverride)
class VetoOverrideAdmin(ReadOnlyAdmin):
    list_display = ["unit", "item", "decision", "decided_by", "decided_at"]
    list_filter = ["item", "decision"]
    search_fields = ["unit__name", "reason"]
    list_select_related = ["unit", "decided_by"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    can_delete = False
    readonly_fields = ["indicator", "value", "computed", "completion", "grade", "points"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(IndicatorReview)
class IndicatorReviewAdmin(ReadOnlyAdmin):
    list_display = ["unit", "stage", "reviewed_on", "composite_score", "recorded_by"]
    list_filter = ["stage"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "recorded_by"]
    inlines = [IndicatorValueInline]


@admin.register(AcceptanceEvaluation)
class AcceptanceEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "result", "total", "indicator_score", "publicity_score", "evaluated_at"]
    list_filter = ["result"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]


@admin.register(UnitStatusDecision)
class UnitStatusDecisionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "previous_status", "status", "decided_by", "decided_at"]
    list_select_related = ["unit", "decided_by"]
