from django.contrib import admin

from creation.models import Batch, CreationUnit, Programme, Region, RoleAssignment
from portal.admin import ScopedModelAdmin


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


@admin.register(CreationUnit)
class CreationUnitAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "level", "region", "batch", "status", "start_date"]
    list_filter = ["kind", "status", "level", "batch__programme", "batch"]
    search_fields = ["name", "host_organisation", "region__name"]
    list_select_related = ["region", "batch", "batch__programme"]
    autocomplete_fields = ["region"]
    date_hierarchy = "start_date"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Who may see what: managed by superusers only (office reviewers have no permission on it)."""

    list_display = ["user", "role", "unit", "province", "department", "programme"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "unit__name"]
    list_select_related = ["user", "unit", "province", "programme"]
    autocomplete_fields = ["user", "unit", "province"]
