"""The funds API. Every queryset starts from `visible_to(request.user)` (ScopedViewSetMixin):
objects outside the caller's scope answer 404. Writes go through funds.services; an action the
caller may not take answers 403 before its input is looked at."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from creation.api.filters import CreationUnitFilter
from creation.api.unit_records import UnitRecordViewSet
from creation.models import CreationUnit
from creation.scope import user_scope
from funds import services
from funds.api.filters import (
    BudgetLineFilter,
    CentralAllocationFilter,
    ExpenditureFilter,
    FundCategoryFilter,
    FundPlanFilter,
    FundPlanVersionFilter,
    LocalFundingFilter,
)
from funds.api.serializers import (
    BudgetLineSerializer,
    CentralAllocationSerializer,
    DecisionInputSerializer,
    ExecutionSerializer,
    ExpenditureSerializer,
    FilingInputSerializer,
    FundCategorySerializer,
    FundPlanSerializer,
    FundPlanVersionSerializer,
    FundReportSerializer,
    FundReportSubmitSerializer,
    LocalFundingSerializer,
    ReversalInputSerializer,
)
from funds.models import (
    BudgetLine,
    CentralAllocation,
    Expenditure,
    FundCategory,
    FundPlan,
    FundPlanVersion,
    LocalFunding,
    PlanDecision,
)
from funds.selectors import (
    default_period,
    half_year_report,
    parse_period,
    unit_execution,
)
from portal.api import HistoryMixin, ScopedReadOnlyViewSet, ScopedViewSetMixin
from portal.schema import DOWNLOAD_CONTENT_TYPE, answers_conflict
from reporting.api.serializers import SubmissionSerializer

UPLOADS = [JSONParser, MultiPartParser, FormParser]


def _download(field, name: str) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = name or field.name.rsplit("/", 1)[-1]
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=DOWNLOAD_CONTENT_TYPE
    )


@extend_schema_view(list=extend_schema(summary="Spending categories (R3.1), an editable list"))
class FundCategoryViewSet(ScopedReadOnlyViewSet):
    queryset = FundCategory.objects.all()
    serializer_class = FundCategorySerializer
    filterset_class = FundCategoryFilter


@extend_schema_view(list=extend_schema(summary="Central subsidy allocated to units"))
class CentralAllocationViewSet(UnitRecordViewSet):
    queryset = CentralAllocation.objects.select_related("unit")
    serializer_class = CentralAllocationSerializer
    filterset_class = CentralAllocationFilter
    ordering_fields = ["allocated_on", "amount"]


@extend_schema_view(list=extend_schema(summary="Local creation funds committed and paid"))
class LocalFundingViewSet(UnitRecordViewSet):
    queryset = LocalFunding.objects.select_related("unit")
    serializer_class = LocalFundingSerializer
    filterset_class = LocalFundingFilter
    ordering_fields = ["committed_on"]


@extend_schema_view(
    list=extend_schema(summary="Fund-use plans (R3.2) with the state of their latest version"),
    create=extend_schema(summary="Start a plan and its first version, a draft (unit staff)"),
)
class FundPlanViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = FundPlan.objects.with_latest().select_related("unit")
    serializer_class = FundPlanSerializer
    filterset_class = FundPlanFilter
    ordering_fields = ["created_at", "title"]

    def perform_create(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        unit, title = fields.pop("unit"), fields.pop("title")
        if FundPlan.objects.filter(unit=unit, title=title).exists():
            raise ValidationError({"title": _("The unit already has a plan with this title.")})
        plan = services.fund_plan_create(
            user=self.request.user, unit=unit, title=title, fields=fields
        )
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    @extend_schema(
        summary="Start the next version of a returned plan (unit staff)",
        request=None,
        responses=FundPlanVersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None) -> Response:
        version = services.fund_plan_revise(user=request.user, plan=self.get_object())
        return Response(FundPlanVersionSerializer(_versions().get(pk=version.pk)).data, status=201)


def _versions():
    return FundPlanVersion.objects.select_related("plan").prefetch_related(
        Prefetch("lines", BudgetLine.objects.select_related("category")),
        Prefetch("decisions", PlanDecision.objects.select_related("decided_by")),
    )


@extend_schema_view(
    list=extend_schema(summary="Versions of fund-use plans with lines, totals and decisions"),
    partial_update=extend_schema(summary="Change a draft's scope or rules (unit staff)"),
    update=extend_schema(summary="Replace a draft's scope and rules (unit staff)"),
)
class FundPlanVersionViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = _versions()
    serializer_class = FundPlanVersionSerializer
    filterset_class = FundPlanVersionFilter
    parser_classes = UPLOADS
    ordering_fields = ["submitted_at", "number"]

    def perform_update(self, serializer) -> None:
        version = services.fund_plan_version_update(
            user=self.request.user,
            version=serializer.instance,
            fields=dict(serializer.validated_data),
        )
        serializer.instance = self.get_queryset().get(pk=version.pk)

    def _respond(self, version: FundPlanVersion) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=version.pk)).data)

    @extend_schema(
        summary="Submit a draft to the provincial finance and culture reviewers", request=None
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None) -> Response:
        return self._respond(
            services.fund_plan_version_submit(user=request.user, version=self.get_object())
        )

    @extend_schema(
        summary="Approve or return (provincial finance or culture reviewer)",
        request=DecisionInputSerializer,
    )
    @action(detail=True, methods=["post"])
    @answers_conflict
    def decide(self, request, pk=None) -> Response:
        version = self.get_object()
        if not services.review_stages(user=request.user, unit=version.plan.unit):
            raise PermissionDenied(_("Only the provincial finance and culture reviewers decide."))
        decision = DecisionInputSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        return self._respond(
            services.fund_plan_version_decide(
                user=request.user, version=version, **decision.validated_data
            )
        )

    @extend_schema(summary="File (备案) or return (office)", request=FilingInputSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None) -> Response:
        version = self.get_object()
        if not services.can_file(user=request.user, unit=version.plan.unit):
            raise PermissionDenied(_("Only the programme's office files fund-use plans."))
        filing = FilingInputSerializer(data=request.data)
        filing.is_valid(raise_exception=True)
        return self._respond(
            services.fund_plan_version_file(
                user=request.user, version=version, **filing.validated_data
            )
        )

    @extend_schema(
        summary="Download the management rules file",
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"])
    def rules(self, request, pk=None) -> FileResponse:
        version = self.get_object()
        return _download(version.rules_file, version.rules_file_name)


@extend_schema_view(
    list=extend_schema(summary="Budget lines with what is spent and what is left"),
    create=extend_schema(summary="Add a line to a draft (unit staff)"),
)
class BudgetLineViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = BudgetLine.objects.select_related("category", "version")
    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilter
    ordering_fields = ["sort_order", "amount"]

    def perform_create(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        version = fields.pop("version")
        serializer.instance = services.budget_line_save(
            user=self.request.user, version=version, fields=fields
        )

    def perform_update(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        version = fields.pop("version", serializer.instance.version)
        if version != serializer.instance.version:
            raise ValidationError({"version": _("A budget line cannot move to another version.")})
        serializer.instance = services.budget_line_save(
            user=self.request.user, version=version, line=serializer.instance, fields=fields
        )

    def perform_destroy(self, instance: BudgetLine) -> None:
        services.budget_line_delete(user=self.request.user, line=instance)


@extend_schema_view(
    list=extend_schema(summary="Expenditures against the lines of filed plans"),
    create=extend_schema(
        summary="Record an expenditure with its voucher (unit staff; multipart)",
        description="Refused (400, nothing saved) when the line is not in a filed plan, when "
        "central money is in a category not allowed, or when the amount exceeds what is left.",
    ),
)
class ExpenditureViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Expenditure.objects.select_related(
        "line__category", "line__version__plan", "reversal"
    )
    serializer_class = ExpenditureSerializer
    filterset_class = ExpenditureFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    ordering_fields = ["spent_on", "amount"]

    def perform_create(self, serializer) -> None:
        expenditure = services.expenditure_record(
            user=self.request.user, **dict(serializer.validated_data)
        )
        serializer.instance = self.get_queryset().get(pk=expenditure.pk)

    @extend_schema(
        summary="Reverse a wrong expenditure by a correcting entry (unit staff; C6)",
        description="The entry is never edited or deleted: a correcting entry on its line and "
        "date takes back its amount, with the reason (audited). 409 when the entry is already "
        "reversed; 400 when it is itself a correcting entry, or without a reason.",
        request=ReversalInputSerializer,
        responses={201: ExpenditureSerializer},
    )
    @action(detail=True, methods=["post"])
    @answers_conflict
    def reverse(self, request, pk=None) -> Response:
        expenditure = self.get_object()
        if not user_scope(request.user).can_edit_unit(expenditure.line.version.plan.unit_id):
            raise PermissionDenied(_("Only the unit's own staff can change its funds."))
        data = ReversalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = services.expenditure_reverse(
            user=request.user, expenditure=expenditure, reason=data.validated_data["reason"]
        )
        body = ExpenditureSerializer(self.get_queryset().get(pk=reversal.pk)).data
        return Response(body, status=201)

    @extend_schema(
        summary="Download the voucher", responses={(200, "application/octet-stream"): bytes}
    )
    @action(detail=True, methods=["get"])
    def voucher(self, request, pk=None) -> FileResponse:
        expenditure = self.get_object()
        return _download(expenditure.voucher, expenditure.voucher_name)


@extend_schema_view(
    list=extend_schema(
        summary="Execution per unit: budget of filed plans, spending and rate",
        description="Per creation unit the caller may see: the budget of its filed fund plans, "
        "what was spent and the execution rate. Filter the units by batch, province, programme, "
        "kind, status and level.",
    )
)
class FundExecutionViewSet(ScopedReadOnlyViewSet):
    queryset = unit_execution(CreationUnit.objects.with_related())
    serializer_class = ExecutionSerializer
    filterset_class = CreationUnitFilter
    ordering_fields = ["name"]


PERIOD = OpenApiParameter(
    "period", str, description="The half year, e.g. 2026H1; by default the last one that ended."
)


class FundReportViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """R3.3: a unit's half-yearly fund report (`pk` is the unit's), compiled from its spending."""

    queryset = CreationUnit.objects.with_related()
    serializer_class = FundReportSerializer
    filterset_class = None
    pagination_class = None

    @extend_schema(summary="The half-yearly fund report of a unit (R3.3)", parameters=[PERIOD])
    def retrieve(self, request, pk=None) -> Response:
        unit = self.get_object()
        period = default_period()
        if request.query_params.get("period"):
            period = parse_period(request.query_params["period"])
            if period is None:
                raise ValidationError({"period": _("Give the half year like 2026H1.")})
        report = half_year_report(unit=unit, period=period)
        return Response(FundReportSerializer(report).data)

    @extend_schema(
        summary="Compile the report and submit it as the unit's fund report (unit staff)",
        request=FundReportSubmitSerializer,
        responses=SubmissionSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None) -> Response:
        unit = self.get_object()
        if not user_scope(request.user).can_edit_unit(unit.pk):
            raise PermissionDenied(_("Only the unit's own staff submit its fund report."))
        data = FundReportSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.fund_report_submit(
            user=request.user, unit=unit, period=parse_period(data.validated_data["period"])
        )
        return Response(SubmissionSerializer(submission, context={"request": request}).data)
