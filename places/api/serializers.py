"""Serializers of the records of a creating place (§7)."""

from rest_framework import serializers

from creation.models import CreationUnit
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
from portal.api import ScopedPrimaryKeyRelatedField


class UnitRecordSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)


class FacilitySerializer(UnitRecordSerializer):
    class Meta:
        model = Facility
        fields = [
            "id",
            "unit",
            "kind",
            "name",
            "community",
            "address",
            "floor_area",
            "equipment",
            "weekly_hours",
        ]


class ArtTeamSerializer(UnitRecordSerializer):
    class Meta:
        model = ArtTeam
        fields = ["id", "unit", "name", "kind", "community", "members"]


class CulturalEventSerializer(UnitRecordSerializer):
    class Meta:
        model = CulturalEvent
        fields = ["id", "unit", "name", "held_on", "is_brand", "performances", "audience"]


class StaffCountSerializer(UnitRecordSerializer):
    class Meta:
        model = StaffCount
        fields = ["id", "unit", "level", "full_time", "part_time", "volunteers"]
        validators = []  # one row per level is checked by the model, with a clear message


class TrainingCourseSerializer(UnitRecordSerializer):
    class Meta:
        model = TrainingCourse
        fields = ["id", "unit", "course", "held_on", "trainees"]


class InvestmentSerializer(UnitRecordSerializer):
    class Meta:
        model = Investment
        fields = ["id", "unit", "item", "amount", "invested_on"]


class HonourSerializer(UnitRecordSerializer):
    class Meta:
        model = Honour
        fields = ["id", "unit", "title", "level", "awarded_on", "awarded_by"]


class SummaryTextSerializer(UnitRecordSerializer):
    class Meta:
        model = SummaryText
        fields = [
            "id",
            "unit",
            "overview",
            "aims",
            "leadership",
            "measures",
            "problems",
            "updated_at",
        ]
        validators = []
