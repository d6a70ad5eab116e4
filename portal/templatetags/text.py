"""`{{ text|outline }}`: stored plain text whose indented lines are items under the line before
them (an acceptance explanation, say), as paragraphs and lists that wrap with the card."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def outline(text: str) -> SafeString:
    blocks: list[SafeString] = []
    items: list[str] = []

    def close_list() -> None:
        if items:
            blocks.append(
                format_html(
                    "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items))
                )
            )
            items.clear()

    for line in (text or "").splitlines():
        if not line.strip():
            close_list()
        elif line[:1].isspace():
            items.append(line.strip())
        else:
            close_list()
            blocks.append(format_html("<p>{}</p>", line.strip()))
    close_list()
    return mark_safe("".join(blocks))  # noqa: S308 - every piece is escaped by format_html
