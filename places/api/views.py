"""The REST API of the records of a creating place (§7): everyone in scope reads; the unit's own
staff write (creation.api.unit_records.UnitRecordViewSet)."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from creation.api.unit_records import UnitRecordViewSet
from places.api import filters as filters
from places.api import serializers as serializers
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


@extend_schema_view(list=extend_schema(summary="Public cultural facilities (§7)"))
class FacilityViewSet(UnitRecordViewSet):
    queryset = Facility.objects.all()
    serializer_class = serializers.FacilitySerializer
    filterset_class = filters.FacilityFilter
    ordering_fields = ["name", "floor_area"]


@extend_schema_view(list=extend_schema(summary="Amateur art teams per community (§7)"))
class ArtTeamViewSet(UnitRecordViewSet):
    queryset = ArtTeam.objects.all()
    serializer_class = serializers.ArtTeamSerializer
    filterset_class = filters.ArtTeamFilter
    ordering_fields = ["name", "community", "members"]


@extend_schema_view(list=extend_schema(summary="Events and brands with performances and audience"))
class CulturalEventViewSet(UnitRecordViewSet):
    queryset = CulturalEvent.objects.all()
    serializer_class = serializers.CulturalEventSerializer
    filterset_class = filters.CulturalEventFilter
    ordering_fields = ["held_on", "audience"]


@extend_schema_view(list=extend_schema(summary="Cultural staff per level (§7)"))
class StaffCountViewSet(UnitRecordViewSet):
    queryset = StaffCount.objects.all()
    serializer_class = serializers.StaffCountSerializer
    filterset_class = filters.StaffCountFilter


@extend_schema_view(list=extend_schema(summary="Training courses and trainees (§7)"))
class TrainingCourseViewSet(UnitRecordViewSet):
    queryset = TrainingCourse.objects.all()
    serializer_class = serializers.TrainingCourseSerializer
    filterset_class = filters.TrainingCourseFilter
    ordering_fields = ["held_on", "trainees"]


@extend_schema_view(list=extend_schema(summary="Money invested per item, in 10,000 yuan (§7)"))
class InvestmentViewSet(UnitRecordViewSet):
    queryset = Investment.objects.all()
    serializer_class = serializers.InvestmentSerializer
    filterset_class = filters.InvestmentFilter
    ordering_fields = ["invested_on", "amount"]


@extend_schema_view(list=extend_schema(summary="Honours won (§7)"))
class HonourViewSet(UnitRecordViewSet):
    queryset = Honour.objects.all()
    serializer_class = serializers.HonourSerializer
    filterset_class = filters.HonourFilter
    ordering_fields = ["awarded_on"]


@extend_schema_view(list=extend_schema(summary="The narrative parts of the summary report"))
class SummaryTextViewSet(UnitRecordViewSet):
    queryset = SummaryText.objects.all()
    serializer_class = serializers.SummaryTextSerializer
    filterset_class = filters.SummaryTextFilter
