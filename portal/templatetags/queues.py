"""The pieces of a review queue's pages: days waited, and links that carry the queue's filters."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from portal.queues import days_waited, queue_link

register = template.Library()


@register.simple_tag
def days_waiting_cell(since: datetime | None) -> SafeString | str:
    """How many days an item has waited, its arrival in the title; a dash for none. Written
    here rather than by an included template: a queue's page has one per row, and including a
    template for each cost more than the rest of the row."""
    days = days_waited(since, timezone.localdate())
    if days is None:
        return "—"
    return format_html(
        '<span class="days-waiting" title="{}">{}</span>',
        dateformat.format(timezone.localtime(since), "Y-m-d H:i"),
        ngettext("%(counter)s day", "%(counter)s days", days) % {"counter": days},
    )


@register.simple_tag(takes_context=True)
def in_queue(context: template.Context, url: str) -> str:
    """`url` carrying the filters of the queue page being shown (or of the item's own link)."""
    return queue_link(url, context.get("queue_query", ""))
