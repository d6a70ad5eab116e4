from django.contrib import admin

from creation.hooks import unit_structure_sync
from creation.models import (
    Batch,
    CreationUnit,
    Department,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonAttendance,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    Programme,
    Region,
    RoleAssignment,
)
from creation.scoped_admin import ReferenceDataAdmin, ScopedModelAdmin
from creation.services import unit_save


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "level", "parent", "province", "economic_belt"]
    list_filter = ["level", "economic_belt"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "province"]
    autocomplete_fields = ["parent"]


@admin.register(Programme)
class ProgrammeAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "province", "office_name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["province"]


@admin.register(Batch)
class BatchAdmin(ScopedModelAdmin):
    list_display = ["__str__", "programme", "number", "year", "cycle_start", "cycle_end"]
    list_filter = ["programme", "year"]
    list_select_related = ["programme"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # A unit's calendar follows its own cycle (C2), but also its batch's programme settings.
        for unit in obj.units.select_related("batch__programme"):
            unit_structure_sync(unit=unit)


@admin.register(CreationUnit)
class CreationUnitAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "level", "region", "batch", "status", "start_date"]
    list_filter = ["kind", "status", "level", "batch__programme", "batch"]
    search_fields = ["name", "host_organisation", "region__name"]
    list_select_related = ["region", "batch", "batch__programme"]
    autocomplete_fields = ["region"]
    date_hierarchy = "start_date"

    def save_model(self, request, obj, form, change) -> None:
        # C3: the unit service saves it and gives it its reporting calendar in this transaction.
        unit_save(unit=obj)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Who may see what: managed by superusers only (office reviewers have no permission on it)."""

    list_display = ["user", "role", "unit", "province", "department", "programme"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "unit__name"]
    list_select_related = ["user", "unit", "province", "programme"]
    autocomplete_fields = ["user", "unit", "province"]


# --- R1 leadership and R2 liaison -------------------------------------------------------------


@admin.register(Department)
class DepartmentAdmin(ReferenceDataAdmin):
    """The editable list of departments of R1.1; the national office keeps it."""

    list_display = ["name", "required_for_zones", "required_for_projects", "sort_order"]
    list_editable = ["required_for_zones", "required_for_projects", "sort_order"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    fields = ["name", "position", "role", "leader_kind", "department", "duty", "sort_order"]


@admin.register(LeadershipGroup)
class LeadershipGroupAdmin(ScopedModelAdmin):
    list_display = ["name", "unit", "established_on", "document_number"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]
    inlines = [GroupMemberInline]


class OfficeStaffInline(admin.TabularInline):
    model = OfficeStaff
    extra = 0


@admin.register(GroupOffice)
class GroupOfficeAdmin(ScopedModelAdmin):
    list_display = ["unit", "placed_in", "in_cultural_administration", "director_name"]
    list_select_related = ["unit"]
    inlines = [OfficeStaffInline]


@admin.register(Meeting)
class MeetingAdmin(ScopedModelAdmin):
    list_display = ["held_on", "title", "kind", "unit", "minutes_name"]
    list_filter = ["kind"]
    search_fields = ["title", "unit__name"]
    list_select_related = ["unit"]
    date_hierarchy = "held_on"


@admin.register(Liaison)
class LiaisonAdmin(ScopedModelAdmin):
    list_display = ["name", "unit", "position", "position_kind", "mobile", "started_on", "ended_on"]
    list_filter = ["position_kind"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]


class LiaisonAttendanceInline(admin.TabularInline):
    model = LiaisonAttendance
    extra = 0
    fields = ["unit", "liaison", "attended"]
    readonly_fields = ["unit", "liaison"]


@admin.register(LiaisonMeeting)
class LiaisonMeetingAdmin(ScopedModelAdmin):
    list_display = ["scheduled_on", "programme", "audience", "year", "period", "host", "status"]
    list_filter = ["audience", "status", "programme"]
    list_select_related = ["programme", "host"]
    inlines = [LiaisonAttendanceInline]
