from typing import Any

from django import template

from creation.models import CreationUnit
from scoring.selectors import veto_gauge

register = template.Library()


@register.simple_tag
def unit_veto_status(unit: CreationUnit) -> str:
    """R6.6: the status of the unit's veto gauge (ok, at_risk, failed), for its home page; the
    caller has already found the unit through its scope."""
    return veto_gauge(unit=unit).status.value


@register.inclusion_tag("scoring/acceptance/includes/_gauge_badge.html")
def gauge_badge(status: str) -> dict[str, Any]:
    return {"status": status}
