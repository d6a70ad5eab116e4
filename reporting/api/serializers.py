from collections.abc import Callable
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import DeadlineField, ExportSource, ScopedPrimaryKeyRelatedField
from reporting.documents import document_kinds
from reporting.models import (
    DocumentJob,
    Obligation,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
)
from reporting.rules import is_on_time, traffic_light


def _on_time(first_submitted_at: datetime | None, due_at: datetime, status: str) -> bool:
    return is_on_time(first_submitted_at=first_submitted_at, due_at=due_at, status=status)


def _lights_now() -> Callable[[datetime, datetime | None], str]:
    """The status light of each obligation of a file, all as of the moment the file is made."""
    now = timezone.now()

    def light(due_at: datetime, first_submitted_at: datetime | None) -> str:
        return str(traffic_light(due_at=due_at, first_submitted_at=first_submitted_at, now=now))

    return light


class SubmissionSummarySerializer(serializers.ModelSerializer):
    on_time = serializers.BooleanField(read_only=True)

    # What an export reads from the database instead of the model's properties.
    export_sources = {
        "on_time": ExportSource(_on_time, "first_submitted_at", "obligation__due_at", "status"),
    }

    class Meta:
        model = Submission
        fields = ["id", "status", "first_submitted_at", "is_late", "on_time"]


class ObligationSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("Unit name"))
    submission = serializers.SerializerMethodField(label=_("Submission"))
    light = serializers.SerializerMethodField(label=_("Status light"))
    due_at = DeadlineField(read_only=True, label=_("Due date"))

    # What an export reads from the database instead of calling the methods row by row.
    export_sources = {
        "submission": "submission",
        "light": ExportSource(
            _lights_now, "due_at", "submission__first_submitted_at", per_file=True
        ),
        # The obligation's own due date, rather than the submission's obligation joined again.
        "submission.on_time": ExportSource(
            _on_time, "submission__first_submitted_at", "due_at", "submission__status"
        ),
    }

    class Meta:
        model = Obligation
        fields = [
            "id",
            "unit",
            "unit_name",
            "type",
            "period_label",
            "period_start",
            "period_end",
            "due_at",
            "light",
            "submission",
        ]

    def _submission(self, obligation: Obligation) -> Submission | None:
        try:
            return obligation.submission
        except Submission.DoesNotExist:
            return None

    @extend_schema_field(SubmissionSummarySerializer(allow_null=True))
    def get_submission(self, obligation: Obligation) -> dict | None:
        submission = self._submission(obligation)
        return SubmissionSummarySerializer(submission).data if submission else None

    @extend_schema_field(
        serializers.ChoiceField(choices=["green", "amber", "yellow", "red", "grey"])
    )
    def get_light(self, obligation: Obligation) -> str:
        submission = self._submission(obligation)
        first = submission.first_submitted_at if submission else None
        return str(
            traffic_light(due_at=obligation.due_at, first_submitted_at=first, now=timezone.now())
        )


class SubmissionEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = SubmissionEvent
        fields = ["action", "actor", "at", "comment"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(label=_("Download link"))

    class Meta:
        model = SubmissionAttachment
        fields = ["id", "submission", "name", "uploaded_at", "url"]

    def get_url(self, attachment: SubmissionAttachment) -> str:
        return reverse("api:submission-attachment-download", kwargs={"pk": attachment.pk})


class SubmissionSerializer(serializers.ModelSerializer):
    obligation = ScopedPrimaryKeyRelatedField(Obligation, label=_("Reporting obligation"))
    on_time = serializers.BooleanField(read_only=True)
    events = SubmissionEventSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    files = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        help_text="Attachments to add.",
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "obligation",
            "status",
            "title",
            "body",
            "work_progress",
            "design_research",
            "phased_results",
            "first_submitted_at",
            "submitted_at",
            "is_late",
            "on_time",
            "reviewed_at",
            "review_comment",
            "events",
            "attachments",
            "files",
        ]
        read_only_fields = [
            "status",
            "first_submitted_at",
            "submitted_at",
            "is_late",
            "reviewed_at",
            "review_comment",
        ]


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# --- Generated documents --------------------------------------------------------------------------


class DocumentJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(label=_("Download link"))

    class Meta:
        model = DocumentJob
        fields = [
            "id",
            "kind",
            "format",
            "params",
            "unit",
            "status",
            "progress",
            "file_name",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, job: DocumentJob) -> str | None:
        if job.status != DocumentJob.Status.DONE:
            return None
        return reverse("api:document-job-download", kwargs={"pk": job.pk})


class DocumentJobRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[], help_text="A registered document kind, e.g. summary-report."
    )
    format = serializers.ChoiceField(choices=DocumentJob.Format.choices)
    params = serializers.DictField(
        help_text='For a document about a unit: {"unit": <id>}.', required=False, default=dict
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.slug, str(kind.title)) for kind in document_kinds()]
