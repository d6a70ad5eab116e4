"""What every review queue shares: a search box and filters (django-filter), the days an item has
waited, and "save and go to next", which carries the queue's filters from the list to an item and
on to the next one.

The filters travel as a query string only (`?queue=type%3Dwork_update`): the next page's address
is always built with `reverse()` from that query, never taken from the request, so it cannot point
anywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import django_filters
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The item's link from a queue carries the queue's filters in this parameter.
QUEUE_PARAM = "queue"
# The name of the second submit button of a decision: decide, then open the next item.
AND_NEXT = "and_next"
# Parameters of the list page that are not filters.
_NOT_FILTERS = ("page", "queue_page", "format", "export", QUEUE_PARAM)
SEARCH_MAX_LENGTH = 100


def days_waited(since: datetime | None, today: date) -> int | None:
    """Whole calendar days (in the portal's time zone) from `since` to `today`: 0 on the day it
    arrived."""
    if since is None:
        return None
    return max((today - timezone.localdate(since)).days, 0)


class SearchFilter(django_filters.CharFilter):
    """`?q=`: rows whose fields (`search_fields`) contain every word of the text, in any of those
    fields; case-insensitive."""

    def __init__(self, *args: Any, search_fields: Sequence[str], **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(*args, **kwargs)
        self.search_fields = tuple(search_fields)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        for word in (value or "").split()[:10]:
            match = Q()
            for name in self.search_fields:
                match |= Q(**{f"{name}__icontains": word})
            qs = qs.filter(match)
        return qs


class QueueFilterSet(django_filters.FilterSet):
    """A queue's filters. Invalid values are ignored one by one (django-filter filters with the
    valid ones only) and the page says so; `active` tells an empty queue from an empty result."""

    # Fields that choose what the page shows rather than narrow it (not counted as filtering).
    view_options: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        if not self.is_bound:
            return False
        self.is_valid()
        return any(
            value not in (None, "", [])
            for name, value in self.form.cleaned_data.items()
            if name not in self.view_options
        )


def filter_query(data: QueryDict) -> str:
    """The filters of a list's query string, without its page or export format."""
    query = data.copy()
    for name in _NOT_FILTERS:
        query.pop(name, None)
    return query.urlencode()


def carried_query(request: HttpRequest) -> str:
    """The queue's filters that an item's page carries (from its GET link or its form's POST),
    cleaned of anything that is not a filter."""
    raw = request.POST.get(QUEUE_PARAM) if request.method == "POST" else None
    if raw is None:
        raw = request.GET.get(QUEUE_PARAM, "")
    return filter_query(QueryDict(raw[:2000]))


def queue_link(url: str, query: str) -> str:
    """`url` with the queue's filters carried along."""
    if not query:
        return url
    carried = QueryDict(mutable=True)
    carried[QUEUE_PARAM] = query
    return f"{url}?{carried.urlencode()}"


def next_in_queue(queue: QuerySet, *, current: Model, keys: Sequence[str]) -> Model | None:
    """The item after `current` in the queue's order (`keys`, ascending, the last one unique),
    or, past the end, the first item other than `current`: a reviewer who skipped the older
    ones comes back to them once the newer are done."""
    values = [getattr(current, key) for key in keys]
    later = Q()
    for index, key in enumerate(keys):
        if values[index] is None:
            continue
        step = Q(**{f"{key}__gt": values[index]})
        for before, value in zip(keys[:index], values[:index], strict=True):
            step &= Q(**{before: value})
        later |= step
    rest = queue.exclude(pk=current.pk)
    return rest.filter(later).first() or rest.first()


def wants_next(request: HttpRequest) -> bool:
    return AND_NEXT in request.POST
