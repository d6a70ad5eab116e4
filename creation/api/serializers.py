from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
)
from portal.api import ScopedPrimaryKeyRelatedField


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "province", "economic_belt"]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "name", "kind", "province", "office_name"]


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "programme", "number", "year", "cycle_start", "cycle_end"]


class UnitRegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level"]


class CreationUnitSerializer(serializers.ModelSerializer):
    region = UnitRegionSerializer(read_only=True)
    # One nested serializer for the whole list: building one per unit (a method field) cost
    # about 1.4 ms a unit, most of a page's time.
    province = UnitRegionSerializer(source="region.province_region", read_only=True)
    programme = serializers.IntegerField(source="batch.programme_id", read_only=True)
    batch_number = serializers.IntegerField(
        source="batch.number", read_only=True, label=_("Batch number")
    )

    class Meta:
        model = CreationUnit
        fields = [
            "id",
            "name",
            "kind",
            "level",
            "status",
            "start_date",
            "host_organisation",
            "region",
            "province",
            "programme",
            "batch",
            "batch_number",
        ]


# --- R1 leadership and R2 liaison -------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "required_for_zones", "required_for_projects"]


class GroupMemberSerializer(serializers.ModelSerializer):
    group = ScopedPrimaryKeyRelatedField(LeadershipGroup, label=_("Leadership group"))
    department_name = serializers.CharField(
        label=_("Department name"),
        source="department.name",
        read_only=True,
        default=None,
        allow_null=True,
    )

    class Meta:
        model = GroupMember
        fields = [
            "id",
            "group",
            "name",
            "position",
            "role",
            "leader_kind",
            "department",
            "department_name",
            "duty",
            "sort_order",
        ]


class LeadershipGroupSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)
    members = GroupMemberSerializer(many=True, read_only=True)

    class Meta:
        model = LeadershipGroup
        fields = [
            "id",
            "unit",
            "name",
            "established_on",
            "document_number",
            "updated_at",
            "members",
        ]
        validators = []  # one group per unit is checked by the model, with a clear message


class OfficeStaffSerializer(serializers.ModelSerializer):
    office = ScopedPrimaryKeyRelatedField(GroupOffice)

    class Meta:
        model = OfficeStaff
        fields = ["id", "office", "name", "position", "phone"]


class GroupOfficeSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)
    staff = OfficeStaffSerializer(many=True, read_only=True)

    class Meta:
        model = GroupOffice
        fields = [
            "id",
            "unit",
            "placed_in",
            "in_cultural_administration",
            "director_name",
            "director_position",
            "phone",
            "updated_at",
            "staff",
        ]
        validators = []


class MeetingSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)
    minutes = serializers.FileField(
        write_only=True, required=False, help_text="PDF, DOCX or image; checked by content."
    )
    minutes_url = serializers.SerializerMethodField(label=_("Minutes link"))

    class Meta:
        model = Meeting
        fields = [
            "id",
            "unit",
            "kind",
            "held_on",
            "title",
            "attendees",
            "agenda",
            "decisions",
            "minutes",
            "minutes_name",
            "minutes_url",
            "created_at",
        ]
        read_only_fields = ["minutes_name"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_minutes_url(self, meeting: Meeting) -> str | None:
        if not meeting.minutes:
            return None
        url = reverse("api:meeting-minutes", kwargs={"pk": meeting.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class LiaisonSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)
    is_active = serializers.BooleanField(read_only=True, label=_("Serving"))
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Liaison
        fields = [
            "id",
            "unit",
            "name",
            "organisation",
            "position",
            "position_kind",
            "phone",
            "mobile",
            "email",
            "started_on",
            "ended_on",
            "end_reason",
            "is_active",
            "warnings",
        ]
        read_only_fields = ["ended_on", "end_reason"]

    def get_warnings(self, liaison: Liaison) -> list[str]:
        # R2.1: as a rule the deputy head of the culture bureau; another position is allowed.
        if liaison.position_kind != Liaison.PositionKind.DEPUTY_HEAD_CULTURE:
            return [
                str(
                    _(
                        "R2.1: the liaison is, as a rule, the deputy head of the culture bureau in charge."
                    )
                )
            ]
        return []


class LiaisonEndSerializer(serializers.Serializer):
    """C5: end a liaison's term without a successor."""

    ended_on = serializers.DateField(
        help_text="The last day served: not before the term started, not after today."
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LiaisonAttendanceSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    liaison_name = serializers.CharField(source="liaison.name", read_only=True, default=None)

    class Meta:
        model = LiaisonAttendance
        fields = ["unit", "unit_name", "liaison", "liaison_name", "attended"]


class LiaisonMeetingSerializer(serializers.ModelSerializer):
    attendances = LiaisonAttendanceSerializer(many=True, read_only=True, label=_("Attendance"))
    host_name = serializers.CharField(source="host.name", read_only=True, label=_("Host name"))

    class Meta:
        model = LiaisonMeeting
        fields = [
            "id",
            "programme",
            "audience",
            "year",
            "period",
            "scheduled_on",
            "place",
            "host",
            "host_name",
            "agenda",
            "status",
            "minutes_name",
            "attendances",
        ]


class ComplianceItemSerializer(serializers.Serializer):
    rule = serializers.CharField()
    status = serializers.ChoiceField(choices=["ok", "warning", "failed"])
    message = serializers.CharField()
    evidence = serializers.CharField()
    section = serializers.CharField()
