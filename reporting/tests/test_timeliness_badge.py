"""C1: a report's timeliness as the calendar and the report page write it
(reporting.templatetags.reporting_tags.timeliness_badge over ObligationRow.timeliness)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils.translation import override

from reporting.models import Obligation, Submission
from reporting.rules import Light, ReportState
from reporting.views import ObligationRow

DUE = datetime(2026, 6, 30, 15, 59, tzinfo=UTC)
BADGE = Template("{% load reporting_tags %}{% timeliness_badge row %}")


def _row(submission: Submission | None) -> ObligationRow:
    return ObligationRow(
        obligation=Obligation(due_at=DUE),
        submission=submission,
        light=Light.GREEN,
        due_on=date(2026, 6, 30),
        state=ReportState.SUBMITTED,
    )


@pytest.mark.parametrize(
    ("submission", "written"),
    [
        (None, "—"),
        (Submission(status=Submission.Status.DRAFT), "—"),
        (
            Submission(
                status=Submission.Status.SUBMITTED,
                first_submitted_at=DUE + timedelta(minutes=1),
                is_late=True,
            ),
            '<span class="badge timeliness-late">Late</span>',
        ),
        (
            Submission(
                status=Submission.Status.ACCEPTED,
                first_submitted_at=DUE - timedelta(days=1),
                is_late=False,
            ),
            '<span class="badge timeliness-on-time">On time</span>',
        ),
        (
            Submission(
                status=Submission.Status.RETURNED,
                first_submitted_at=DUE - timedelta(days=1),
                is_late=False,
            ),
            '<span class="badge timeliness-in-time">'
            "Submitted in time, back with the unit: send it again</span>",
        ),
    ],
    ids=["no-report", "draft", "late", "on-time", "returned-in-time"],
)
def test_C1_timeliness_badge_says_late_on_time_or_back_with_the_unit(submission, written):
    with override("en"):
        assert BADGE.render(Context({"row": _row(submission)})) == written
