"""Serializers of supervision (R4)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inspections.models import (
    ChecklistItem,
    FeedbackLetter,
    Finding,
    FindingEvidence,
    Inspection,
    Rectification,
    RectificationEvent,
    RectificationEvidence,
    SelfInspection,
    SelfInspectionItem,
    TeamMember,
)


class TeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamMember
        fields = ["name", "position"]


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "indicator", "text", "result", "remark"]


class InspectionSerializer(serializers.ModelSerializer):
    members = TeamMemberSerializer(many=True, read_only=True)
    checklist = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "unit",
            "planned_start",
            "planned_end",
            "held_start",
            "held_end",
            "leader_name",
            "leader_position",
            "members",
            "scope",
            "status",
            "checklist",
        ]


class FindingEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FindingEvidence
        fields = ["id", "name", "uploaded_at"]


class FindingSerializer(serializers.ModelSerializer):
    evidence = FindingEvidenceSerializer(many=True, read_only=True)
    rectification = serializers.PrimaryKeyRelatedField(read_only=True, label=_("Rectification"))

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "severity",
            "rule_id",
            "indicator",
            "description",
            "requirement",
            "evidence",
            "rectification",
        ]


class RectificationEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationEvidence
        fields = ["id", "name", "uploaded_at"]


class RectificationEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(label=_("Actor"))

    class Meta:
        model = RectificationEvent
        fields = ["id", "rectification", "actor", "at", "from_status", "to_status", "comment"]


class RectificationSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="finding.inspection.unit_id", read_only=True)
    evidence = RectificationEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "unit",
            "finding",
            "owner",
            "deadline",
            "status",
            "report",
            "evidence",
            "updated_at",
        ]


class RectificationSubmitSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class RectificationReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RectificationReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class FeedbackLetterSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="inspection.unit_id", read_only=True)
    sent_by = serializers.StringRelatedField()

    class Meta:
        model = FeedbackLetter
        fields = [
            "id",
            "unit",
            "inspection",
            "local_government",
            "provincial_government",
            "document_number",
            "sent_on",
            "sent_by",
        ]


class SelfInspectionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelfInspectionItem
        fields = ["id", "indicator", "text", "result", "remark"]


class SelfInspectionSerializer(serializers.ModelSerializer):
    items = SelfInspectionItemSerializer(many=True, read_only=True, label=_("Checked items"))
    period = serializers.CharField(source="obligation.period_label", read_only=True)
    submission = serializers.SerializerMethodField(label=_("Submission"))
    submission_status = serializers.SerializerMethodField(label=_("Submission status"))

    class Meta:
        model = SelfInspection
        fields = [
            "id",
            "unit",
            "obligation",
            "period",
            "meeting",
            "summary",
            "items",
            "submission",
            "submission_status",
        ]

    def _submission(self, obj: SelfInspection):
        return getattr(obj.obligation, "submission", None)

    def get_submission(self, obj: SelfInspection) -> int | None:
        submission = self._submission(obj)
        return submission.pk if submission else None

    def get_submission_status(self, obj: SelfInspection) -> str:
        submission = self._submission(obj)
        return submission.status if submission else ""
