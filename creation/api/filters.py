import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from creation.models import (
    Batch,
    CreationUnit,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    Programme,
    Region,
)
from creation.scope import units_in_provinces_q, visible_units
from portal.filters import ModelChoiceFilter, UpdatedSinceFilter, YearFilter


def _visible_batches(request) -> QuerySet:
    return Batch.objects.visible_to(getattr(request, "user", None)).select_related("programme")


def _visible_programmes(request) -> QuerySet:
    return Programme.objects.visible_to(getattr(request, "user", None))


class RegionFilter(django_filters.FilterSet):
    parent = ModelChoiceFilter(queryset=Region.objects.all())

    class Meta:
        model = Region
        fields = ["level", "parent", "economic_belt"]


class ProgrammeFilter(django_filters.FilterSet):
    class Meta:
        model = Programme
        fields = ["kind", "province"]


class BatchFilter(django_filters.FilterSet):
    programme = ModelChoiceFilter(queryset=_visible_programmes, label=_("Programme"))

    class Meta:
        model = Batch
        fields = ["programme", "year"]


@extend_schema_field(OpenApiTypes.INT)
class ProvinceFilter(ModelChoiceFilter):
    """A province by its id (the filter's method reads it as a `Region`)."""


class CreationUnitFilter(django_filters.FilterSet):
    batch = ModelChoiceFilter(queryset=_visible_batches, label=_("Batch"))
    province = ProvinceFilter(
        queryset=Region.objects.provinces(),
        method="filter_province",
        label=_("Province"),
    )
    programme = ModelChoiceFilter(
        queryset=_visible_programmes, field_name="batch__programme", label=_("Programme")
    )

    class Meta:
        model = CreationUnit
        fields = ["batch", "province", "programme", "kind", "status", "level"]

    def filter_province(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        return queryset.filter(units_in_provinces_q([value.pk]))


class CreationUnitSyncFilter(CreationUnitFilter):
    """The unit list's filters, and `updated_since`: the unit, or anything recorded for it,
    changed (the status list adds the moves of its ranking: dashboard.api.views). Pages keep
    the filters without it."""

    updated_since = UpdatedSinceFilter(field_name="changed_at")


class UnitRecordFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))


class LeadershipGroupFilter(UnitRecordFilter):
    class Meta:
        model = LeadershipGroup
        fields = ["unit"]


class GroupMemberFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(
        queryset=visible_units, field_name="group__unit", label=_("Creation unit")
    )

    class Meta:
        model = GroupMember
        fields = ["unit", "group", "role", "department"]


class GroupOfficeFilter(UnitRecordFilter):
    class Meta:
        model = GroupOffice
        fields = ["unit"]


class OfficeStaffFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(
        queryset=visible_units, field_name="office__unit", label=_("Creation unit")
    )

    class Meta:
        model = OfficeStaff
        fields = ["unit", "office"]


class MeetingFilter(UnitRecordFilter):
    year = YearFilter(field_name="held_on", lookup_expr="year", label=_("Year"))
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["unit", "kind", "year", "held_after", "held_before"]


class LiaisonFilter(UnitRecordFilter):
    active = django_filters.BooleanFilter(
        field_name="ended_on", lookup_expr="isnull", label=_("Active")
    )

    class Meta:
        model = Liaison
        fields = ["unit", "active", "position_kind"]


class LiaisonMeetingFilter(django_filters.FilterSet):
    programme = ModelChoiceFilter(queryset=_visible_programmes, label=_("Programme"))

    class Meta:
        model = LiaisonMeeting
        fields = ["programme", "audience", "year", "period", "status"]
