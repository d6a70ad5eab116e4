"""The unit status payload: the unit, then one object per section of dashboard.status.

`STATUS_SECTIONS` is the one list of sections: its name in the payload and the serializer that
describes it. The payload serializer is built from it. It writes each unit's answer when the
unit's figures are stored (dashboard.services), and the API sends the stored answers
(dashboard.selectors.status_answers); a new section is one loader in dashboard.status, its
columns in dashboard.models.UnitFigures, one serializer and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from creation.models import CreationUnit, Liaison
from reporting.models import Obligation
from scoring.acceptance.api.serializers import GAUGE_STATUS_CHOICES, GaugeItemSerializer


class StatusProvinceSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="ID")
    name = serializers.CharField()


class StatusBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(label="ID")
    number = serializers.IntegerField(label=_("Batch number"))
    year = serializers.IntegerField()
    programme = serializers.IntegerField(source="programme_id")
    programme_name = serializers.CharField(source="programme.name", label=_("Programme name"))


class StatusUnitSerializer(serializers.ModelSerializer):
    batch = StatusBatchSerializer(read_only=True)
    province = StatusProvinceSerializer(source="region.province_region", read_only=True)

    class Meta:
        model = CreationUnit
        fields = ["id", "name", "kind", "status", "start_date", "batch", "province"]


class CurrentPeriodSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="`half_year` for a zone (R6.3), `cycle` for a project (R6.4)."
    )
    label = serializers.CharField(
        label=_("Period"), help_text="e.g. 2026H2, or the cycle as start/end."
    )
    start = serializers.DateField(label=_("Start date"))
    end = serializers.DateField(label=_("End date"))


class NextDueSerializer(serializers.ModelSerializer):
    due_at = serializers.DateTimeField()

    class Meta:
        model = Obligation
        fields = ["id", "type", "period_label", "period_start", "period_end", "due_at"]


class ReportingStatusSerializer(serializers.Serializer):
    next_due = NextDueSerializer(
        label=_("Next due"), many=True, help_text="The next three reports due, not yet submitted."
    )
    overdue_count = serializers.IntegerField(
        label=_("Overdue"), help_text="Past their due moment and not submitted."
    )
    due_so_far = serializers.IntegerField()
    on_time = serializers.IntegerField(
        help_text="First submitted by the due moment and not returned since (C1), reviewed or not."
    )
    late = serializers.IntegerField()
    on_time_rate = serializers.FloatField(
        allow_null=True, label=_("On-time rate"), help_text="on_time / due_so_far."
    )


class FundStatusSerializer(serializers.Serializer):
    filed_plans = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    central_budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    central_spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    execution_rate = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text="Spent / budget, in per cent."
    )


class LiaisonContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Liaison
        fields = [
            "id",
            "name",
            "organisation",
            "position",
            "phone",
            "mobile",
            "email",
            "started_on",
        ]


class PublicityStatusSerializer(serializers.Serializer):
    """R6.1–R6.4: the live publicity score of the current scoring period and the rank in it."""

    period_start = serializers.DateField(label=_("Period start"))
    period_end = serializers.DateField(label=_("Period end"))
    base = serializers.IntegerField(help_text="R6.1: 50 when every R5.2 report was on time.")
    bonus = serializers.IntegerField(help_text="R6.2: points of the verified adoptions.")
    total = serializers.IntegerField()
    rank = serializers.IntegerField(help_text="Among the units of the same batch and kind.")
    ranked_units = serializers.IntegerField(label=_("Units ranked"))


class VetoStatusSerializer(serializers.Serializer):
    """R6.6: the one-vote-veto gauge."""

    status = serializers.ChoiceField(choices=GAUGE_STATUS_CHOICES)
    items = GaugeItemSerializer(many=True, label=_("Veto items"))


class RectificationStatusSerializer(serializers.Serializer):
    """R4.1: rectification items not yet verified by the office."""

    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    next_deadline = serializers.DateField(allow_null=True, label=_("Next deadline"))


@dataclass(frozen=True)
class StatusSection:
    name: str
    serializer: type[serializers.Field]  # a serializer, or a plain field for a single value
    nullable: bool = False  # e.g. a unit without a liaison
    many: bool = False  # a list per unit (e.g. veto-gauge items)
    help_text: str = ""
    label: Any = None  # the heading of its columns in an export

    def field(self) -> serializers.Field:
        if issubclass(self.serializer, serializers.BaseSerializer):
            return self.serializer(
                many=self.many, allow_null=self.nullable, read_only=True, label=self.label
            )
        return self.serializer(
            allow_null=self.nullable, read_only=True, help_text=self.help_text, label=self.label
        )


STATUS_SECTIONS: list[StatusSection] = [
    StatusSection(
        "current_period",
        CurrentPeriodSerializer,
        label=_("Current period"),
    ),
    StatusSection("reporting", ReportingStatusSerializer),
    StatusSection("funds", FundStatusSerializer),
    StatusSection("liaison", LiaisonContactSerializer, nullable=True),
    StatusSection(
        "liaison_vacant_since",
        serializers.DateField,
        nullable=True,
        label=_("Liaison vacant since"),
        help_text=(
            "C5 (R2.1): the first day without a liaison when the unit has none now (the last "
            "term ended without a successor, or none was appointed); null while a liaison serves."
        ),
    ),
    StatusSection("publicity", PublicityStatusSerializer, nullable=True),
    StatusSection("veto", VetoStatusSerializer, label=_("One-vote veto")),
    StatusSection(
        "rectifications",
        RectificationStatusSerializer,
        label=_("Rectifications"),
    ),
]


class _UnitStatusBase(serializers.Serializer):
    id = serializers.IntegerField(label="ID")
    unit = StatusUnitSerializer()


UnitStatusSerializer = type(
    "UnitStatusSerializer",
    (_UnitStatusBase,),
    {section.name: section.field() for section in STATUS_SECTIONS}
    | {"__module__": __name__, "__doc__": "The status of a creation unit."},
)
