"""The header every page carries: its section links and the language switch's choices. Written
here rather than by loops of the base template: a page has a dozen links and two languages, and
the template engine spent most of a millisecond of every page on them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info

register = template.Library()

CURRENT = mark_safe(' aria-current="page"')


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context, links: Iterable[tuple[Any, str]]) -> SafeString:
    """The links (label, address), the one of the page shown marked as current."""
    request = context.get("request")  # none on the server error page
    path = request.path if request is not None else None
    return format_html_join(
        "",
        '<a href="{}"{}>{}</a>',
        ((url, CURRENT if url == path else "", label) for label, url in links),
    )


@register.simple_tag
def language_options(current: str) -> SafeString:
    """An option for each language of the site, in its own name; the current one chosen."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                code,
                mark_safe(" selected") if code == current else "",
                get_language_info(code)["name_local"],
            )
            for code, _name in settings.LANGUAGES
        ),
    )
