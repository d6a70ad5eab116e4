"""Reviewer throughput on the fund plan queues: the province's plans to review and the office's
plans to file: search, days waiting, oldest first, and "decide and go to next"."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from funds.models import FundPlanVersion
from funds.rules import Outcome, PlanStatus, Stage
from funds.tests.factories import FundPlanVersionFactory, PlanDecisionFactory

pytestmark = pytest.mark.django_db
PROVINCE_QUEUE = "/funds/province/"
OFFICE_PAGE = "/funds/office/"


@pytest.fixture
def login(client, world):
    client.cookies["django_language"] = "en"
    # Only this test's versions wait anywhere.
    FundPlanVersion.objects.filter(
        status__in=[PlanStatus.IN_REVIEW, PlanStatus.AWAITING_FILING]
    ).update(status=PlanStatus.RETURNED)

    def as_role(role):
        client.force_login(world.users[role])
        return client

    return as_role


def _in_review(world, unit_key, *, days, title=""):
    version = FundPlanVersionFactory(
        plan__unit=world.objects["units"][unit_key],
        status=PlanStatus.IN_REVIEW,
        submitted_at=timezone.now() - timedelta(days=days),
    )
    if title:
        version.plan.title = title
        version.plan.save(update_fields=["title"])
    return version


def _awaiting_filing(world, unit_key, *, days_since_approval):
    version = FundPlanVersionFactory(
        plan__unit=world.objects["units"][unit_key],
        status=PlanStatus.AWAITING_FILING,
        submitted_at=timezone.now() - timedelta(days=30),
    )
    approved = timezone.now() - timedelta(days=days_since_approval)
    for stage in (Stage.FINANCE, Stage.CULTURE):
        PlanDecisionFactory(
            version=version, stage=stage, outcome=Outcome.APPROVED, decided_at=approved
        )
    return version


def _ids(response):
    return [int(pk) for pk in re.findall(r'data-version-id="(\d+)"', response.content.decode())]


def _review(version):
    return reverse("funds:plan-detail", kwargs={"pk": version.plan_id})


def test_province_plans_search_days_waiting_and_oldest_first(login, world):
    newer = _in_review(world, "own", days=1, title="图书馆改造经费方案")
    older = _in_review(world, "sibling", days=8)
    client = login("province_culture")
    response = client.get(PROVINCE_QUEUE)
    assert _ids(response) == [older.pk, newer.pk]
    assert re.search(rf'data-version-id="{older.pk}">.*?8 days', response.content.decode(), re.S)
    assert _ids(client.get(PROVINCE_QUEUE, {"q": "图书馆"})) == [newer.pk]
    sibling = world.objects["units"]["sibling"]
    assert _ids(client.get(PROVINCE_QUEUE, {"q": sibling.name})) == [older.pk]
    html = client.get(PROVINCE_QUEUE, {"q": "没有这个词"}).content.decode()
    assert "Nothing matches these filters." in html
    # choosing to see every version is not a filter: the empty queue says so
    html = client.get(PROVINCE_QUEUE, {"show": "waiting", "q": ""}).content.decode()
    assert "Nothing matches these filters." not in html


def test_R3_2_approve_and_next_skips_what_the_department_decided_and_keeps_the_filters(
    login, world
):
    first = _in_review(world, "own", days=9, title="甲方案")
    decided = _in_review(world, "own", days=8, title="甲方案二")
    PlanDecisionFactory(version=decided, stage=Stage.CULTURE, outcome=Outcome.APPROVED)
    _in_review(world, "sibling", days=7, title="乙方案")  # filtered out by the search
    following = _in_review(world, "own", days=6, title="甲方案三")
    client = login("province_culture")
    response = client.post(
        reverse("funds:version-decide", kwargs={"pk": first.pk}),
        {"and_next": "approved", "comment": "", "queue": "q=甲"},
    )
    target = urlsplit(response["Location"])
    assert target.path == _review(following)
    carried = parse_qs(target.query)
    assert carried["version"] == ["1"]
    assert parse_qs(carried["queue"][0]) == {"q": ["甲"]}
    assert first.decisions.get().stage == Stage.CULTURE


def test_R3_2_decide_and_next_on_the_last_plan_goes_back_all_done(login, world):
    only = _in_review(world, "own", days=2)
    client = login("province_finance")
    response = client.post(
        reverse("funds:version-decide", kwargs={"pk": only.pk}),
        {"and_next": "returned", "comment": "请补充预算依据。", "queue": "show=all"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{PROVINCE_QUEUE}?show=all"
    assert "All done: no plan in this queue is waiting for your decision." in [
        str(m) for m in response.context["messages"]
    ]
    only.refresh_from_db()
    assert only.status == PlanStatus.RETURNED


def test_R3_2_filing_queue_waits_since_the_second_approval_and_files_then_next(login, world):
    recent = _awaiting_filing(world, "own", days_since_approval=1)
    longest = _awaiting_filing(world, "other", days_since_approval=10)
    client = login("office")
    response = client.get(OFFICE_PAGE)
    assert _ids(response)[:2] == [longest.pk, recent.pk]
    assert re.search(rf'data-version-id="{longest.pk}">.*?10 days', response.content.decode(), re.S)
    assert _ids(client.get(OFFICE_PAGE, {"province": world.province_own.pk}))[:1] == [recent.pk]

    response = client.post(
        reverse("funds:version-file", kwargs={"pk": longest.pk}),
        {"and_next": "approved", "comment": "准予备案"},
    )
    assert urlsplit(response["Location"]).path == _review(recent)
    longest.refresh_from_db()
    assert longest.status == PlanStatus.FILED
    response = client.post(
        reverse("funds:version-file", kwargs={"pk": recent.pk}),
        {"and_next": "approved", "comment": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{OFFICE_PAGE}#filing"
    assert "All done: no plan in this queue is waiting to be filed." in [
        str(m) for m in response.context["messages"]
    ]


def test_R3_2_approve_and_next_is_refused_to_the_office(login, world):
    version = _in_review(world, "own", days=2)
    response = login("office").post(
        reverse("funds:version-decide", kwargs={"pk": version.pk}), {"and_next": "approved"}
    )
    assert response.status_code == 403
    assert not version.decisions.exists()
