"""The days an item of a review queue has waited, as every queue page writes it
(portal.templatetags.queues.days_waiting_cell)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import override

from reporting.rules import SHANGHAI

CELL = Template("{% load queues %}{% days_waiting_cell since %}")


@pytest.mark.parametrize(
    ("language", "days", "text"),
    [
        ("zh-hans", 0, "0 天"),
        ("zh-hans", 3, "3 天"),
        ("en", 1, "1 day"),
        ("en", 12, "12 days"),
    ],
)
def test_days_waiting_are_counted_in_calendar_days_with_the_arrival_in_the_title(
    language, days, text
) -> None:
    today = timezone.localdate()
    # 23:50 in Shanghai on the day it arrived: the days are calendar days, not 24-hour spans.
    since = datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=SHANGHAI)
    since += timedelta(hours=23, minutes=50) if days else timedelta()
    with override(language):
        written = CELL.render(Context({"since": since.astimezone(UTC)}))
    title = since.strftime("%Y-%m-%d %H:%M")
    assert written == f'<span class="days-waiting" title="{title}">{text}</span>'


def test_nothing_waiting_is_a_dash() -> None:
    assert CELL.render(Context({"since": None})) == "—"
