from typing import Any

from django import template

from creation.models import CreationUnit
from reporting import documents
from reporting.selectors import unit_overdue_count as overdue_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_overdue_count(context: dict[str, Any], unit: CreationUnit) -> int:
    """How many of the unit's reports are overdue, for the page's user (one query)."""
    request = context.get("request")
    return overdue_count(user=getattr(request, "user", None), unit_id=unit.pk)


@register.filter
def official_date(value: Any) -> str:
    """2026年8月24日: dates in documents as official text writes them."""
    return documents.official_date(value)


@register.filter
def official_period(value: Any) -> str:
    """2025年下半年 for the period code 2025H2."""
    return documents.official_period(str(value))
