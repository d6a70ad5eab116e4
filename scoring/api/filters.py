import django_filters
from django.utils.translation import gettext_lazy as _

from creation.scope import visible_units
from portal.filters import ModelChoiceFilter
from scoring.models import AdoptionClaim, PeriodScore, ScoringPeriod


class AdoptionClaimFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = AdoptionClaim
        fields = ["unit", "status", "outlet", "tier", "published_after", "published_before"]


class ScoringPeriodFilter(django_filters.FilterSet):
    class Meta:
        model = ScoringPeriod
        fields = ["programme", "kind", "batch", "status"]


class PeriodScoreFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))

    class Meta:
        model = PeriodScore
        fields = ["period", "unit"]
