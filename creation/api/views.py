from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from creation.api.filters import (
    BatchFilter,
    CreationUnitSyncFilter,
    GroupMemberFilter,
    GroupOfficeFilter,
    LeadershipGroupFilter,
    LiaisonFilter,
    LiaisonMeetingFilter,
    MeetingFilter,
    OfficeStaffFilter,
    ProgrammeFilter,
    RegionFilter,
)
from creation.api.serializers import (
    BatchSerializer,
    ComplianceItemSerializer,
    CreationUnitSerializer,
    DepartmentSerializer,
    GroupMemberSerializer,
    GroupOfficeSerializer,
    LeadershipGroupSerializer,
    LiaisonEndSerializer,
    LiaisonMeetingSerializer,
    LiaisonSerializer,
    MeetingSerializer,
    OfficeStaffSerializer,
    ProgrammeSerializer,
    RegionSerializer,
)
from creation.api.unit_records import UnitRecordViewSet
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
from creation.selectors import unit_leadership_compliance
from creation.services import (
    can_end_liaison_term,
    liaison_appoint,
    liaison_term_end,
    liaison_update,
)
from portal.api import HistoryMixin, ScopedReadOnlyViewSet
from portal.filters import UPDATED_SINCE_PARAMETER
from portal.schema import DOWNLOAD_CONTENT_TYPE


@extend_schema_view(
    list=extend_schema(summary="List regions (province → city → district → street)"),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(ScopedReadOnlyViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name"]


@extend_schema_view(
    list=extend_schema(summary="List the programmes visible to the caller"),
    retrieve=extend_schema(summary="One programme"),
)
class ProgrammeViewSet(ScopedReadOnlyViewSet):
    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["name"]


@extend_schema_view(
    list=extend_schema(summary="List the batches visible to the caller"),
    retrieve=extend_schema(summary="One batch"),
)
class BatchViewSet(ScopedReadOnlyViewSet):
    queryset = Batch.objects.all()
    serializer_class = BatchSerializer
    filterset_class = BatchFilter
    ordering_fields = ["year", "number"]


@extend_schema_view(
    list=extend_schema(
        summary="List the creation units visible to the caller",
        description=(
            "Filter by batch, province, programme, kind, status and level; `updated_since`: "
            "only the units that changed after that moment (the unit or anything recorded for it)."
        ),
        parameters=[UPDATED_SINCE_PARAMETER],
    ),
    retrieve=extend_schema(summary="One creation unit"),
)
class CreationUnitViewSet(ScopedReadOnlyViewSet):
    queryset = CreationUnit.objects.with_related()
    serializer_class = CreationUnitSerializer
    filterset_class = CreationUnitSyncFilter
    ordering_fields = ["name", "start_date", "status"]

    @extend_schema(
        summary="R1–R2 compliance of the unit",
        description="Each item: rule id, ok / warning / failed, message, evidence, record section.",
        responses=ComplianceItemSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def compliance(self, request, pk=None) -> Response:
        items = unit_leadership_compliance(unit=self.get_object())
        return Response(ComplianceItemSerializer(items, many=True).data)


# --- R1 leadership and R2 liaison -------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="The editable list of departments (R1.1)"))
class DepartmentViewSet(ScopedReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer


@extend_schema_view(
    list=extend_schema(summary="Leadership groups (R1.1) with their members"),
    create=extend_schema(summary="Record the unit's leadership group (unit staff)"),
)
class LeadershipGroupViewSet(UnitRecordViewSet):
    queryset = LeadershipGroup.objects.select_related("unit").prefetch_related(
        Prefetch("members", GroupMember.objects.select_related("department"))
    )
    serializer_class = LeadershipGroupSerializer
    filterset_class = LeadershipGroupFilter


@extend_schema_view(list=extend_schema(summary="Members of leadership groups (R1.1)"))
class GroupMemberViewSet(UnitRecordViewSet):
    queryset = GroupMember.objects.select_related("department", "group")
    serializer_class = GroupMemberSerializer
    filterset_class = GroupMemberFilter
    parent_field = "group"


@extend_schema_view(list=extend_schema(summary="Leadership-group offices of zones (R1.2)"))
class GroupOfficeViewSet(UnitRecordViewSet):
    queryset = GroupOffice.objects.select_related("unit").prefetch_related("staff")
    serializer_class = GroupOfficeSerializer
    filterset_class = GroupOfficeFilter


@extend_schema_view(list=extend_schema(summary="Staff of leadership-group offices (R1.2)"))
class OfficeStaffViewSet(UnitRecordViewSet):
    queryset = OfficeStaff.objects.select_related("office")
    serializer_class = OfficeStaffSerializer
    filterset_class = OfficeStaffFilter
    parent_field = "office"


@extend_schema_view(
    list=extend_schema(summary="Leadership-group meetings with minutes (R1.3)"),
    create=extend_schema(summary="Record a meeting; send the minutes as multipart form data"),
)
class MeetingViewSet(UnitRecordViewSet):
    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["held_on"]

    @extend_schema(
        summary="Download the minutes", responses={(200, "application/octet-stream"): bytes}
    )
    @action(detail=True, methods=["get"])
    def minutes(self, request, pk=None) -> FileResponse:
        meeting = self.get_object()
        if not meeting.minutes:
            raise Http404
        return FileResponse(
            meeting.minutes.open("rb"),
            as_attachment=True,
            filename=meeting.minutes_name,
            content_type=DOWNLOAD_CONTENT_TYPE,
        )


@extend_schema_view(
    list=extend_schema(summary="Liaisons, current and past (R2.1)"),
    create=extend_schema(
        summary="Appoint a new liaison (unit staff)",
        description="Ends the current liaison's term the day before `started_on`.",
    ),
    update=extend_schema(summary="Correct a liaison's contacts"),
)
class LiaisonViewSet(HistoryMixin, UnitRecordViewSet):
    queryset = Liaison.objects.all()
    serializer_class = LiaisonSerializer
    filterset_class = LiaisonFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        unit, started_on = fields.pop("unit"), fields.pop("started_on")
        serializer.instance = liaison_appoint(
            user=self.request.user,
            unit=unit,
            started_on=started_on,
            account=fields.pop("user", None),
            **fields,
        )

    def perform_update(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        for key in ("unit", "started_on"):
            if key in fields and fields[key] != getattr(serializer.instance, key):
                raise ValidationError(
                    {key: _("Appoint a new liaison to change who is liaison when.")}
                )
            fields.pop(key, None)
        serializer.instance = liaison_update(
            user=self.request.user, liaison=serializer.instance, fields=fields
        )

    @extend_schema(
        summary="End the liaison's term without a successor (unit staff or the office)",
        description=(
            "C5: `ended_on` is the last day served (not before the term started, not after "
            "today). The unit is then without a liaison until someone is appointed. 403 for "
            "anyone but the unit's staff and its programme's office; 404 outside the caller's "
            "scope; 400 when the term has already ended or the date is out of range."
        ),
        request=LiaisonEndSerializer,
        responses=LiaisonSerializer,
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None) -> Response:
        liaison = self.get_object()
        data = LiaisonEndSerializer(data=request.data)
        if not can_end_liaison_term(request.user, liaison):
            raise PermissionDenied(
                _(
                    "Only the unit's own staff or the office of its programme can end a "
                    "liaison's term."
                )
            )
        data.is_valid(raise_exception=True)
        liaison = liaison_term_end(user=request.user, liaison=liaison, **data.validated_data)
        return Response(LiaisonSerializer(liaison, context=self.get_serializer_context()).data)


@extend_schema_view(list=extend_schema(summary="Liaison meetings of the office (R2.2)"))
class LiaisonMeetingViewSet(ScopedReadOnlyViewSet):
    queryset = LiaisonMeeting.objects.select_related("host").prefetch_related(
        Prefetch("attendances", LiaisonAttendance.objects.select_related("unit", "liaison"))
    )
    serializer_class = LiaisonMeetingSerializer
    filterset_class = LiaisonMeetingFilter
    ordering_fields = ["scheduled_on"]
