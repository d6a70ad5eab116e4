import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from creation.scope import visible_units
from portal.filters import ModelChoiceFilter, UpdatedSinceFilter
from reporting.models import DocumentJob, Obligation, Submission, on_time_q

STATUS_CHOICES = [*Submission.Status.choices, ("missing", _("Not started"))]


class ObligationFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))
    period = django_filters.CharFilter(field_name="period_label", label=_("Period"))
    due_after = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lte")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("Status")
    )
    on_time = django_filters.BooleanFilter(method="filter_on_time", label=_("On time"))
    # Every obligation of each unit that changed: a unit's set is given whole, so that a client
    # replaces it and sees the obligations a change of the unit's dates removed.
    updated_since = UpdatedSinceFilter(field_name="unit__changed_at")

    class Meta:
        model = Obligation
        fields = ["unit", "type", "period", "due_after", "due_before", "status", "on_time"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "missing":
            return queryset.filter(submission__isnull=True)
        return queryset.filter(submission__status=value)

    def filter_on_time(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        on_time = on_time_q()  # C1
        return queryset.filter(on_time) if value else queryset.exclude(on_time)


class SubmissionFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(
        queryset=visible_units, field_name="obligation__unit", label=_("Creation unit")
    )
    type = django_filters.ChoiceFilter(
        choices=Obligation.Type.choices, field_name="obligation__type", label=_("Type")
    )
    period = django_filters.CharFilter(field_name="obligation__period_label", label=_("Period"))
    on_time = django_filters.BooleanFilter(method="filter_on_time", label=_("On time"))

    class Meta:
        model = Submission
        fields = ["unit", "type", "period", "status", "is_late", "on_time"]

    def filter_on_time(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        on_time = on_time_q(submission="", due_at="obligation__due_at")  # C1
        return queryset.filter(on_time) if value else queryset.exclude(on_time)


class DocumentJobFilter(django_filters.FilterSet):
    unit = ModelChoiceFilter(queryset=visible_units, label=_("Creation unit"))
    # `format` itself is taken: it picks the response format (JSON, or a CSV/Excel export).
    file_format = django_filters.ChoiceFilter(
        field_name="format", choices=DocumentJob.Format.choices, label=_("File format")
    )

    class Meta:
        model = DocumentJob
        fields = ["unit", "kind", "file_format", "status"]
