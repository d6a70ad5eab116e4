"""Reviewer throughput on the office's review queue of reports: search and filters, days
waiting, oldest first, and "accept (or return) and go to next" with the queue's filters kept."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting.models import Obligation, Submission
from reporting.tests.factories import SubmissionFactory
from reporting.tests.test_pages import obligation_for, report_url

pytestmark = pytest.mark.django_db
Type = Obligation.Type
Status = Submission.Status
QUEUE = "/reports/review/"


@pytest.fixture
def office(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.users["office"])
    # Only this test's reports: the world's own submitted reports would join every queue.
    Submission.objects.filter(status=Status.SUBMITTED).update(status=Status.ACCEPTED)
    return client


def _waiting(unit, *, days, title="工作动态", type=Type.WORK_UPDATE):
    return SubmissionFactory(
        obligation=obligation_for(unit, type=type),
        status=Status.SUBMITTED,
        title=title,
        submitted_at=timezone.now() - timedelta(days=days),
    )


def _ids(response):
    return [int(pk) for pk in re.findall(r'data-submission-id="(\d+)"', response.content.decode())]


def test_review_queue_search_narrows_on_unit_name_and_title(office, world):
    own, other = world.objects["units"]["own"], world.objects["units"]["other"]
    by_title = _waiting(own, days=2, title="社区文化节总结")
    by_unit = _waiting(other, days=1)
    assert set(_ids(office.get(QUEUE))) == {by_title.pk, by_unit.pk}
    assert _ids(office.get(QUEUE, {"q": "文化节"})) == [by_title.pk]
    assert _ids(office.get(QUEUE, {"q": other.name})) == [by_unit.pk]
    # every word must match somewhere
    assert _ids(office.get(QUEUE, {"q": f"{own.name} 文化节"})) == [by_title.pk]
    assert _ids(office.get(QUEUE, {"q": f"{other.name} 文化节"})) == []


def test_review_queue_filters_by_lateness_and_keeps_them_in_pages_and_links(office, world):
    own = world.objects["units"]["own"]
    late = _waiting(own, days=3)
    Submission.objects.filter(pk=late.pk).update(is_late=True)
    in_time = _waiting(own, days=2)
    Submission.objects.filter(pk=in_time.pk).update(is_late=False)
    assert _ids(office.get(QUEUE, {"is_late": "yes"})) == [late.pk]
    page = office.get(QUEUE, {"is_late": "no", "page": "1"})
    assert _ids(page) == [in_time.pk]
    html = page.content.decode()
    # the item's link carries the filters, not the page number
    assert f"{report_url(in_time.obligation)}?queue=is_late%3Dno#review" in html
    assert page.context["query"] == "is_late=no"


def test_review_queue_shows_days_waiting_oldest_first(office, world):
    own, sibling = world.objects["units"]["own"], world.objects["units"]["sibling"]
    newer = _waiting(own, days=0)
    older = _waiting(sibling, days=12)
    response = office.get(QUEUE)
    assert _ids(response) == [older.pk, newer.pk]
    html = response.content.decode()
    assert re.search(rf'data-submission-id="{older.pk}">.*?12 days', html, re.S)
    assert re.search(rf'data-submission-id="{newer.pk}">.*?0 days', html, re.S)


def test_review_queue_empty_state_tells_filter_from_queue(office, world):
    assert "No report is waiting for review." in office.get(QUEUE).content.decode()
    _waiting(world.objects["units"]["own"], days=1)
    html = office.get(QUEUE, {"q": "没有这个词"}).content.decode()
    assert "Nothing matches these filters." in html
    assert "No report is waiting for review." not in html


def test_R5_1_office_accepts_a_report_and_goes_to_the_next_of_the_filtered_queue(office, world):
    own, other = world.objects["units"]["own"], world.objects["units"]["other"]
    first = _waiting(own, days=5)
    _waiting(other, days=4)  # filtered out by the province
    second = _waiting(own, days=3)
    query = f"province={world.province_own.pk}"
    response = office.post(
        f"{report_url(first.obligation)}?queue=x",
        {"and_next": "accept", "comment": "", "queue": query},
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == report_url(second.obligation)
    assert parse_qs(target.query) == {"queue": [query]}
    assert target.fragment == "review"
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED
    assert "Report accepted." in [
        str(m) for m in office.get(response["Location"]).context["messages"]
    ]


def test_R5_1_return_and_next_needs_the_comment_and_stays_on_the_report(office, world):
    first = _waiting(world.objects["units"]["own"], days=5)
    response = office.post(
        report_url(first.obligation), {"and_next": "return", "comment": "", "queue": ""}
    )
    assert response.status_code == 200
    assert response.context["review_form"].errors["comment"]
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED


def test_R5_1_save_and_next_on_the_last_report_goes_back_to_the_queue_all_done(office, world):
    only = _waiting(world.objects["units"]["own"], days=1)
    response = office.post(
        report_url(only.obligation),
        {"and_next": "return", "comment": "请补充照片。", "queue": "type=work_update&page=3"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{QUEUE}?type=work_update"
    assert "All done: no report in this queue is waiting for review." in [
        str(m) for m in response.context["messages"]
    ]
    only.refresh_from_db()
    assert only.status == Status.RETURNED


def test_save_and_next_carries_only_filters_never_an_address(office, world):
    only = _waiting(world.objects["units"]["own"], days=1)
    response = office.post(
        report_url(only.obligation),
        {"and_next": "accept", "queue": "https://evil.example/?q=1"},
    )
    assert response["Location"].startswith(f"{QUEUE}?")
    assert "evil.example" not in urlsplit(response["Location"]).netloc


def test_next_wraps_to_the_older_reports_the_reviewer_skipped(office, world):
    own = world.objects["units"]["own"]
    skipped = _waiting(own, days=9)
    current = _waiting(own, days=2)
    response = office.post(report_url(current.obligation), {"and_next": "accept"})
    assert urlsplit(response["Location"]).path == report_url(skipped.obligation)


def test_R5_1_save_and_next_is_refused_to_unit_staff(client, world):
    submission = _waiting(world.objects["units"]["own"], days=1)
    client.force_login(world.users["unit_staff"])
    response = client.post(report_url(submission.obligation), {"and_next": "accept"})
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_R5_1_accepted_report_state_is_passed_not_final_acceptance(client, world):
    submission = _waiting(world.objects["units"]["own"], days=1)
    Submission.objects.filter(pk=submission.pk).update(status=Status.ACCEPTED)
    client.force_login(world.users["office"])
    html = client.get(report_url(submission.obligation)).content.decode()
    assert "已通过" in html
    assert "已验收" not in html


def test_review_queue_queries_constant_with_search_and_filters(office, world):
    own = world.objects["units"]["own"]
    params = {"q": "工作", "province": world.province_own.pk, "type": Type.WORK_UPDATE}

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = office.get(QUEUE, params)
        assert response.status_code == 200
        return len(queries), len(_ids(response))

    _waiting(own, days=1)
    few, rows = count()
    for days in range(20):
        _waiting(own, days=days)
    assert count() == (few, rows + 20)


def test_review_queue_ignores_bad_filters_and_says_so(office, world):
    waiting = _waiting(world.objects["units"]["own"], days=1)
    response = office.get(QUEUE, {"q": "字" * 101, "province": "x", "is_late": "maybe"})
    assert _ids(response) == [waiting.pk]
    assert "Some filters are not valid and were ignored." in response.content.decode()
