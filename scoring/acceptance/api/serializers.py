from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creation.models import CreationUnit
from portal.api import ScopedPrimaryKeyRelatedField
from scoring.models import (
    AcceptanceEvaluation,
    CreationStandard,
    Indicator,
    IndicatorReview,
    IndicatorValue,
    UnitStatusDecision,
    VetoOverride,
)
from scoring.rules import VETO_ITEM_CHOICES, GaugeStatus

GAUGE_STATUS_CHOICES = [(s.value, s.value) for s in GaugeStatus]


@extend_schema_field(OpenApiTypes.INT)
class UnitField(ScopedPrimaryKeyRelatedField):
    def __init__(self, **kwargs) -> None:
        super().__init__(CreationUnit, **kwargs)


class OverrideInForceSerializer(serializers.Serializer):
    decision = serializers.CharField()
    reason = serializers.CharField()
    decided_by = serializers.CharField()
    decided_at = serializers.CharField()


class GaugeItemSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=VETO_ITEM_CHOICES)
    rule = serializers.CharField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=GAUGE_STATUS_CHOICES)
    computed_status = serializers.ChoiceField(choices=GAUGE_STATUS_CHOICES)
    message = serializers.CharField()
    evidence = serializers.CharField()
    evidence_url = serializers.CharField()
    override = OverrideInForceSerializer(allow_null=True)


class VetoGaugeSerializer(serializers.Serializer):
    """R6.6: a unit's veto gauge (`id` is the unit's)."""

    id = serializers.IntegerField(source="unit.pk", label=_("Unit ID"))
    name = serializers.CharField(source="unit.name")
    kind = serializers.CharField(source="unit.kind")
    batch = serializers.IntegerField(source="unit.batch_id")
    status = serializers.ChoiceField(choices=GAUGE_STATUS_CHOICES)
    vetoed = serializers.BooleanField()
    items = serializers.SerializerMethodField(label=_("Veto items"))

    @extend_schema_field(GaugeItemSerializer(many=True))
    def get_items(self, gauge) -> list:
        return GaugeItemSerializer(gauge.rows(), many=True).data


class VetoOverrideSerializer(serializers.ModelSerializer):
    unit = ScopedPrimaryKeyRelatedField(CreationUnit)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)

    class Meta:
        model = VetoOverride
        fields = ["id", "unit", "item", "decision", "reason", "decided_by", "decided_at"]
        read_only_fields = ["decided_by", "decided_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "standard",
            "part",
            "code",
            "name",
            "measure_unit",
            "threshold",
            "weight",
            "source",
            "computation",
            "sort_order",
        ]


class CreationStandardSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = CreationStandard
        fields = ["id", "batch", "economic_belt", "title", "indicators"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "code", "name", "value", "computed", "completion", "grade", "points"]


class IndicatorReviewSerializer(serializers.ModelSerializer):
    values = IndicatorValueSerializer(many=True, read_only=True, label=_("Indicator values"))

    class Meta:
        model = IndicatorReview
        fields = ["id", "unit", "stage", "reviewed_on", "note", "composite_score", "values"]


class IndicatorReviewInputSerializer(serializers.Serializer):
    unit = UnitField()
    stage = serializers.ChoiceField(choices=IndicatorReview.Stage.choices)
    reviewed_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True),
        required=False,
        default=dict,
        help_text="Indicator id → value; leave a computed indicator out to compute it.",
    )


class AcceptanceEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceEvaluation
        fields = [
            "id",
            "unit",
            "review",
            "indicator_score",
            "publicity_points",
            "best_publicity_points",
            "publicity_score",
            "total",
            "pass_mark",
            "vetoed",
            "result",
            "explanation",
            "parts",
            "evaluated_at",
        ]


class AcceptanceRunSerializer(serializers.Serializer):
    unit = UnitField()


class StatusDecisionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=UnitStatusDecision.Decision.choices)
    reason = serializers.CharField(allow_blank=True)


class UnitStatusDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitStatusDecision
        fields = ["id", "unit", "evaluation", "previous_status", "status", "reason", "decided_at"]
