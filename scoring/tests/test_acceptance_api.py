"""The veto-gauge, override, review and acceptance API (R6.5, R6.6, §8): who may write,
constant queries per list, and 404 across units."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creation.tests.factories import CreationUnitFactory
from scoring.models import AcceptanceEvaluation, IndicatorReview, VetoOverride
from scoring.tests.factories import compliant_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(api_client, world):
    def login(role):
        api_client.force_authenticate(world.users[role])
        return api_client

    return login


def _count(client, url, **params):
    client.get(url, params)  # the caller's scope is read once and kept for later requests
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response.json()


def test_R6_6_api_veto_gauge_lists_take_constant_queries(as_role, world):
    client = as_role("office")
    url = reverse("api:veto-gauge-list")
    batch = world.objects["batches"]["b1"]
    one, _ = _count(client, url, batch=batch.pk, page_size=200)
    for _index in range(20):
        compliant_unit(batch=batch, region=world.objects["units"]["own"].region)
    many, body = _count(client, url, batch=batch.pk, page_size=200)
    assert body["count"] == 22
    assert one == many


@pytest.mark.parametrize("role", ["office", "province_culture"])
def test_R6_6_api_veto_gauge_list_reads_stored_gauges_in_at_most_12_queries_cold(
    as_role, world, role
):
    client = as_role(role)
    url = reverse("api:veto-gauge-list")
    client.get(url)  # the units' figures are stored (as a committed write stores them)
    cache.clear()  # cold: nothing is cached (portal.cache)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    assert len(queries) <= 12


def test_R6_6_api_veto_gauge_shows_every_item_with_evidence(as_role, world):
    client = as_role("unit_staff")
    own = world.objects["units"]["own"]
    body = client.get(reverse("api:veto-gauge-detail", kwargs={"pk": own.pk})).json()
    items = {row["item"]: row for row in body["items"]}
    assert set(items) == {
        "leadership_group",
        "group_office",
        "liaison",
        "fund_plan_filed",
        "no_spending_outside_plan",
        "fund_reports",
        "self_inspections",
        "r5_2_submissions",
    }
    assert items["liaison"]["evidence_url"].endswith("#liaison")
    # the world's override of the liaison item is shown with its reason
    assert items["liaison"]["override"]["reason"].startswith("联络员交接")


def test_R6_6_api_gauge_filter_by_status(as_role, world):
    client = as_role("office")
    body = client.get(reverse("api:veto-gauge-list"), {"gauge_status": "ok"}).json()
    assert all(row["status"] == "ok" for row in body["results"])


def test_R6_6_api_gauge_of_another_unit_is_404(as_role, world):
    client = as_role("unit_staff")
    sibling = world.objects["units"]["sibling"]
    response = client.get(reverse("api:veto-gauge-detail", kwargs={"pk": sibling.pk}))
    assert response.status_code == 404


def test_R6_6_api_office_overrides_with_reason(as_role, world):
    client = as_role("office")
    own = world.objects["units"]["own"]
    response = client.post(
        reverse("api:veto-override-list"),
        {"unit": own.pk, "item": "fund_reports", "decision": "ok", "reason": "已补报。"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    stored = VetoOverride.objects.get(pk=response.json()["id"])
    assert (stored.decided_by, stored.reason) == (world.users["office"], "已补报。")


def test_R6_6_api_override_without_reason_is_refused(as_role, world):
    client = as_role("office")
    own = world.objects["units"]["own"]
    before = VetoOverride.objects.count()
    response = client.post(
        reverse("api:veto-override-list"),
        {"unit": own.pk, "item": "fund_reports", "decision": "ok", "reason": ""},
        format="json",
    )
    assert response.status_code == 400
    assert VetoOverride.objects.count() == before


@pytest.mark.parametrize(("role", "status"), [("unit_staff", 403), ("api_client", 403)])
def test_R6_6_api_unit_staff_and_clients_cannot_override(as_role, world, role, status):
    client = as_role(role)
    own = world.objects["units"]["own"]
    before = VetoOverride.objects.count()
    response = client.post(
        reverse("api:veto-override-list"),
        {"unit": own.pk, "item": "liaison", "decision": "ok", "reason": "理由"},
        format="json",
    )
    assert response.status_code == status
    assert VetoOverride.objects.count() == before


def test_R6_6_api_override_of_a_unit_outside_the_scope_is_refused(as_role, world):
    client = as_role("office")
    provincial = world.objects["units"]["provincial"]
    response = client.post(
        reverse("api:veto-override-list"),
        {"unit": provincial.pk, "item": "liaison", "decision": "ok", "reason": "理由"},
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()["fields"]


def test_R6_5_api_office_runs_acceptance_and_decides(as_role, world):
    client = as_role("office")
    own = world.objects["units"]["own"]
    before = AcceptanceEvaluation.objects.filter(unit=own).count()
    response = client.post(
        reverse("api:acceptance-evaluation-list"), {"unit": own.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # the world's final value 0.5 of 0.6 with weight 100: 83.33, plus the publicity share
    assert body["indicator_score"] == "83.33"
    assert Decimal(body["total"]) == Decimal("83.33") + Decimal(body["publicity_score"])
    assert AcceptanceEvaluation.objects.filter(unit=own).count() == before + 1
    decided = client.post(
        reverse("api:acceptance-evaluation-decide", kwargs={"pk": body["id"]}),
        {"status": "vetoed", "reason": "一票否决：经费未备案。"},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    own.refresh_from_db()
    assert own.status == "vetoed"


@pytest.mark.parametrize("role", ["unit_staff", "api_client", "province_culture"])
def test_R6_5_api_only_the_office_runs_acceptance(as_role, world, role):
    client = as_role(role)
    own = world.objects["units"]["own"]
    before = AcceptanceEvaluation.objects.count()
    response = client.post(
        reverse("api:acceptance-evaluation-list"), {"unit": own.pk}, format="json"
    )
    assert response.status_code == 403
    assert AcceptanceEvaluation.objects.count() == before


def test_api_office_records_a_midterm_review(as_role, world):
    client = as_role("office")
    own = world.objects["units"]["own"]
    indicator = world.objects["indicators"]["b1"]
    response = client.post(
        reverse("api:indicator-review-list"),
        {
            "unit": own.pk,
            "stage": "midterm",
            "reviewed_on": "2027-01-10",
            "values": {str(indicator.pk): "0.42"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    review = IndicatorReview.objects.get(pk=response.json()["id"])
    value = review.values.get()
    # 0.42 / 0.6 = 70% → 合格; 100 × 0.6 = 60
    assert (value.completion, value.grade, review.composite_score) == (
        Decimal("70.0"),
        "qualified",
        Decimal("60.00"),
    )
    assert review.reviewed_on == date(2027, 1, 10)


@pytest.mark.parametrize(
    "route",
    [
        "api:veto-override-list",
        "api:indicator-review-list",
        "api:acceptance-evaluation-list",
        "api:creation-standard-list",
        "api:indicator-list",
    ],
)
def test_api_lists_take_constant_queries(as_role, world, route):
    client = as_role("superuser")
    one, _ = _count(client, reverse(route), page_size=200)
    unit = world.objects["units"]["own"]

    for _index in range(20):
        other = CreationUnitFactory(batch=unit.batch, region=unit.region)
        review = IndicatorReview.objects.create(
            unit=other,
            stage="midterm",
            reviewed_on=date(2027, 1, 1),
            recorded_by=world.users["superuser"],
            recorded_at=world.objects["indicator_reviews"]["own"].recorded_at,
        )
        AcceptanceEvaluation.objects.create(
            **{
                **{
                    f.name: getattr(world.objects["acceptance_evaluations"]["own"], f.name)
                    for f in AcceptanceEvaluation._meta.concrete_fields
                    if f.name not in ("id", "unit", "review")
                },
                "unit": other,
                "review": review,
            }
        )
        VetoOverride.objects.create(
            unit=other,
            item="liaison",
            decision="ok",
            reason="理由",
            decided_by=world.users["superuser"],
            decided_at=review.recorded_at,
        )
    many, _ = _count(client, reverse(route), page_size=200)
    assert one == many
