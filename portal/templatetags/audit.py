"""The audit trail of an object, on the object's own page."""

from django import template

from portal.audit import object_history

register = template.Library()
SHOWN = 20


@register.inclusion_tag("portal/includes/_history.html")
def history_of(instance) -> dict:
    """The latest changes of an object the page already took from a scoped queryset."""
    entries = list(object_history(instance)[: SHOWN + 1])
    return {"entries": entries[:SHOWN], "more": len(entries) > SHOWN}
