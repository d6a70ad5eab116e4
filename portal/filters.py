"""Filters for the API whose values are bounded, so that a hostile query answers 400 rather than
a server error (a year beyond what a date can hold, an id beyond a 64-bit integer)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field

# PostgreSQL's bigint and SQLite's INTEGER hold at most this.
MAX_ID = 2**63 - 1
MIN_YEAR, MAX_YEAR = 1900, 2200


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number from 1 to 2**63 - 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A calendar year from 1900 to 2200 (a date lookup on year 0 or 10000 fails)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


UPDATED_SINCE_DESCRIPTION = (
    "Only what changed after this moment: an ISO 8601 time with its UTC offset, e.g. "
    "`2026-12-01T08:00:00+08:00` (write `+` as `%2B` in a URL). Pass the `Date` of the answer "
    "to your previous pull, a little earlier to overlap (see docs/api.md)."
)
UPDATED_SINCE_PARAMETER = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    required=False,
    description=UPDATED_SINCE_DESCRIPTION,
)
# A `+` sent unencoded in a query string arrives as a space.
_SPACED_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)$")


class OffsetDateTimeField(forms.Field):
    """An ISO 8601 time that says its UTC offset: a time without one would be read in the
    server's zone, which a client in another zone would not expect."""

    default_error_messages = {
        "invalid": _(
            "updated_since must be an ISO 8601 time with its UTC offset, "
            "e.g. 2026-12-01T08:00:00+08:00."
        )
    }

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        text = _SPACED_OFFSET.sub(r"+\1", str(value).strip())
        try:
            parsed = parse_datetime(text)
        except ValueError:  # well formed but impossible, e.g. month 13
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


@extend_schema_field(OpenApiTypes.DATETIME)
class UpdatedSinceFilter(django_filters.Filter):
    """`?updated_since=`: the rows whose `field_name` (a stored moment of change) is later."""

    field_class = OffsetDateTimeField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "gt")
        kwargs.setdefault("label", _("Changed after"))
        super().__init__(*args, **kwargs)


class ListedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a filter on a related row (a programme, a batch, a province), read in one
    plain query. Django's iterator reads them through `QuerySet.iterator()`, which on PostgreSQL
    opens a server-side cursor held past the transaction (DECLARE, FETCH, CLOSE: three round
    trips for a list of a few dozen rows) on every page that shows the filter. A django-filter
    field's "no value" choice (`null_label`) comes after the empty one, as django-filter puts it."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:
            yield (self.field.null_value, self.field.null_label)
        for row in self.queryset.all():
            yield self.choice(row)

    def __len__(self) -> int:
        labels = [self.field.empty_label, getattr(self.field, "null_label", None)]
        return self.queryset.count() + sum(label is not None for label in labels)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A form's choice of one related row to filter a list by, its choices read in one query
    (ListedModelChoiceIterator)."""

    iterator = ListedModelChoiceIterator


class ModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedModelChoiceIterator


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter on one related row, its choices read in one query (ListedModelChoiceIterator)."""

    field_class = ModelChoiceField
