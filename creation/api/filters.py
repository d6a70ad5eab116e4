import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from creation.models import Batch, CreationUnit, Programme, Region


def _visible_batches(request) -> QuerySet:
    return Batch.objects.visible_to(getattr(request, "user", None)).select_related("programme")


def _visible_programmes(request) -> QuerySet:
    return Programme.objects.visible_to(getattr(request, "user", None))


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.all())

    class Meta:
        model = Region
        fields = ["level", "parent", "economic_belt"]


class ProgrammeFilter(django_filters.FilterSet):
    class Meta:
        model = Programme
        fields = ["kind", "province"]


class BatchFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(queryset=_visible_programmes, label=_("Programme"))

    class Meta:
        model = Batch
        fields = ["programme", "year"]


class CreationUnitFilter(django_filters.FilterSet):
    batch = django_filters.ModelChoiceFilter(queryset=_visible_batches, label=_("Batch"))
    province = django_filters.ModelChoiceFilter(
        queryset=Region.objects.provinces(),
        method="filter_province",
        label=_("Province"),
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=_visible_programmes, field_name="batch__programme", label=_("Programme")
    )

    class Meta:
        model = CreationUnit
        fields = ["batch", "province", "programme", "kind", "status", "level"]

    def filter_province(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        return queryset.filter(Q(region__province=value) | Q(region=value))
