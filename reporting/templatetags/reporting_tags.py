from typing import Any

from django import template

from creation.models import CreationUnit
from reporting.selectors import unit_overdue_count as overdue_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_overdue_count(context: dict[str, Any], unit: CreationUnit) -> int:
    """How many of the unit's reports are overdue, for the page's user (one query)."""
    request = context.get("request")
    return overdue_count(user=getattr(request, "user", None), unit_id=unit.pk)
