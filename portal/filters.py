"""Filters for the API whose values are bounded, so that a hostile query answers 400 rather than
a server error (a year beyond what a date can hold, an id beyond a 64-bit integer)."""

from __future__ import annotations

from typing import Any

import django_filters

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
