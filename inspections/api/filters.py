import django_filters

from creation.api.filters import UnitRecordFilter
from creation.scope import visible_units
from inspections.models import (
    FeedbackLetter,
    Finding,
    Inspection,
    Rectification,
    RectificationEvent,
    SelfInspection,
)
from portal.filters import IdFilter, ModelChoiceFilter, YearFilter


class InspectionFilter(UnitRecordFilter):
    year = YearFilter(field_name="planned_start__year")

    class Meta:
        model = Inspection
        fields = ["unit", "status", "year"]


class FindingFilter(django_filters.FilterSet):
    inspection = IdFilter(field_name="inspection_id")
    unit = ModelChoiceFilter(queryset=visible_units, field_name="inspection__unit")

    class Meta:
        model = Finding
        fields = ["unit", "inspection", "severity", "rule_id"]


class RectificationFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, field_name="finding__inspection__unit")
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte")

    class Meta:
        model = Rectification
        fields = ["unit", "status", "deadline_before"]


class RectificationEventFilter(django_filters.FilterSet):
    rectification = IdFilter(field_name="rectification_id")

    class Meta:
        model = RectificationEvent
        fields = ["rectification", "to_status"]


class FeedbackLetterFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, field_name="inspection__unit")

    class Meta:
        model = FeedbackLetter
        fields = ["unit"]


class SelfInspectionFilter(UnitRecordFilter):
    class Meta:
        model = SelfInspection
        fields = ["unit"]
