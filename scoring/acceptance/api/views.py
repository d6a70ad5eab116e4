"""The scoring API: veto gauges (R6.6), overrides, creation standards and indicators (§8),
indicator reviews (mid-term and final values) and acceptance evaluations (R6.5). Every queryset
starts from `visible_to(request.user)`; writes go through scoring.services, which answer 403 to
anyone but the office of the unit's programme."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from creation.api.filters import CreationUnitFilter
from creation.models import CreationUnit
from creation.scope import user_scope
from portal.api import (
    EXPORT_HEADERS_PARAMETER,
    HistoryMixin,
    ScopedReadOnlyViewSet,
    ScopedViewSetMixin,
    export_list,
    export_requested,
)
from scoring import services
from scoring.acceptance.api.filters import (
    AcceptanceEvaluationFilter,
    CreationStandardFilter,
    IndicatorFilter,
    IndicatorReviewFilter,
    VetoOverrideFilter,
)
from scoring.acceptance.api.serializers import (
    AcceptanceEvaluationSerializer,
    AcceptanceRunSerializer,
    CreationStandardSerializer,
    IndicatorReviewInputSerializer,
    IndicatorReviewSerializer,
    IndicatorSerializer,
    StatusDecisionInputSerializer,
    UnitStatusDecisionSerializer,
    VetoGaugeSerializer,
    VetoOverrideSerializer,
)
from scoring.models import (
    AcceptanceEvaluation,
    CreationStandard,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    VetoOverride,
)
from scoring.selectors import gauge_statuses, gauges_of, stored_gauge

GAUGE_STATUS = OpenApiParameter(
    "gauge_status",
    str,
    enum=["attention", "at_risk", "failed", "ok"],
    description="Only units whose gauge has this status (attention = at risk or failed).",
)


@extend_schema_view(
    list=extend_schema(
        summary="Veto gauges of the units (R6.6)",
        parameters=[GAUGE_STATUS, EXPORT_HEADERS_PARAMETER],
    ),
    retrieve=extend_schema(summary="The veto gauge of a unit (R6.6); `id` is the unit's"),
)
class VetoGaugeViewSet(ScopedReadOnlyViewSet):
    queryset = CreationUnit.objects.with_related().order_by("name", "pk")
    serializer_class = VetoGaugeSerializer
    filterset_class = CreationUnitFilter

    def list(self, request, *args, **kwargs) -> Response:
        # Every unit's stored gauge status in a fixed number of queries, filtered and paged; the
        # items are read for the page (or the download) only.
        units = self.filter_queryset(self.get_queryset())
        wanted = request.query_params.get("gauge_status", "")
        statuses, _counts = gauge_statuses(units, status=wanted)
        if fmt := export_requested(request):
            return export_list(self, fmt, gauges_of(units, statuses))
        page = self.paginate_queryset(statuses)
        gauges = gauges_of(units, page)
        return self.get_paginated_response(self.get_serializer(gauges, many=True).data)

    def retrieve(self, request, *args, **kwargs) -> Response:
        return Response(self.get_serializer(stored_gauge(unit=self.get_object())).data)


@extend_schema_view(
    list=extend_schema(summary="Office overrides of veto items, newest first (R6.6 audit)"),
    create=extend_schema(summary="Override a veto item with a written reason (office)"),
)
class VetoOverrideViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = VetoOverride.objects.select_related("decided_by")
    serializer_class = VetoOverrideSerializer
    filterset_class = VetoOverrideFilter

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.veto_override_create(
            user=self.request.user,
            unit=data["unit"],
            item=data["item"],
            decision=data["decision"],
            reason=data["reason"],
        )


@extend_schema_view(list=extend_schema(summary="Creation standards per batch and belt (§8)"))
class CreationStandardViewSet(ScopedReadOnlyViewSet):
    queryset = CreationStandard.objects.select_related("batch").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order", "code"))
    )
    serializer_class = CreationStandardSerializer
    filterset_class = CreationStandardFilter


@extend_schema_view(list=extend_schema(summary="Indicators of the creation standards (§8)"))
class IndicatorViewSet(ScopedReadOnlyViewSet):
    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter


@extend_schema_view(
    list=extend_schema(summary="Indicator reviews: mid-term (中期督查) and final values (§8)"),
    create=extend_schema(
        summary="Record an indicator review of a unit (office)",
        request=IndicatorReviewInputSerializer,
        responses=IndicatorReviewSerializer,
    ),
)
class IndicatorReviewViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = IndicatorReview.objects.prefetch_related(
        Prefetch("values", queryset=IndicatorValue.objects.select_related("indicator"))
    )
    serializer_class = IndicatorReviewSerializer
    filterset_class = IndicatorReviewFilter

    def create(self, request, *args, **kwargs) -> Response:
        data = IndicatorReviewInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        found = data.validated_data
        review = services.indicator_review_record(
            user=request.user,
            unit=found["unit"],
            stage=found["stage"],
            reviewed_on=found["reviewed_on"],
            note=found["note"],
            values={int(k): v for k, v in found["values"].items() if str(k).isdigit()},
        )
        return Response(IndicatorReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Acceptance evaluations (R6.5, R6.6, §8), newest first"),
    create=extend_schema(
        summary="Run the acceptance evaluation of a unit (office); a new row each time",
        request=AcceptanceRunSerializer,
        responses=AcceptanceEvaluationSerializer,
    ),
)
class AcceptanceEvaluationViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = AcceptanceEvaluation.objects.all()
    serializer_class = AcceptanceEvaluationSerializer
    filterset_class = AcceptanceEvaluationFilter

    def create(self, request, *args, **kwargs) -> Response:
        data = AcceptanceRunSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        evaluation = services.acceptance_evaluate(
            user=request.user, unit=data.validated_data["unit"]
        )
        return Response(
            AcceptanceEvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Set the unit accepted or vetoed on this evaluation, with a reason (office)",
        request=StatusDecisionInputSerializer,
        responses=UnitStatusDecisionSerializer,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None) -> Response:
        evaluation = self.get_object()
        if not user_scope(request.user).can_run_programme(evaluation.unit.batch.programme_id):
            raise PermissionDenied(_("Only the programme office decides on acceptance."))
        data = StatusDecisionInputSerializer(data=request.data)
        if not data.is_valid():
            raise ValidationError(data.errors)
        decision = services.unit_status_decide(
            user=request.user,
            unit=evaluation.unit,
            status=data.validated_data["status"],
            reason=data.validated_data["reason"],
            evaluation=evaluation,
        )
        return Response(UnitStatusDecisionSerializer(decision).data)
