import django_filters

from creation.api.filters import UnitRecordFilter
from places.models import (
    ArtTeam,
    CulturalEvent,
    Facility,
    Honour,
    Investment,
    StaffCount,
    SummaryText,
    TrainingCourse,
)


class FacilityFilter(UnitRecordFilter):
    class Meta:
        model = Facility
        fields = ["unit", "kind", "community"]


class ArtTeamFilter(UnitRecordFilter):
    class Meta:
        model = ArtTeam
        fields = ["unit", "kind", "community"]


class CulturalEventFilter(UnitRecordFilter):
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = CulturalEvent
        fields = ["unit", "is_brand", "held_after", "held_before"]


class StaffCountFilter(UnitRecordFilter):
    class Meta:
        model = StaffCount
        fields = ["unit", "level"]


class TrainingCourseFilter(UnitRecordFilter):
    class Meta:
        model = TrainingCourse
        fields = ["unit"]


class InvestmentFilter(UnitRecordFilter):
    class Meta:
        model = Investment
        fields = ["unit"]


class HonourFilter(UnitRecordFilter):
    class Meta:
        model = Honour
        fields = ["unit", "level"]


class SummaryTextFilter(UnitRecordFilter):
    class Meta:
        model = SummaryText
        fields = ["unit"]
