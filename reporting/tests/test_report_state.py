"""A report's state has one reading (`reporting.rules.report_state`) and one wording
(`ObligationRow.state_label`): the unit's calendar page and its iCalendar feed say the same for
every state, in Chinese and in English."""

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from reporting.models import Obligation, Submission
from reporting.rules import ReportState, report_state
from reporting.tests.factories import ObligationFactory, SubmissionFactory

Status = Submission.Status
DUE = datetime(2030, 3, 5, 15, 59, 59, tzinfo=UTC)
BEFORE, AFTER = DUE - timedelta(days=1), DUE + timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "first_submitted_at", "now", "expected"),
    [
        (None, None, BEFORE, ReportState.NOT_STARTED),
        (None, None, AFTER, ReportState.OVERDUE),
        (Status.DRAFT, None, BEFORE, ReportState.DRAFT),
        (Status.DRAFT, None, AFTER, ReportState.OVERDUE_DRAFT),
        # withdrawn after a sending in time: a draft again, not overdue (C1 fixed its timeliness)
        (Status.DRAFT, BEFORE, AFTER, ReportState.DRAFT),
        (Status.SUBMITTED, AFTER, AFTER + timedelta(days=1), ReportState.SUBMITTED),
        (Status.RETURNED, BEFORE, AFTER, ReportState.RETURNED),
        (Status.ACCEPTED, BEFORE, AFTER, ReportState.ACCEPTED),
    ],
)
def test_C1_R5_2_report_state_reads_status_first_sending_and_due_moment(
    status, first_submitted_at, now, expected
):
    state = report_state(status=status, first_submitted_at=first_submitted_at, due_at=DUE, now=now)
    assert state == expected


# (state, submission status or None, first sent, due in days from now)
CASES = [
    (ReportState.NOT_STARTED, None, None, 20),
    (ReportState.DRAFT, Status.DRAFT, None, 20),
    (ReportState.OVERDUE, None, None, -3),
    (ReportState.OVERDUE_DRAFT, Status.DRAFT, None, -3),
    (ReportState.SUBMITTED, Status.SUBMITTED, -5, -3),
    (ReportState.RETURNED, Status.RETURNED, -5, -3),
    (ReportState.ACCEPTED, Status.ACCEPTED, -5, -3),
]


def test_R5_2_report_state_cases_cover_every_state():
    assert {case[0] for case in CASES} == set(ReportState)


def _feed_statuses(body: str, language: str) -> dict[int, str]:
    """obligation id → the status its DESCRIPTION gives, read with the feed's own sentence."""
    with translation.override(language):
        sentence = gettext("Status: %(status)s. Due by the end of the day, Beijing time.")
    prefix, suffix = sentence.split("%(status)s")
    lines = body.replace("\r\n ", "").split("\r\n")
    statuses, uid = {}, None
    for line in lines:
        if line.startswith("UID:obligation-"):
            uid = int(re.match(r"UID:obligation-(\d+)@", line).group(1))
        elif line.startswith("DESCRIPTION:"):
            text = line.removeprefix("DESCRIPTION:").replace("\\,", ",").replace("\\;", ";")
            assert text.startswith(prefix)
            assert text.endswith(suffix)
            # the timeliness, when there is one, follows the state after " · "
            statuses[uid] = text[len(prefix) : -len(suffix)].split(" · ")[0]
    return statuses


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_R5_2_calendar_feed_gives_each_state_as_the_calendar_page_does(client, world, language):
    unit = world.objects["units"]["own"]
    now = timezone.now()
    made = {}
    for index, (state, status, sent_days, due_days) in enumerate(CASES):
        start = date(2031, 1, 1) + timedelta(days=index)
        obligation = ObligationFactory(
            unit=unit,
            type=Obligation.Type.WORK_UPDATE,
            period_start=start,
            period_end=start,
            period_label=f"{start:%Y-%m-%d}",
            due_at=now + timedelta(days=due_days),
        )
        if status is not None:
            SubmissionFactory(
                obligation=obligation,
                status=status,
                first_submitted_at=now + timedelta(days=sent_days) if sent_days else None,
            )
        made[obligation.pk] = state
    client.cookies["django_language"] = language
    client.force_login(world.users["unit_staff"])
    page = client.get(reverse("reporting:unit-calendar", kwargs={"pk": unit.pk}))
    rows = {row.obligation.pk: row for row in page.context["rows"]}
    assert {pk: rows[pk].state for pk in made} == made
    content = page.content.decode()
    page_labels = {}
    for pk in made:
        cells = re.search(rf'data-obligation-id="{pk}".*?</tr>', content, re.S).group(0)
        page_labels[pk] = html.unescape(re.findall(r"<td>(.*?)</td>", cells, re.S)[4])
        assert page_labels[pk] == rows[pk].state_label

    client.post(reverse("reporting:calendar-feed", kwargs={"pk": unit.pk}))
    token = unit.calendar_feeds.get(owner=world.users["unit_staff"]).token
    client.logout()
    client.cookies["django_language"] = language
    feed = client.get(reverse("reporting:calendar-ics", kwargs={"token": token}))
    statuses = _feed_statuses(feed.content.decode(), language)
    assert {pk: statuses[pk] for pk in made} == page_labels
    # every state reads differently, and the overdue report says so in the feed too
    assert len(set(page_labels.values())) == len(ReportState)
    overdue = next(pk for pk, state in made.items() if state == ReportState.OVERDUE)
    assert statuses[overdue] == ("已逾期" if language == "zh-hans" else "Overdue")
