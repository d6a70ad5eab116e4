"""Admin of supervision (R4): the office edits its programme's inspection settings; inspections,
findings, rectification and letters are read here (they change through the pages and the API,
which keep the event log), and nothing of them is deleted."""

from django.contrib import admin

from creation.scoped_admin import ScopedModelAdmin
from inspections.models import (
    FeedbackLetter,
    Finding,
    Inspection,
    InspectionSettings,
    Rectification,
    RectificationEvent,
    SelfInspection,
)


@admin.register(InspectionSettings)
class InspectionSettingsAdmin(ScopedModelAdmin):
    list_display = [
        "programme",
        "min_per_year",
        "max_per_year",
        "reminder_days_before",
        "reminder_days_after",
    ]
    list_select_related = ["programme"]


class ReadOnlyAdmin(ScopedModelAdmin):
    """Shown, never changed or deleted here: decisions are kept with their history."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "planned_start", "planned_end", "held_start", "status", "leader_name"]
    list_filter = ["status", "unit__batch__programme"]
    search_fields = ["unit__name", "leader_name"]
    list_select_related = ["unit"]
    date_hierarchy = "planned_start"


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "severity", "rule_id", "description"]
    list_filter = ["severity", "rule_id"]
    list_select_related = ["inspection__unit"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["finding", "owner", "deadline", "status"]
    list_filter = ["status"]
    list_select_related = ["finding"]


@admin.register(RectificationEvent)
class RectificationEventAdmin(ReadOnlyAdmin):
    list_display = ["rectification", "at", "actor", "from_status", "to_status"]
    list_select_related = ["rectification__finding", "actor"]


@admin.register(FeedbackLetter)
class FeedbackLetterAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "inspection", "sent_on", "sent_by"]
    list_select_related = ["inspection__unit", "sent_by"]


@admin.register(SelfInspection)
class SelfInspectionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "obligation", "meeting", "updated_at"]
    list_select_related = ["unit", "obligation", "meeting"]
