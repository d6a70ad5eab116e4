from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creation.models import CreationUnit, Programme
from portal.api import ScopedPrimaryKeyRelatedField
from reporting.models import DocumentJob
from scoring.models import (
    AdoptionClaim,
    Bulletin,
    MediaOutlet,
    PeriodEvent,
    PeriodScore,
    ScoringPeriod,
)


class MediaOutletSerializer(serializers.ModelSerializer):
    # Empty: the national catalogue; set: a provincial programme's own outlet.
    programme = ScopedPrimaryKeyRelatedField(Programme, required=False, allow_null=True)

    class Meta:
        model = MediaOutlet
        fields = ["id", "name", "programme", "tier", "level", "generic", "active"]
        # The service checks who may add the outlet first, then the model (its unique names).
        validators: list = []


class AdoptionClaimSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("Unit name"))
    outlet = ScopedPrimaryKeyRelatedField(MediaOutlet)
    outlet_label = serializers.CharField(read_only=True, label=_("Outlet as shown"))
    scan = serializers.FileField(required=False, write_only=True)
    has_scan = serializers.SerializerMethodField(label=_("Scan attached"))

    class Meta:
        model = AdoptionClaim
        fields = [
            "id",
            "unit",
            "unit_name",
            "outlet",
            "outlet_name",
            "outlet_label",
            "title",
            "published_on",
            "link",
            "scan",
            "has_scan",
            "tier",
            "status",
            "claimed_at",
            "reviewed_at",
            "reject_reason",
        ]
        read_only_fields = ["tier", "status", "claimed_at", "reviewed_at", "reject_reason"]

    def get_has_scan(self, claim: AdoptionClaim) -> bool:
        return bool(claim.scan)


# Required values are checked by the services, after the permission: a caller who may not act
# learns 403, not what the form lacks. Serializers that mark a field required (for the schema:
# the server does require it) are read with `partial=True`, which leaves the check to the service.
class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class PublishSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    published_on = serializers.DateField()


class DocumentFormatSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=DocumentJob.Format.choices)


class PeriodEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = PeriodEvent
        fields = ["action", "actor", "at", "reason"]


class ScoringPeriodSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(
        source="programme.name", read_only=True, label=_("Programme name")
    )
    bulletin = serializers.SerializerMethodField()

    class Meta:
        model = ScoringPeriod
        fields = [
            "id",
            "programme",
            "programme_name",
            "kind",
            "batch",
            "label",
            "start",
            "end",
            "status",
            "closed_at",
            "bulletin",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_bulletin(self, period: ScoringPeriod) -> int | None:
        try:
            return period.bulletin.pk
        except Bulletin.DoesNotExist:
            return None


class RankingRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="name", label=_("Unit name"))
    batch = serializers.SerializerMethodField()
    rank = serializers.IntegerField()
    base = serializers.IntegerField()
    bonus = serializers.IntegerField()
    total = serializers.IntegerField()
    all_on_time = serializers.BooleanField()
    tier_counts = serializers.ListField(child=serializers.IntegerField())

    def get_batch(self, row) -> int:
        return row.group[0]


class PeriodScoreSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("Unit name"))
    period_label = serializers.CharField(source="period.label", read_only=True, label=_("Period"))

    class Meta:
        model = PeriodScore
        fields = [
            "id",
            "period",
            "period_label",
            "unit",
            "unit_name",
            "all_on_time",
            "base",
            "bonus",
            "total",
            "rank",
            "tier_counts",
        ]


class BulletinSerializer(serializers.ModelSerializer):
    period_label = serializers.CharField(source="period.label", read_only=True, label=_("Period"))
    programme = serializers.IntegerField(source="period.programme_id", read_only=True)

    class Meta:
        model = Bulletin
        fields = ["id", "period", "period_label", "programme", "number", "published_on"]
