"""The office's rectifications to check (R4.1): search and filters, days waiting since the unit
submitted, the longest waiting first, "verify (or reopen) and go to next", and a query count that
does not grow with the rows."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creation.tests.factories import CreationUnitFactory
from inspections.models import Rectification, RectificationEvent
from inspections.tests.factories import RectificationFactory, inspection_people

pytestmark = pytest.mark.django_db
QUEUE = "/rectifications/checks/"


@pytest.fixture
def people(client):
    people = inspection_people()
    client.cookies["django_language"] = "en"
    client.force_login(people["office"])
    return people


def _submitted(unit, *, days, description=""):
    rectification = RectificationFactory(
        finding__inspection__unit=unit,
        status=Rectification.Status.SUBMITTED,
        **({"finding__description": description} if description else {}),
    )
    RectificationEvent.objects.create(
        rectification=rectification,
        at=timezone.now() - timedelta(days=days),
        from_status=Rectification.Status.IN_PROGRESS,
        to_status=Rectification.Status.SUBMITTED,
    )
    return rectification


def _ids(response):
    return [
        int(pk) for pk in re.findall(r'data-rectification-id="(\d+)"', response.content.decode())
    ]


def _detail(rectification):
    return reverse("inspections:rectification-detail", kwargs={"pk": rectification.pk})


def test_checks_list_waiting_rectifications_oldest_first_with_days(client, people):
    newer = _submitted(people["unit"], days=1, description="档案管理不规范")
    older = _submitted(people["unit"], days=15)
    RectificationFactory(finding__inspection__unit=people["unit"])  # still open: not waiting
    response = client.get(QUEUE)
    assert _ids(response) == [older.pk, newer.pk]
    assert re.search(
        rf'data-rectification-id="{older.pk}">.*?15 days', response.content.decode(), re.S
    )
    assert _ids(client.get(QUEUE, {"q": "档案"})) == [newer.pk]
    assert _ids(client.get(QUEUE, {"province": people["province"].pk})) == [older.pk, newer.pk]
    assert "Nothing matches these filters." in client.get(QUEUE, {"q": "无此"}).content.decode()


def test_R4_1_rectification_checks_are_for_the_programmes_office(client, people):
    _submitted(people["unit"], days=1)
    client.force_login(people["other_office"])
    assert _ids(client.get(QUEUE)) == []
    client.force_login(people["staff"])
    assert client.get(QUEUE).status_code == 403


def test_R4_1_office_verifies_a_rectification_and_goes_to_the_next_then_all_done(client, people):
    first = _submitted(people["unit"], days=5)
    second = _submitted(people["unit"], days=3)
    response = client.post(
        reverse("inspections:rectification-verify", kwargs={"pk": first.pk}),
        {"and_next": "1", "queue": "severity=major"},
    )
    target = urlsplit(response["Location"])
    assert (target.path, parse_qs(target.query)) == (
        _detail(second),
        {"queue": ["severity=major"]},
    )
    first.refresh_from_db()
    assert first.status == Rectification.Status.VERIFIED
    response = client.post(
        reverse("inspections:rectification-reopen", kwargs={"pk": second.pk}),
        {"and_next": "1", "reason": "材料不全", "queue": "severity=major"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{QUEUE}?severity=major"
    assert "All done: no rectification in this queue is waiting to be checked." in [
        str(m) for m in response.context["messages"]
    ]


def test_checks_queries_constant(client, people):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    _submitted(people["unit"], days=1)
    few = count()
    other = CreationUnitFactory(batch=people["unit"].batch, region=people["unit"].region)
    for n in range(20):
        _submitted(other if n % 2 else people["unit"], days=n)
    assert count() == few
