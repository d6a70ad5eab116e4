"""Admin of reporting: the office sets its programme's deadlines and reminders here and reads
obligations, reports and reminders; lists are scoped like every page."""

from django.contrib import admin

from creation.scoped_admin import ScopedModelAdmin
from portal.tasks import enqueue_on_commit
from reporting.models import (
    DocumentJob,
    Obligation,
    Reminder,
    ReportingSettings,
    Submission,
    SubmissionEvent,
)
from reporting.tasks import obligations_sync_task


@admin.register(ReportingSettings)
class ReportingSettingsAdmin(ScopedModelAdmin):
    list_display = [
        "programme",
        "monthly_due_day",
        "periodic_due_day",
        "half_year_due_day",
        "reminder_days_before",
        "escalate_after_days",
    ]
    list_select_related = ["programme"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # New deadlines apply to every unit of the programme: re-sync in the background.
        enqueue_on_commit(obligations_sync_task, obj.programme_id)


@admin.register(Obligation)
class ObligationAdmin(ScopedModelAdmin):
    list_display = ["unit", "type", "period_label", "due_at"]
    list_filter = ["type", "unit__batch__programme"]
    search_fields = ["unit__name", "period_label"]
    list_select_related = ["unit"]
    date_hierarchy = "due_at"


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    readonly_fields = ["action", "actor", "at", "comment"]
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(ScopedModelAdmin):
    list_display = ["title", "obligation", "status", "first_submitted_at", "is_late"]
    list_filter = ["status", "is_late", "obligation__type"]
    search_fields = ["title", "obligation__unit__name"]
    list_select_related = ["obligation__unit"]
    inlines = [SubmissionEventInline]


@admin.register(Reminder)
class ReminderAdmin(ScopedModelAdmin):
    list_display = ["obligation", "kind", "sent_at", "recipients", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["obligation__unit"]


@admin.register(DocumentJob)
class DocumentJobAdmin(ScopedModelAdmin):
    """Generated documents, read-only: they are asked for on the pages and made by a worker."""

    list_display = ["created_at", "kind", "format", "unit", "status", "progress", "requested_by"]
    list_filter = ["kind", "format", "status"]
    search_fields = ["unit__name", "file_name"]
    list_select_related = ["unit", "requested_by"]
    readonly_fields = [field.name for field in DocumentJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
