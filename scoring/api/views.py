"""API of publicity scoring (R6.1–R6.4): the media catalogue, adoption claims and their review,
scoring periods (live or frozen rankings, closing, audited reopening, publishing), frozen scores
and bulletins. Every queryset starts from `visible_to(user)`; writes go through the services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from portal.api import HistoryMixin, ScopedReadOnlyViewSet, ScopedViewSetMixin
from portal.schema import answers_conflict
from reporting.api.serializers import DocumentJobSerializer
from scoring import services
from scoring.api.filters import AdoptionClaimFilter, PeriodScoreFilter, ScoringPeriodFilter
from scoring.api.serializers import (
    AdoptionClaimSerializer,
    BulletinSerializer,
    DocumentFormatSerializer,
    MediaOutletSerializer,
    PeriodEventSerializer,
    PeriodScoreSerializer,
    PublishSerializer,
    RankingRowSerializer,
    RejectSerializer,
    ReopenSerializer,
    ScoringPeriodSerializer,
)
from scoring.models import AdoptionClaim, Bulletin, MediaOutlet, PeriodScore, ScoringPeriod
from scoring.selectors import period_events, period_ranking


@extend_schema_view(
    list=extend_schema(summary="Media outlets and their tiers (R6.2)"),
    create=extend_schema(
        summary="Add an outlet: to the national catalogue (national office) or to a provincial"
        " programme's own list (that programme's office)"
    ),
)
class MediaOutletViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = MediaOutlet.objects.all()
    serializer_class = MediaOutletSerializer
    filterset_fields = ["tier", "level", "generic", "active"]

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.outlet_create(
            user=self.request.user,
            name=data["name"],
            tier=data.get("tier"),
            level=data.get("level", ""),
            generic=data.get("generic", False),
            programme=data.get("programme"),
        )


@extend_schema_view(
    list=extend_schema(summary="Adoption claims (R6.2)"),
    create=extend_schema(summary="Claim an adoption with a link or a scan (unit staff)"),
)
class AdoptionClaimViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = AdoptionClaim.objects.select_related("unit", "outlet")
    serializer_class = AdoptionClaimSerializer
    filterset_class = AdoptionClaimFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["published_on", "claimed_at"]

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.claim_create(
            unit=data["unit"],
            user=self.request.user,
            outlet=data["outlet"],
            title=data["title"],
            published_on=data["published_on"],
            link=data.get("link", ""),
            scan=data.get("scan"),
            outlet_name=data.get("outlet_name", ""),
        )

    def _respond(self, claim: AdoptionClaim) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=claim.pk)).data)

    @extend_schema(summary="Withdraw a claim still waiting (unit staff)", request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None) -> Response:
        return self._respond(services.claim_withdraw(claim=self.get_object(), user=request.user))

    @extend_schema(summary="Verify: the adoption counts (office)", request=None)
    @action(detail=True, methods=["post"])
    @answers_conflict
    def verify(self, request, pk=None) -> Response:
        return self._respond(services.claim_verify(claim=self.get_object(), user=request.user))

    @extend_schema(summary="Reject with a reason (office)", request=RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None) -> Response:
        claim = self.get_object()
        given = RejectSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        claim = services.claim_reject(
            claim=claim, user=request.user, reason=given.validated_data["reason"]
        )
        return self._respond(claim)


@extend_schema_view(list=extend_schema(summary="Scoring periods (R6.3 half years, R6.4 cycles)"))
class ScoringPeriodViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = ScoringPeriod.objects.select_related("programme", "batch", "bulletin")
    serializer_class = ScoringPeriodSerializer
    filterset_class = ScoringPeriodFilter
    ordering_fields = ["start"]

    @extend_schema(
        summary="Ranking: frozen when closed, live while open (units the caller may see)",
        description="The whole ranking as one array, not paginated.",
        responses=RankingRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def ranking(self, request, pk=None) -> Response:
        rows = period_ranking(period=self.get_object(), user=request.user)
        return Response(RankingRowSerializer(rows, many=True).data)

    @extend_schema(
        summary="History: closings, reopenings, publishing",
        description="The whole history as one array, oldest first, not paginated.",
        responses=PeriodEventSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None) -> Response:
        return Response(
            PeriodEventSerializer(period_events(period=self.get_object()), many=True).data
        )

    @extend_schema(summary="Close and freeze the scores (office)", request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None) -> Response:
        period = services.period_close(period=self.get_object(), user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=period.pk)).data)

    @extend_schema(summary="Reopen with a written reason (office)", request=ReopenSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None) -> Response:
        period = self.get_object()
        given = ReopenSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        period = services.period_reopen(
            period=period, user=request.user, reason=given.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=period.pk)).data)

    @extend_schema(
        summary="Publish the bulletin of a closed period (office)",
        request=PublishSerializer,
        responses={201: BulletinSerializer},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None) -> Response:
        period = self.get_object()
        given = PublishSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        bulletin = services.bulletin_publish(
            period=period,
            user=request.user,
            number=given.validated_data.get("number", ""),
            published_on=given.validated_data.get("published_on"),
        )
        return Response(BulletinSerializer(bulletin).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Frozen scores of closed periods"))
class PeriodScoreViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = PeriodScore.objects.select_related("unit", "period")
    serializer_class = PeriodScoreSerializer
    filterset_class = PeriodScoreFilter
    ordering_fields = ["rank", "total"]


@extend_schema_view(list=extend_schema(summary="Published bulletins (通报)"))
class BulletinViewSet(HistoryMixin, ScopedReadOnlyViewSet):
    queryset = Bulletin.objects.select_related("period")
    serializer_class = BulletinSerializer
    filterset_fields = ["period"]

    @extend_schema(
        summary="Ask for the bulletin as PDF or Word (202: poll the document job)",
        request=DocumentFormatSerializer,
        responses={202: DocumentJobSerializer},
    )
    @action(detail=True, methods=["post"])
    def document(self, request, pk=None) -> Response:
        bulletin = self.get_object()
        given = DocumentFormatSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        job = services.bulletin_document_request(
            bulletin=bulletin, user=request.user, format=given.validated_data.get("format", "")
        )
        return Response(
            DocumentJobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api:document-job-detail", kwargs={"pk": job.pk})},
        )
