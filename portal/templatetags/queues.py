"""The pieces of a review queue's pages: days waited, and links that carry the queue's filters."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from portal.queues import days_waited, queue_link

register = template.Library()


@register.filter
def days_waiting(since: datetime | None) -> int | None:
    return days_waited(since, timezone.localdate())


@register.simple_tag(takes_context=True)
def in_queue(context: template.Context, url: str) -> str:
    """`url` carrying the filters of the queue page being shown (or of the item's own link)."""
    return queue_link(url, context.get("queue_query", ""))
