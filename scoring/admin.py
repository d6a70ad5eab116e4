"""Admin of scoring: models register with creation.scoped_admin.ScopedModelAdmin so that lists stay scoped.

The office sets its programme's publicity points here; the national office keeps the national
media catalogue and a provincial programme's office the outlets of its own; claims,
periods, frozen scores and bulletins are read here and changed on the pages (through the
services, which keep the audit trail)."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from creation.models import Programme
from creation.scope import user_scope
from creation.scoped_admin import ScopedModelAdmin
from scoring.computations import computation_choices
from scoring.models import (
    AcceptanceEvaluation,
    AcceptanceSettings,
    AdoptionClaim,
    Bulletin,
    CreationStandard,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    ScoringPeriod,
    ScoringSettings,
    UnitStatusDecision,
    VetoOverride,
)


class ReadOnlyAdmin(ScopedModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(ScopedModelAdmin):
    list_display = [
        "programme",
        "base_points",
        "tier1_points",
        "tier2_points",
        "tier3_points",
        "tier4_points",
        "tier5_points",
    ]
    list_select_related = ["programme"]


@admin.register(MediaOutlet)
class MediaOutletAdmin(ScopedModelAdmin):
    """The national catalogue is kept by the national office; a provincial programme's office
    keeps its programme's own outlets (user_scope().can_change_outlet)."""

    list_display = ["name", "programme", "tier", "level", "generic", "active", "sort_order"]
    list_filter = ["tier", "level", "generic", "active"]
    list_select_related = ["programme"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_scope(request.user).can_add_outlets() and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        scope = user_scope(request.user)
        allowed = (
            scope.can_add_outlets() if obj is None else scope.can_change_outlet(obj.programme_id)
        )
        return allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Claims keep their outlet; retire an outlet with "active" instead.
        return False

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "programme":
            scope = user_scope(request.user)
            programmes = Programme.objects.filter(kind=Programme.Kind.PROVINCIAL)
            if not scope.everything:
                programmes = programmes.filter(pk__in=scope.office_programme_ids)
            kwargs["queryset"] = programmes
            if not scope.can_change_reference_data():
                # the office of a provincial programme adds and keeps that programme's own only
                kwargs["required"] = True
                kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AdoptionClaim)
class AdoptionClaimAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "outlet", "published_on", "tier", "status"]
    list_filter = ["status", "tier", "unit__batch__programme"]
    search_fields = ["title", "unit__name", "outlet__name", "outlet_name"]
    list_select_related = ["unit", "outlet"]
    date_hierarchy = "published_on"


class PeriodEventInline(admin.TabularInline):
    model = PeriodEvent
    extra = 0
    readonly_fields = ["action", "actor", "at", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScoringPeriod)
class ScoringPeriodAdmin(ReadOnlyAdmin):
    list_display = ["programme", "kind", "batch", "label", "status", "closed_at"]
    list_filter = ["kind", "status", "programme"]
    list_select_related = ["programme", "batch__programme"]
    inlines = [PeriodEventInline]


@admin.register(PeriodScore)
class PeriodScoreAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "base", "bonus", "total", "rank"]
    list_filter = ["period__programme", "period__kind"]
    search_fields = ["unit__name"]
    list_select_related = ["period__programme", "unit"]


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ["number", "period", "published_on", "published_by"]
    list_select_related = ["period__programme", "published_by"]


# --- §8, R6.5, R6.6: creation standards, acceptance settings and audit records ---------------


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
