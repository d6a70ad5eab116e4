import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from reporting import documents

register = template.Library()


@register.filter
def official_date(value: Any) -> str:
    """2026年8月24日: dates in documents as official text writes them."""
    return documents.official_date(value)


@register.filter
def official_period(value: Any) -> str:
    """2025年下半年 for the period code 2025H2."""
    return documents.official_period(str(value))


# A date or half year as official text writes it, e.g. 2026年8月24日, 9月2日, 26日, 2025年下半年.
_OFFICIAL_DATE = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日|\d{4}年[上下]半年")


@register.filter
def keep_dates_whole(value: Any) -> SafeString:
    """The text, escaped, with its dates kept on one line: a line never ends in 2026 and
    starts the next with 年8月24日, nor leaves 日 alone."""
    text = str(conditional_escape(value))
    return mark_safe(  # noqa: S308 - escaped above; the pattern matches digits and CJK only
        _OFFICIAL_DATE.sub(lambda match: f'<span class="nowrap">{match.group()}</span>', text)
    )


@register.filter
def table_body_rows(block: Any) -> SafeString:
    """The body rows of a document table (reporting.documents.Table) as HTML, text columns
    aligned left. Built here, not with template loops: a bulletin has thousands of rows."""
    text_columns = set(block.text_columns)
    cell = {True: '<td class="text">{}</td>', False: "<td>{}</td>"}
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            "<tr>"
            + "".join(
                cell[index in text_columns].format(conditional_escape(value))
                for index, value in enumerate(row)
            )
            + "</tr>"
            for row in block.rows
        )
    )


# An obligation's deadline light and timeliness (reporting.views.ObligationRow), on the report's
# page and on every row of a unit's calendar: written here, where including a template for each
# cell of each row cost more than the rest of the row.


@register.simple_tag
def light_badge(row: Any) -> SafeString:
    """The obligation's traffic light: its colour and its name."""
    return format_html(
        '<span class="light light-{}"><span class="dot" aria-hidden="true"></span>{}</span>',
        row.light,
        row.light_label,
    )


@register.simple_tag
def timeliness_badge(row: Any) -> SafeString | str:
    """Whether the report was sent on time (C1); a dash before it is first sent."""
    css, label = row.timeliness
    if not label:
        return "—"
    return format_html('<span class="badge timeliness-{}">{}</span>', css, label)
