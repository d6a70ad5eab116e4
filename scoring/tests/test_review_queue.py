"""Reviewer throughput on the office's claims to verify: search and filters, days waiting,
oldest first, and "verify (or reject) and go to next" with the queue's filters kept."""

import itertools
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import AdoptionClaim
from scoring.tests.factories import AdoptionClaimFactory

pytestmark = pytest.mark.django_db
QUEUE = "/publicity/review/"
_articles = itertools.count()


@pytest.fixture
def office(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.users["office"])
    AdoptionClaim.objects.update(status=AdoptionClaim.Status.VERIFIED)  # only this test's claims
    return client


def _claim(world, unit_key, *, days, title=""):
    # each its own article: the same article in the same outlet counts once (R6.2)
    return AdoptionClaimFactory(
        unit=world.objects["units"][unit_key],
        title=title or f"文化惠民工程纪实之{next(_articles)}",
        claimed_at=timezone.now() - timedelta(days=days),
        published_on=timezone.localdate() - timedelta(days=days + 1),  # in an open period
    )


def _ids(response):
    return [int(pk) for pk in re.findall(r'data-claim-id="(\d+)"', response.content.decode())]


def _detail(claim):
    return reverse("scoring:claim-detail", kwargs={"pk": claim.pk})


def test_claim_queue_search_province_and_days_waiting_oldest_first(office, world):
    newer = _claim(world, "sibling", days=1, title="图书馆夜读活动")
    older = _claim(world, "other", days=6)
    response = office.get(QUEUE)
    assert _ids(response) == [older.pk, newer.pk]
    assert re.search(
        rf'data-claim-id="{older.pk}">\s*<td class="num">.*?6 days', response.content.decode(), re.S
    )
    assert _ids(office.get(QUEUE, {"q": "夜读"})) == [newer.pk]
    assert _ids(office.get(QUEUE, {"q": world.objects["units"]["other"].name})) == [older.pk]
    assert _ids(office.get(QUEUE, {"province": world.province_other.pk})) == [older.pk]
    html = office.get(QUEUE, {"q": "没有这个词"}).content.decode()
    assert "Nothing matches these filters." in html


def test_R6_2_verify_and_next_keeps_the_filters(office, world):
    first = _claim(world, "sibling", days=5)
    _claim(world, "other", days=4)  # another province
    second = _claim(world, "own", days=3)
    query = f"province={world.province_own.pk}"
    response = office.post(
        reverse("scoring:claim-verify", kwargs={"pk": first.pk}),
        {"and_next": "1", "queue": query},
    )
    target = urlsplit(response["Location"])
    assert (target.path, parse_qs(target.query)) == (_detail(second), {"queue": [query]})
    first.refresh_from_db()
    assert first.status == AdoptionClaim.Status.VERIFIED


def test_R6_2_reject_and_next_on_the_last_claim_goes_back_to_the_queue(office, world):
    only = _claim(world, "sibling", days=5)
    response = office.post(
        reverse("scoring:claim-reject", kwargs={"pk": only.pk}),
        {"and_next": "1", "reason": "无法核实", "queue": "tier=2"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{QUEUE}?tier=2"
    assert "All done: no claim in this queue is waiting for verification." in [
        str(m) for m in response.context["messages"]
    ]
    only.refresh_from_db()
    assert only.status == AdoptionClaim.Status.REJECTED


def test_verify_without_next_stays_on_the_claim_and_ignores_an_outside_address(office, world):
    claim = _claim(world, "sibling", days=5)
    response = office.post(
        reverse("scoring:claim-verify", kwargs={"pk": claim.pk}),
        {"next": "//evil.example/", "queue": "q=x"},
    )
    assert response["Location"] == f"{_detail(claim)}?queue=q%3Dx"
