"""A stored choice's label, as `get_<field>_display()` gives it, for the rows that pages write
by the hundred: Django's method makes a dict of every choice of the field on each call, which
translates each of their labels to find one."""

from __future__ import annotations

from typing import Any

from django.db.models import Choices


def choice_label(choices: type[Choices], value: Any) -> Any:
    """The label of `value` among `choices` (translated when shown); the value itself when it is
    not one of them, as get_<field>_display() does."""
    try:
        return choices(value).label
    except ValueError:
        return value
