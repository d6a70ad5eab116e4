from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from portal.api import HistoryMixin, ScopedReadOnlyViewSet, ScopedViewSetMixin
from portal.filters import UPDATED_SINCE_PARAMETER
from portal.schema import DOWNLOAD_CONTENT_TYPE
from reporting.api.filters import DocumentJobFilter, ObligationFilter, SubmissionFilter
from reporting.api.serializers import (
    AttachmentSerializer,
    DocumentJobRequestSerializer,
    DocumentJobSerializer,
    ObligationSerializer,
    ReviewSerializer,
    SubmissionSerializer,
)
from reporting.models import (
    DocumentJob,
    Obligation,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
)
from reporting.services import (
    document_job_request,
    submission_accept,
    submission_return,
    submission_save,
    submission_submit,
    submission_withdraw,
)


@extend_schema_view(
    list=extend_schema(
        summary="Reporting obligations (R5.2, R3.3, R4.2)",
        description=(
            "Filter by unit, type, period, due range, submission status (or `missing`) and "
            "on-time. `updated_since`: every obligation of each unit that changed after that "
            "moment (replace what you hold of those units: obligations also disappear when a "
            "unit's dates change)."
        ),
        parameters=[UPDATED_SINCE_PARAMETER],
    )
)
class ObligationViewSet(ScopedReadOnlyViewSet):
    queryset = Obligation.objects.select_related("unit", "submission")
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilter
    ordering_fields = ["due_at", "period_start"]


@extend_schema_view(
    list=extend_schema(summary="Submitted and draft reports"),
    create=extend_schema(summary="Start the report of an obligation (unit staff; a draft)"),
    partial_update=extend_schema(
        summary="Change some fields of a draft or returned report (unit staff)"
    ),
    update=extend_schema(summary="Replace a draft or returned report (unit staff)"),
)
class SubmissionViewSet(
    HistoryMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Submission.objects.select_related("obligation__unit").prefetch_related(
        Prefetch("events", SubmissionEvent.objects.select_related("actor")), "attachments"
    )
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["submitted_at", "updated_at"]

    def perform_create(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        obligation = fields.pop("obligation")
        if Submission.objects.filter(obligation=obligation).exists():
            raise ValidationError(
                {"obligation": _("This obligation already has a report; change it instead.")}
            )
        files = fields.pop("files", [])
        serializer.instance = submission_save(
            user=self.request.user, obligation=obligation, fields=fields, attachments=files
        )

    def perform_update(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        obligation = fields.pop("obligation", serializer.instance.obligation)
        if obligation != serializer.instance.obligation:
            raise ValidationError({"obligation": _("A report cannot move to another obligation.")})
        files = fields.pop("files", [])
        serializer.instance = submission_save(
            user=self.request.user, obligation=obligation, fields=fields, attachments=files
        )

    def _respond(self, submission: Submission) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=submission.pk)).data)

    @extend_schema(summary="Submit or resubmit (unit staff)", request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None) -> Response:
        return self._respond(submission_submit(user=request.user, submission=self.get_object()))

    @extend_schema(summary="Withdraw to draft until reviewed (unit staff)", request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None) -> Response:
        return self._respond(submission_withdraw(user=request.user, submission=self.get_object()))

    @extend_schema(summary="Accept (office)", request=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None) -> Response:
        review = ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        submission = submission_accept(
            reviewer=request.user,
            submission=self.get_object(),
            comment=review.validated_data["comment"],
        )
        return self._respond(submission)

    @extend_schema(summary="Return for changes with a comment (office)", request=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None) -> Response:
        review = ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        submission = submission_return(
            reviewer=request.user,
            submission=self.get_object(),
            comment=review.validated_data["comment"],
        )
        return self._respond(submission)


@extend_schema_view(list=extend_schema(summary="Attachments of reports"))
class SubmissionAttachmentViewSet(ScopedReadOnlyViewSet):
    queryset = SubmissionAttachment.objects.select_related("submission")
    serializer_class = AttachmentSerializer
    filterset_fields = ["submission"]

    @extend_schema(
        summary="Download the file", responses={(200, "application/octet-stream"): bytes}
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None) -> FileResponse:
        attachment = self.get_object()
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=DOWNLOAD_CONTENT_TYPE,
        )


# --- Generated documents --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Generated documents the caller may see"),
    retrieve=extend_schema(summary="One document: status, progress and, once done, its download"),
)
class DocumentJobViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = DocumentJob.objects.all()
    serializer_class = DocumentJobSerializer
    filterset_class = DocumentJobFilter
    ordering_fields = ["created_at"]

    @extend_schema(
        summary="Ask for a document (202: a worker makes it; poll the job, then download)",
        request=DocumentJobRequestSerializer,
        responses={202: DocumentJobSerializer},
    )
    def create(self, request, *args, **kwargs) -> Response:
        given = DocumentJobRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        job = document_job_request(user=request.user, **given.validated_data)
        location = reverse("api:document-job-detail", kwargs={"pk": job.pk})
        return Response(
            DocumentJobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )

    @extend_schema(
        summary="Download the document once it is done",
        responses={(200, DOWNLOAD_CONTENT_TYPE): bytes},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None) -> FileResponse:
        job = self.get_object()
        if job.replaced_by_id:
            # An older job of a document made again: its file is the newer job's now.
            job = get_object_or_404(self.get_queryset(), pk=job.replaced_by_id)
        if job.status != DocumentJob.Status.DONE or not job.file:
            raise Http404
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.file_name,
            content_type=DOWNLOAD_CONTENT_TYPE,
        )
