"""Admin of scoring: models register with portal.admin.ScopedModelAdmin so that lists stay scoped.

The office sets its programme's publicity points and keeps the media catalogue here; claims,
periods, frozen scores and bulletins are read here and changed on the pages (through the
services, which keep the audit trail)."""

from django.contrib import admin

from portal.admin import ScopedModelAdmin
from scoring.models import (
    AdoptionClaim,
    Bulletin,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    ScoringPeriod,
    ScoringSettings,
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
    list_display = ["name", "tier", "level", "generic", "active", "sort_order"]
    list_filter = ["tier", "level", "generic", "active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Claims keep their outlet; retire an outlet with "active" instead.
        return False


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
