"""The reporting pages: the unit's calendar (list and month), the report form with its workflow
and review, the review queue, the province's view, attachments and the iCalendar feed."""

import itertools
import re
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creation.models import RoleAssignment
from creation.scope import forget_scope
from creation.tests.factories import PDF_BYTES, RoleAssignmentFactory, minutes_pdf
from reporting import services
from reporting.models import CalendarFeed, Obligation, Submission, SubmissionEvent
from reporting.rules import SHANGHAI
from reporting.selectors import figures_by
from reporting.tests.factories import (
    ObligationFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db
Type = Obligation.Type
Status = Submission.Status
_periods = itertools.count()


def obligation_for(unit, *, due_at=None, due_in=timedelta(days=20), type=Type.WORK_UPDATE):
    """An obligation of `unit` with its own period, due at `due_at` or `due_in` from now."""
    start = date(2030, 1, 1) + timedelta(days=next(_periods))
    return ObligationFactory(
        unit=unit,
        type=type,
        period_start=start,
        period_end=start,
        period_label=f"{start:%Y-%m-%d}",
        due_at=due_at or timezone.now() + due_in,
    )


def report_url(obligation):
    return reverse("reporting:submission-edit", kwargs={"pk": obligation.pk})


def calendar_url(unit):
    return reverse("reporting:unit-calendar", kwargs={"pk": unit.pk})


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def world(world):
    # These pages are tested against the world's work updates; the self-inspections the
    # supervision area adds to the world (tests/world_inspections.py) are tested there.
    Obligation.objects.filter(type=Obligation.Type.SELF_INSPECTION).delete()
    return world


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def as_role(english, world):
    def login(role):
        english.force_login(world.users[role])
        return english

    return login


@pytest.fixture
def own(world):
    return world.objects["units"]["own"]


# --- Writing, submitting and withdrawing --------------------------------------------------------


def test_staff_save_a_draft_submit_it_and_withdraw_it(as_role, own):
    client = as_role("unit_staff")
    obligation = obligation_for(own)
    page = client.get(report_url(obligation))
    assert page.status_code == 200
    assert page.context["form"] is not None
    assert "work_progress" not in page.context["form"].fields

    response = client.post(
        report_url(obligation),
        {
            "action": "save",
            "title": "三月份工作动态",
            "body": "开展文化活动。",
            "attachments": [minutes_pdf("活动照片.pdf"), minutes_pdf("名单.pdf")],
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == Status.DRAFT
    assert submission.first_submitted_at is None
    assert sorted(a.name for a in submission.attachments.all()) == ["名单.pdf", "活动照片.pdf"]

    before = timezone.now()
    response = client.post(
        report_url(obligation),
        {"action": "submit", "title": "三月份工作动态", "body": "开展文化活动12场。"},
        follow=True,
    )
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    assert submission.body == "开展文化活动12场。"
    assert submission.first_submitted_at >= before
    assert submission.is_late is False
    assert "Report submitted." in messages_of(response)
    assert response.context["form"] is None
    assert response.context["can_withdraw"] is True

    response = client.post(report_url(obligation), {"action": "withdraw"}, follow=True)
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
    assert submission.first_submitted_at is not None  # the first submission keeps its time
    assert response.context["form"] is not None
    assert list(submission.events.values_list("action", flat=True)) == [
        SubmissionEvent.Action.SUBMITTED,
        SubmissionEvent.Action.WITHDRAWN,
    ]


def test_submission_after_the_due_moment_is_marked_late(as_role, own):
    client = as_role("unit_staff")
    obligation = obligation_for(own, due_in=-timedelta(hours=1))
    response = client.post(
        report_url(obligation),
        {"action": "submit", "title": "迟交的工作动态", "body": "内容"},
        follow=True,
    )
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == Status.SUBMITTED
    assert submission.is_late is True
    assert 'class="badge timeliness-late">Late<' in response.content.decode()


def test_a_form_error_keeps_what_was_typed_and_saves_nothing(as_role, own):
    client = as_role("unit_staff")
    obligation = obligation_for(own)
    bad = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        report_url(obligation),
        {"action": "submit", "title": "", "body": "写好的正文", "attachments": [bad]},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors
    assert "病毒.pdf" in str(form.errors["attachments"])
    assert "写好的正文" in response.content.decode()
    assert not Submission.objects.filter(obligation=obligation).exists()


def test_R5_2_in_depth_report_refuses_submission_without_its_three_sections(as_role, own):
    client = as_role("unit_staff")
    obligation = obligation_for(own, type=Type.IN_DEPTH_REPORT)
    form = client.get(report_url(obligation)).context["form"]
    assert {"work_progress", "design_research", "phased_results"} <= set(form.fields)
    assert "body" not in form.fields

    response = client.post(
        report_url(obligation),
        {"action": "submit", "title": "第一季度深度报告", "work_progress": "进展顺利"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "An in-depth report needs all three sections." in page
    assert set(response.context["form"].errors) == {"design_research", "phased_results"}
    assert "Your draft was saved, but the report was not submitted." in page
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == Status.DRAFT
    assert submission.work_progress == "进展顺利"

    client.post(
        report_url(obligation),
        {
            "action": "submit",
            "title": "第一季度深度报告",
            "work_progress": "进展顺利",
            "design_research": "制度设计研究",
            "phased_results": "阶段性成果",
        },
    )
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


# --- Review ---------------------------------------------------------------------------------------


def _submitted(world, obligation, *, now=None):
    staff = world.users["unit_staff"]
    submission = services.submission_save(
        user=staff, obligation=obligation, fields={"title": "工作动态", "body": "正文"}
    )
    return services.submission_submit(user=staff, submission=submission, now=now)


def test_office_accepts_a_submitted_report(as_role, world, own):
    obligation = obligation_for(own)
    _submitted(world, obligation)
    client = as_role("office")
    page = client.get(report_url(obligation))
    assert page.context["review_form"] is not None
    assert page.context["form"] is None
    response = client.post(report_url(obligation), {"action": "accept", "comment": ""}, follow=True)
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == Status.ACCEPTED
    assert submission.reviewed_by == world.users["office"]
    assert "Report accepted." in messages_of(response)
    assert 'class="badge timeliness-on-time">On time<' in response.content.decode()


def test_office_return_without_a_comment_shows_the_error(as_role, world, own):
    obligation = obligation_for(own)
    _submitted(world, obligation)
    response = as_role("office").post(report_url(obligation), {"action": "return", "comment": " "})
    assert response.status_code == 200
    assert response.context["review_form"].errors["comment"] == ["Say what the unit should change."]
    assert "Say what the unit should change." in response.content.decode()
    assert Submission.objects.get(obligation=obligation).status == Status.SUBMITTED


@pytest.mark.parametrize(("first_late", "flag"), [(False, "On time"), (True, "Late")])
def test_R5_2_returned_report_resubmitted_after_the_deadline_follows_its_first_submission(
    as_role, world, own, first_late, flag
):
    due = timezone.now() - timedelta(days=3)
    obligation = obligation_for(own, due_at=due)
    first = due + timedelta(hours=1) if first_late else due - timedelta(hours=1)
    _submitted(world, obligation, now=first)

    office = as_role("office")
    office.post(report_url(obligation), {"action": "return", "comment": "请补充活动照片。"})
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == Status.RETURNED

    staff = as_role("unit_staff")
    page = staff.get(report_url(obligation))
    assert "请补充活动照片。" in page.content.decode()
    assert page.context["form"].initial["body"] == "正文"
    staff.post(
        report_url(obligation),
        {"action": "submit", "title": "工作动态", "body": "正文，附活动照片。"},
    )
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    assert submission.first_submitted_at == first
    assert submission.submitted_at > due

    response = as_role("office").post(report_url(obligation), {"action": "accept"}, follow=True)
    submission.refresh_from_db()
    assert submission.status == Status.ACCEPTED
    assert submission.is_late is first_late
    assert submission.on_time is not first_late
    assert f'">{flag}</span>' in response.content.decode()


def test_provincial_reviewer_may_read_but_not_submit(as_role, world, own):
    obligation = world.objects["obligations"]["own"]
    client = as_role("province_culture")
    page = client.get(report_url(obligation))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert page.context["review_form"] is None
    response = client.post(report_url(obligation), {"action": "submit", "title": "x", "body": "y"})
    assert response.status_code == 403
    assert Submission.objects.get(obligation=obligation).title == "一月份工作动态"


@pytest.mark.parametrize(
    ("role", "action"), [("unit_staff", "accept"), ("office", "submit"), ("office", "withdraw")]
)
def test_each_side_gets_403_for_the_others_actions(as_role, world, role, action):
    obligation = world.objects["obligations"]["own"]
    response = as_role(role).post(report_url(obligation), {"action": action, "title": "x"})
    assert response.status_code == 403
    assert Submission.objects.get(obligation=obligation).status == Status.SUBMITTED


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_units_obligations_are_404(as_role, world, method):
    other = world.objects["obligations"]["other"]
    client = as_role("unit_staff")
    response = getattr(client, method)(report_url(other), {"action": "withdraw"})
    assert response.status_code == 404
    assert Submission.objects.get(obligation=other).status == Status.SUBMITTED


def test_a_draft_is_the_units_own_until_submitted(as_role, world, own):
    obligation = obligation_for(own)
    submission = services.submission_save(
        user=world.users["unit_staff"],
        obligation=obligation,
        fields={"title": "草稿标题", "body": "尚未完成的草稿"},
        attachments=[minutes_pdf("草稿附件.pdf")],
    )
    attachment = submission.attachments.get()
    download = reverse("reporting:attachment-download", kwargs={"pk": attachment.pk})
    office = as_role("office")
    page = office.get(report_url(obligation)).content.decode()
    assert "尚未完成的草稿" not in page
    assert "The unit is still writing this report." in page
    assert office.get(download).status_code == 404
    staff = as_role("unit_staff")
    assert "尚未完成的草稿" in staff.get(report_url(obligation)).content.decode()
    assert staff.get(download).status_code == 200


def test_attachment_download_gives_the_file_under_its_original_name(as_role, world):
    attachment = world.objects["attachments"]["own"]
    url = reverse("reporting:attachment-download", kwargs={"pk": attachment.pk})
    response = as_role("office").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E9%99%84%E4%BB%B6.pdf" in response["Content-Disposition"]  # 附件.pdf
    other = world.objects["attachments"]["other"]
    response = as_role("unit_staff").get(
        reverse("reporting:attachment-download", kwargs={"pk": other.pk})
    )
    assert response.status_code == 404


# --- The unit's calendar ----------------------------------------------------------------------------


def _month_of(obligation):
    return f"{timezone.localtime(obligation.due_at, SHANGHAI):%Y-%m}"


def _light_in_month(client, unit, obligation):
    page = client.get(calendar_url(unit), {"view": "month", "month": _month_of(obligation)})
    assert page.status_code == 200
    html = page.content.decode()
    item = re.search(
        rf'<li class="deadline light-(\w+)" data-obligation-id="{obligation.pk}">', html
    )
    day = timezone.localtime(obligation.due_at, SHANGHAI).day
    cell = re.search(
        rf'<td class="day light-(\w+)[^"]*">\s*<span class="day-number">{day}</span>'
        rf'(?:(?!</td>).)*data-obligation-id="{obligation.pk}"',
        html,
        re.DOTALL,
    )
    return item and item[1], cell and cell[1]


def test_month_view_colours_each_deadline(as_role, world, own):
    now = timezone.now()
    overdue = obligation_for(own, due_at=now - timedelta(days=2))
    soon = obligation_for(own, due_at=now + timedelta(days=3))
    done = obligation_for(own, due_at=now + timedelta(days=10))
    SubmissionFactory(obligation=done, status=Status.SUBMITTED, first_submitted_at=now)
    late = obligation_for(own, due_at=now - timedelta(days=12))
    SubmissionFactory(obligation=late, status=Status.SUBMITTED, first_submitted_at=now)
    later = obligation_for(own, due_at=now + timedelta(days=40))
    client = as_role("unit_staff")
    assert _light_in_month(client, own, overdue) == ("red", "red")
    assert _light_in_month(client, own, soon) == ("yellow", "yellow")
    assert _light_in_month(client, own, done) == ("green", "green")
    assert _light_in_month(client, own, late) == ("amber", "amber")
    assert _light_in_month(client, own, later) == ("grey", "grey")


def test_month_view_links_the_months_around_and_shows_the_legend(as_role, own):
    page = as_role("unit_staff").get(calendar_url(own), {"view": "month", "month": "2026-01"})
    html = page.content.decode()
    assert "month=2025-12" in html
    assert "month=2026-02" in html
    assert html.count('<td class="day') == 35  # 2026-01: Monday 2025-12-29 to Sunday 2026-02-01
    for label in ("Submitted on time", "Submitted late", "Due within 7 days", "Overdue"):
        assert label in html


def test_month_view_with_a_bad_month_shows_the_current_month(as_role, own):
    page = as_role("unit_staff").get(calendar_url(own), {"view": "month", "month": "2026-13"})
    assert page.status_code == 200
    assert page.context["month"] == timezone.localdate(timezone.now(), SHANGHAI).replace(day=1)
    assert "Some filters are not valid and were ignored." in page.content.decode()


def test_C1_calendar_list_shows_rows_filters_and_figures(as_role, world, own):
    fund = obligation_for(own, type=Type.FUND_REPORT, due_in=-timedelta(days=1))
    world_report = world.objects["obligations"]["own"]
    Submission.objects.filter(obligation=world_report).update(
        first_submitted_at=world_report.due_at, is_late=False
    )
    client = as_role("unit_staff")
    page = client.get(calendar_url(own))
    rows = {row.obligation.pk: row for row in page.context["rows"]}
    assert set(rows) == {world.objects["obligations"]["own"].pk, fund.pk}
    assert rows[fund.pk].light == "red"
    assert rows[fund.pk].state_label == "Overdue"
    assert page.context["figures"].expected == 2
    assert page.context["figures"].missing == 1
    assert page.context["figures"].submitted == 1

    filtered = client.get(calendar_url(own), {"type": Type.FUND_REPORT})
    assert [row.obligation.pk for row in filtered.context["rows"]] == [fund.pk]
    not_started = client.get(calendar_url(own), {"status": "not_started"})
    assert [row.obligation.pk for row in not_started.context["rows"]] == [fund.pk]
    submitted = client.get(calendar_url(own), {"status": "submitted", "year": "2026"})
    assert [row.obligation.pk for row in submitted.context["rows"]] == [
        world.objects["obligations"]["own"].pk
    ]


def test_calendar_list_paginates_by_25(as_role, own):
    for _ in range(30):
        obligation_for(own)
    client = as_role("unit_staff")
    first = client.get(calendar_url(own))
    assert len(first.context["rows"]) == 25
    assert first.content.decode().count("data-obligation-id=") == 25
    second = client.get(calendar_url(own), {"page": 2})
    assert len(second.context["rows"]) == 6


def test_R5_2_calendar_list_opens_at_the_page_of_the_next_deadline(as_role, own):
    for days in range(30):
        obligation_for(own, due_in=-timedelta(days=40 + days))
    soon = obligation_for(own, due_in=timedelta(days=3))
    client = as_role("unit_staff")
    opened = client.get(calendar_url(own))
    assert soon.pk in [row.obligation.pk for row in opened.context["rows"]]
    assert opened.context["page"].number == 2
    first = client.get(calendar_url(own), {"page": 1})
    assert soon.pk not in [row.obligation.pk for row in first.context["rows"]]


def test_C1_unit_home_links_to_the_reports_with_the_overdue_count(as_role, own):
    obligation_for(own, due_in=-timedelta(days=1))
    obligation_for(own, due_in=-timedelta(days=2))
    page = as_role("unit_staff").get(reverse("creation:unit-home", kwargs={"pk": own.pk}))
    html = page.content.decode()
    assert calendar_url(own) in html
    # the world's report of 2026-01 was submitted in time, so it is not overdue
    assert "2 overdue" in html


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("office", {"reporting:review-queue"}),
        ("province_culture", {"reporting:province-reports"}),
        ("superuser", {"reporting:review-queue", "reporting:province-reports"}),
        ("unit_staff", set()),
    ],
)
def test_header_links_to_the_review_pages_by_role(as_role, role, links):
    page = as_role(role).get(reverse("creation:unit-list"))
    shown = {
        name
        for name in ("reporting:review-queue", "reporting:province-reports")
        if f'href="{reverse(name)}"' in page.content.decode()
    }
    assert shown == links


# --- Review queue and province page ------------------------------------------------------------


def test_review_queue_lists_submitted_reports_oldest_first(as_role, world, own):
    now = timezone.now()
    sibling = world.objects["units"]["sibling"]
    newer = SubmissionFactory(
        obligation=obligation_for(own, type=Type.IN_DEPTH_REPORT),
        status=Status.SUBMITTED,
        submitted_at=now,
    )
    older = SubmissionFactory(
        obligation=obligation_for(sibling), status=Status.SUBMITTED, submitted_at=now - timedelta(1)
    )
    SubmissionFactory(obligation=obligation_for(own), status=Status.ACCEPTED, submitted_at=now)
    SubmissionFactory(obligation=obligation_for(own), status=Status.DRAFT)
    client = as_role("office")
    page = client.get(reverse("reporting:review-queue"))
    ids = [int(pk) for pk in re.findall(r'data-submission-id="(\d+)"', page.content.decode())]
    world_ids = [world.objects["submissions"][k].pk for k in ("own", "sibling", "other")]
    assert ids.index(older.pk) < ids.index(newer.pk)
    assert set(ids) == {*world_ids, older.pk, newer.pk}

    by_type = client.get(reverse("reporting:review-queue"), {"type": Type.IN_DEPTH_REPORT})
    assert [s.pk for s in by_type.context["page"]] == [newer.pk]
    other_province = client.get(
        reverse("reporting:review-queue"), {"province": world.province_other.pk}
    )
    assert [s.pk for s in other_province.context["page"]] == [
        world.objects["submissions"]["other"].pk
    ]


@pytest.mark.parametrize("role", ["unit_staff", "province_culture", "api_client", "outsider"])
def test_review_queue_is_for_the_office(as_role, role):
    assert as_role(role).get(reverse("reporting:review-queue")).status_code == 403


def test_review_queue_leaves_out_programmes_the_reviewer_does_not_run(as_role, world):
    # A national office reviewer who is also a provincial reviewer of 四川 sees the provincial
    # programme's unit, but does not review for that programme.
    RoleAssignmentFactory(
        user=world.users["office"],
        role=RoleAssignment.Role.PROVINCIAL_REVIEWER,
        province=world.province_other,
        department="culture",
    )
    page = as_role("office").get(reverse("reporting:review-queue"))
    assert world.objects["submissions"]["provincial"] not in page.context["page"].object_list


def test_province_page_lists_its_units_copied_reports(as_role, world, own):
    sibling = world.objects["units"]["sibling"]
    fund = SubmissionFactory(
        obligation=obligation_for(own, type=Type.FUND_REPORT), status=Status.SUBMITTED
    )
    inspection = SubmissionFactory(
        obligation=obligation_for(sibling, type=Type.SELF_INSPECTION), status=Status.ACCEPTED
    )
    SubmissionFactory(obligation=obligation_for(own, type=Type.SELF_INSPECTION))  # a draft
    SubmissionFactory(
        obligation=obligation_for(world.objects["units"]["other"], type=Type.FUND_REPORT),
        status=Status.SUBMITTED,
    )
    client = as_role("province_culture")
    page = client.get(reverse("reporting:province-reports"))
    html = page.content.decode()
    assert set(map(int, re.findall(r'data-submission-id="(\d+)"', html))) == {
        fund.pk,
        inspection.pk,
    }
    assert set(map(int, re.findall(r'data-unit-id="(\d+)"', html))) == {own.pk, sibling.pk}
    only_fund = client.get(reverse("reporting:province-reports"), {"type": Type.FUND_REPORT})
    assert [s.pk for s in only_fund.context["page"]] == [fund.pk]


@pytest.mark.parametrize("role", ["unit_staff", "office", "outsider"])
def test_province_page_is_for_provincial_reviewers(as_role, role):
    assert as_role(role).get(reverse("reporting:province-reports")).status_code == 403


# --- Query counts -------------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_calendar_list_queries_constant(as_role, own):
    client = as_role("unit_staff")
    client.get(calendar_url(own))  # the unit's stored figures in place, as once installed
    cache.clear()  # but not the page itself
    few = _queries(client, calendar_url(own))
    for _ in range(20):
        SubmissionFactory(obligation=obligation_for(own), status=Status.SUBMITTED)
    cache.clear()
    assert _queries(client, calendar_url(own)) == few
    assert _queries(client, calendar_url(own) + "?view=month") <= few
    assert few <= 10


def test_review_queue_queries_constant(as_role, world):
    client = as_role("office")
    url = reverse("reporting:review-queue")
    few = _queries(client, url)
    units = [world.objects["units"][key] for key in ("own", "sibling", "other")]
    for number in range(20):
        SubmissionFactory(obligation=obligation_for(units[number % 3]), status=Status.SUBMITTED)
    assert _queries(client, url) == few
    assert few <= 10


def test_province_page_queries_constant(as_role, world, django_capture_on_commit_callbacks):
    client = as_role("province_culture")
    url = reverse("reporting:province-reports")
    # Writes commit, and their units' stored figures follow, as in an installation.
    with django_capture_on_commit_callbacks(execute=True):
        SubmissionFactory(
            obligation=obligation_for(world.objects["units"]["own"], type=Type.FUND_REPORT),
            status=Status.SUBMITTED,
        )
    client.get(url)  # the stored figures of the units that had none yet
    rendered = url + "?type="  # another address than the page kept above: rendered again
    few = _queries(client, rendered)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(20):
            unit = world.objects["units"]["own" if number % 2 else "sibling"]
            SubmissionFactory(
                obligation=obligation_for(unit, type=Type.SELF_INSPECTION),
                status=Status.SUBMITTED,
            )
    assert _queries(client, rendered) == few
    assert few <= 10


def test_C1_province_page_figures_are_those_the_reports_count(
    as_role, world, own, django_capture_on_commit_callbacks
):
    """The page shows the units' stored figures; after writes they are what
    reporting.selectors counts from the reports themselves (C1)."""
    sibling = world.objects["units"]["sibling"]
    client = as_role("province_culture")
    url = reverse("reporting:province-reports")
    client.get(url)  # stored before the writes below
    past = timezone.now() - timedelta(days=40)
    with django_capture_on_commit_callbacks(execute=True):
        on_time = obligation_for(own, type=Type.FUND_REPORT, due_at=past)
        SubmissionFactory(
            obligation=on_time,
            status=Status.ACCEPTED,
            first_submitted_at=past - timedelta(days=1),
        )
        late = obligation_for(sibling, type=Type.SELF_INSPECTION, due_at=past)
        SubmissionFactory(
            obligation=late, status=Status.SUBMITTED, first_submitted_at=past + timedelta(days=2)
        )
        obligation_for(sibling, type=Type.FUND_REPORT, due_at=past)  # never sent
    page = client.get(url)
    obligations = Obligation.objects.filter(unit__in=[own, sibling])
    live = {row["key"]: row for row in figures_by(obligations, group="unit")}
    shown = {row["key"]: row for row in page.context["units"]}
    for unit in (own, sibling):
        for name in ("expected", "submitted", "on_time", "late", "missing"):
            assert shown[unit.pk][name] == live[unit.pk][name], (unit, name)
    assert shown[own.pk]["on_time"] >= 1
    assert shown[sibling.pk]["late"] >= 1
    assert shown[sibling.pk]["missing"] >= 1
    totals = page.context["totals"]
    for name in ("expected", "submitted", "on_time", "late", "missing"):
        assert getattr(totals, name) == sum(row[name] for row in page.context["units"]), name


# --- iCalendar feed ------------------------------------------------------------------------------------


def _unfold(body: str) -> list[str]:
    assert "\n" not in body.replace("\r\n", "")  # every line ends with CRLF
    return body.replace("\r\n ", "").split("\r\n")


def _feed(client, unit):
    response = client.post(reverse("reporting:calendar-feed", kwargs={"pk": unit.pk}))
    assert response.status_code == 302
    assert response.url == calendar_url(unit) + "#feed"
    return CalendarFeed.objects.get(unit=unit)


def _ics(client, token):
    return client.get(reverse("reporting:calendar-ics", kwargs={"token": token}))


def test_calendar_feed_lists_every_deadline_as_an_all_day_event(client, as_role, world, own):
    staff = as_role("unit_staff")
    obligation = obligation_for(own, due_at=datetime(2030, 3, 5, 23, 59, 59, tzinfo=SHANGHAI))
    feed = _feed(staff, own)
    assert feed.owner == world.users["unit_staff"]
    assert feed.token in staff.get(calendar_url(own)).content.decode()
    assert (
        feed.token
        in staff.get(reverse("reporting:calendar-feed", kwargs={"pk": own.pk})).content.decode()
    )

    client.logout()
    response = _ics(client, feed.token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = _unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2:] == ["END:VCALENDAR", ""]
    assert "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert f"UID:obligation-{obligation.pk}@demonstration-zone-portal" in lines
    assert "DTSTART;VALUE=DATE:20300305" in lines
    assert "DTEND;VALUE=DATE:20300306" in lines
    # the world's January report is due on 2026-02-05, end of day in Shanghai
    assert "DTSTART;VALUE=DATE:20260205" in lines
    assert any(line.startswith("SUMMARY:") and "2026-01" in line for line in lines)
    assert any(line.startswith("DESCRIPTION:") for line in lines)
    # the same obligation keeps its UID on the next fetch
    assert f"UID:obligation-{obligation.pk}@demonstration-zone-portal" in _unfold(
        _ics(client, feed.token).content.decode()
    )


def test_calendar_feed_bad_or_replaced_token_is_404(client, as_role, own):
    staff = as_role("unit_staff")
    old = _feed(staff, own).token
    new = _feed(staff, own).token
    assert new != old
    assert CalendarFeed.objects.filter(unit=own).count() == 1
    client.logout()
    assert _ics(client, "not-a-token").status_code == 404
    assert _ics(client, old).status_code == 404
    assert _ics(client, new).status_code == 200


def test_calendar_feed_stops_when_the_owner_loses_access(client, as_role, world, own):
    token = _feed(as_role("unit_staff"), own).token
    client.logout()
    assert _ics(client, token).status_code == 200
    user = world.users["unit_staff"]
    RoleAssignment.objects.filter(user=user).delete()
    forget_scope(user)
    assert _ics(client, token).status_code == 404


def test_calendar_feed_of_an_invisible_unit_is_404(as_role, world):
    other = world.objects["units"]["other"]
    client = as_role("unit_staff")
    assert client.post(reverse("reporting:calendar-feed", kwargs={"pk": other.pk})).status_code == (
        404
    )
    assert not CalendarFeed.objects.exists()


# --- Attachments: removed before submission, not listed twice -----------------------------------


def test_a_file_chosen_again_replaces_the_one_of_the_same_name(as_role, own):
    client = as_role("unit_staff")
    obligation = obligation_for(own)
    fields = {"action": "save", "title": "动态", "body": "正文"}
    client.post(report_url(obligation), {**fields, "attachments": [minutes_pdf("名单.pdf")]})
    client.post(
        report_url(obligation),
        {**fields, "attachments": [minutes_pdf("名单.pdf"), minutes_pdf("照片.pdf")]},
    )
    submission = Submission.objects.get(obligation=obligation)
    assert sorted(submission.attachments.values_list("name", flat=True)) == ["名单.pdf", "照片.pdf"]


def test_staff_remove_an_attachment_before_submission_and_the_audit_keeps_it(as_role, world, own):
    from auditlog.models import LogEntry

    client = as_role("unit_staff")
    obligation = obligation_for(own)
    submission = services.submission_save(
        user=world.users["unit_staff"],
        obligation=obligation,
        fields={"title": "动态", "body": "正文"},
        attachments=[minutes_pdf("错传.pdf")],
    )
    attachment = submission.attachments.get()
    remove = reverse("reporting:attachment-remove", kwargs={"pk": attachment.pk})
    assert remove in client.get(report_url(obligation)).content.decode()
    response = client.post(remove)
    assert response.status_code == 302
    assert not submission.attachments.exists()
    entry = LogEntry.objects.get_for_object(attachment).get(action=LogEntry.Action.DELETE)
    assert entry.object_repr == "错传.pdf"


def test_a_submitted_reports_attachment_stays(as_role, world, own):
    client = as_role("unit_staff")
    obligation = obligation_for(own)
    submission = services.submission_save(
        user=world.users["unit_staff"],
        obligation=obligation,
        fields={"title": "动态", "body": "正文"},
        attachments=[minutes_pdf("附件.pdf")],
    )
    services.submission_submit(user=world.users["unit_staff"], submission=submission)
    attachment = submission.attachments.get()
    response = client.post(
        reverse("reporting:attachment-remove", kwargs={"pk": attachment.pk}), follow=True
    )
    assert "cannot be removed" in " ".join(messages_of(response))
    assert submission.attachments.count() == 1
    reviewer = as_role("office")
    assert (
        reviewer.post(reverse("reporting:attachment-remove", kwargs={"pk": attachment.pk}))
    ).status_code in (403, 404)
    assert submission.attachments.count() == 1
