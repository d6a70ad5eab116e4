from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("scoring/acceptance/includes/_gauge_badge.html")
def gauge_badge(status: str) -> dict[str, Any]:
    return {"status": status}
