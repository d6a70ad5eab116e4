"""Counts read with each row of an outer query (Django has a subquery for a value, not a count)."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet, *, per: str) -> Coalesce:
    """How many `rows` there are for each row of the outer query, 0 when none. `rows` are
    filtered on `OuterRef`s; `per` is a field they all share for one outer row (they are counted
    as one group of it, so the subquery gives one value)."""
    counted = rows.order_by().values(per).annotate(count=Count("*")).values("count")
    return Coalesce(Subquery(counted), 0)
