import django_filters
from django.utils.translation import gettext_lazy as _

from creation.api.filters import UnitRecordFilter, _visible_batches
from portal.filters import ModelChoiceFilter
from scoring.models import (
    AcceptanceEvaluation,
    CreationStandard,
    Indicator,
    IndicatorReview,
    VetoOverride,
)


class CreationStandardFilter(django_filters.FilterSet):
    batch = ModelChoiceFilter(queryset=_visible_batches, label=_("Batch"))

    class Meta:
        model = CreationStandard
        fields = ["batch", "economic_belt"]


class IndicatorFilter(django_filters.FilterSet):
    class Meta:
        model = Indicator
        fields = ["standard", "source"]


class VetoOverrideFilter(UnitRecordFilter):
    class Meta:
        model = VetoOverride
        fields = ["unit", "item", "decision"]


class IndicatorReviewFilter(UnitRecordFilter):
    class Meta:
        model = IndicatorReview
        fields = ["unit", "stage"]


class AcceptanceEvaluationFilter(UnitRecordFilter):
    class Meta:
        model = AcceptanceEvaluation
        fields = ["unit", "result"]
