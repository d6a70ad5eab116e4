"""The supervision API (R4). Every queryset starts from `visible_to(request.user)`
(ScopedViewSetMixin): objects outside the caller's scope answer 404. Reads for everyone in scope;
the rectification actions go through inspections.services (403 for a caller who may not
take them)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from inspections import services
from inspections.api import filters as filters
from inspections.api import serializers as serializers
from inspections.models import (
    FeedbackLetter,
    Finding,
    Inspection,
    Rectification,
    RectificationEvent,
    SelfInspection,
    validate_evidence_upload,
)
from portal.api import HistoryMixin, ScopedReadOnlyViewSet


@extend_schema_view(list=extend_schema(summary="Inspections of the office (R4.1)"))
class InspectionViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = Inspection.objects.prefetch_related("members", "checklist")
    serializer_class = serializers.InspectionSerializer
    filterset_class = filters.InspectionFilter
    ordering_fields = ["planned_start", "held_start"]


@extend_schema_view(list=extend_schema(summary="Findings of inspections (R4.1)"))
class FindingViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = Finding.objects.select_related("rectification").prefetch_related("evidence")
    serializer_class = serializers.FindingSerializer
    filterset_class = filters.FindingFilter


@extend_schema_view(list=extend_schema(summary="Rectification items of findings (R4.1)"))
class RectificationViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = Rectification.objects.select_related("finding__inspection").prefetch_related(
        "evidence"
    )
    serializer_class = serializers.RectificationSerializer
    filterset_class = filters.RectificationFilter
    ordering_fields = ["deadline", "updated_at"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _respond(self, rectification: Rectification) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=rectification.pk)).data)

    @extend_schema(
        summary="Submit the rectification with evidence (unit staff)",
        request=serializers.RectificationSubmitSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None) -> Response:
        rectification = self.get_object()
        services.require_unit_staff(request.user, services.rectification_unit(rectification))
        data = serializers.RectificationSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") or data.validated_data["files"]
        for upload in files:
            validate_evidence_upload(upload)
        return self._respond(
            services.rectification_submit(
                user=request.user,
                rectification=rectification,
                report=data.validated_data["report"],
                evidence=files,
            )
        )

    @extend_schema(
        summary="Verify a submitted rectification (office)",
        request=serializers.RectificationReviewSerializer,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None) -> Response:
        data = serializers.RectificationReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            services.rectification_verify(
                user=request.user,
                rectification=self.get_object(),
                comment=data.validated_data["comment"],
            )
        )

    @extend_schema(
        summary="Reopen a submitted rectification, with the reason (office)",
        request=serializers.RectificationReopenSerializer,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None) -> Response:
        rectification = self.get_object()
        services.require_office(request.user, services.rectification_unit(rectification))
        data = serializers.RectificationReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            services.rectification_reopen(
                user=request.user,
                rectification=rectification,
                reason=data.validated_data["reason"],
            )
        )


@extend_schema_view(list=extend_schema(summary="History of rectification items"))
class RectificationEventViewSet(ScopedReadOnlyViewSet):
    queryset = RectificationEvent.objects.select_related("actor")
    serializer_class = serializers.RectificationEventSerializer
    filterset_class = filters.RectificationEventFilter


@extend_schema_view(list=extend_schema(summary="Written feedback letters as sent (R4.1)"))
class FeedbackLetterViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = FeedbackLetter.objects.select_related("inspection", "sent_by")
    serializer_class = serializers.FeedbackLetterSerializer
    filterset_class = filters.FeedbackLetterFilter


@extend_schema_view(list=extend_schema(summary="Half-yearly self-inspections (R4.2)"))
class SelfInspectionViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = SelfInspection.objects.select_related("obligation__submission").prefetch_related(
        Prefetch("items")
    )
    serializer_class = serializers.SelfInspectionSerializer
    filterset_class = filters.SelfInspectionFilter
