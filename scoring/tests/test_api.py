"""Publicity API: claims and their review, periods, rankings, bulletins; read-only clients;
query counts of the lists."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creation.tests.factories import PDF_BYTES, CreationUnitFactory
from scoring.models import AdoptionClaim
from scoring.tests.factories import AdoptionClaimFactory, outlet

pytestmark = pytest.mark.django_db


def _count(api_client, url):
    api_client.get(url)  # the user's scope is read once, then kept on the user
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_R6_2_unit_staff_claim_with_a_scan_and_cannot_verify_it(api_client, world):
    own = world.objects["units"]["own"]
    api_client.force_authenticate(world.users["unit_staff"])
    scan = SimpleUploadedFile("采用.pdf", PDF_BYTES, content_type="application/pdf")
    response = api_client.post(
        reverse("api:adoption-claim-list"),
        {
            "unit": own.pk,
            "outlet": outlet("新华社内参").pk,
            "title": "内参稿件",
            "published_on": "2026-09-01",
            "scan": scan,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["tier"], response.json()["has_scan"]) == (1, True)
    claim_id = response.json()["id"]
    response = api_client.post(reverse("api:adoption-claim-verify", kwargs={"pk": claim_id}))
    assert response.status_code == 403
    assert AdoptionClaim.objects.get(pk=claim_id).status == "claimed"


def test_R6_2_claim_without_evidence_is_400_and_other_units_404(api_client, world):
    api_client.force_authenticate(world.users["unit_staff"])
    data = {
        "unit": world.objects["units"]["own"].pk,
        "outlet": outlet("求是").pk,
        "title": "无证据",
        "published_on": "2026-09-01",
    }
    response = api_client.post(reverse("api:adoption-claim-list"), data, format="json")
    assert response.status_code == 400
    assert "link" in response.json()["fields"]
    response = api_client.post(
        reverse("api:adoption-claim-list"),
        {**data, "unit": world.objects["units"]["other"].pk, "link": "https://e.org"},
        format="json",
    )
    assert response.status_code == 400  # a unit outside the scope "does not exist"
    other_claim = world.objects["adoption_claims"]["other"]
    assert (
        api_client.get(
            reverse("api:adoption-claim-detail", kwargs={"pk": other_claim.pk})
        ).status_code
        == 404
    )


def test_R6_2_office_verifies_and_rejects_through_the_api(api_client, world):
    api_client.force_authenticate(world.users["office"])
    sibling = world.objects["adoption_claims"]["sibling"]
    response = api_client.post(reverse("api:adoption-claim-verify", kwargs={"pk": sibling.pk}))
    assert (response.status_code, response.json()["status"]) == (200, "verified")
    other = world.objects["adoption_claims"]["other"]
    url = reverse("api:adoption-claim-reject", kwargs={"pk": other.pk})
    assert api_client.post(url, {"reason": ""}, format="json").status_code == 400
    response = api_client.post(url, {"reason": "证据不足"}, format="json")
    assert (response.json()["status"], response.json()["reject_reason"]) == ("rejected", "证据不足")


def test_api_client_is_read_only(api_client, world):
    api_client.force_authenticate(world.users["api_client"])
    own_claim = world.objects["adoption_claims"]["own"]
    assert (
        api_client.get(
            reverse("api:adoption-claim-detail", kwargs={"pk": own_claim.pk})
        ).status_code
        == 200
    )
    for url in (
        reverse("api:adoption-claim-verify", kwargs={"pk": own_claim.pk}),
        reverse("api:adoption-claim-withdraw", kwargs={"pk": own_claim.pk}),
        reverse("api:adoption-claim-list"),
        reverse("api:media-outlet-list"),
    ):
        assert api_client.post(url, {}, format="json").status_code == 403


def test_R6_3_close_reopen_publish_and_ranking_through_the_api(api_client, world):
    api_client.force_authenticate(world.users["office"])
    period = world.objects["scoring_periods"]["national_open"]
    assert (
        api_client.post(reverse("api:scoring-period-close", kwargs={"pk": period.pk})).json()[
            "status"
        ]
        == "closed"
    )
    url = reverse("api:scoring-period-reopen", kwargs={"pk": period.pk})
    assert api_client.post(url, {"reason": " "}, format="json").status_code == 400
    assert api_client.post(url, {"reason": "复核"}, format="json").json()["status"] == "open"
    events = api_client.get(reverse("api:scoring-period-events", kwargs={"pk": period.pk})).json()
    assert [(e["action"], e["reason"]) for e in events] == [("closed", ""), ("reopened", "复核")]
    api_client.post(reverse("api:scoring-period-close", kwargs={"pk": period.pk}))
    response = api_client.post(
        reverse("api:scoring-period-publish", kwargs={"pk": period.pk}),
        {"number": "文公共〔2027〕2号", "published_on": "2027-01-10"},
        format="json",
    )
    assert response.status_code == 201
    ranking = api_client.get(reverse("api:scoring-period-ranking", kwargs={"pk": period.pk})).json()
    # nothing due in 2026H2 and no verified adoption: everyone has the base, all share rank 1
    assert sorted(r["rank"] for r in ranking) == [1, 1, 1]
    assert {r["total"] for r in ranking} == {50}


def test_claim_list_queries_constant(api_client, world):
    api_client.force_authenticate(world.users["office"])
    url = reverse("api:adoption-claim-list")
    few = _count(api_client, url)
    for n in range(20):
        AdoptionClaimFactory(unit=world.objects["units"]["sibling"], title=f"稿件{n}")
    assert _count(api_client, url) == few


@pytest.mark.parametrize(
    "route",
    [
        "api:scoring-period-list",
        "api:period-score-list",
        "api:bulletin-list",
        "api:media-outlet-list",
    ],
)
def test_publicity_lists_queries_constant(api_client, world, route):
    api_client.force_authenticate(world.users["office"])
    few = _count(api_client, reverse(route))
    from scoring import services
    from scoring.rules import HalfYear
    from scoring.tests.factories import MediaOutletFactory

    for year in range(2010, 2020):
        period = services.period_ensure(
            programme=world.national, kind="zone", half_year=HalfYear(year, 1)
        )
        period = services.period_close(period=period, user=world.users["office"])
        services.bulletin_publish(
            period=period,
            user=world.users["office"],
            number=f"{year}号",
            published_on=date(year, 8, 1),
        )
    MediaOutletFactory.create_batch(20)
    assert _count(api_client, reverse(route)) == few


def test_R6_3_ranking_queries_constant_in_the_number_of_units(api_client, world):
    api_client.force_authenticate(world.users["office"])
    period = world.objects["scoring_periods"]["national_open"]
    url = reverse("api:scoring-period-ranking", kwargs={"pk": period.pk})
    few = _count(api_client, url)
    batch = world.objects["units"]["own"].batch
    for n in range(20):
        unit = CreationUnitFactory(batch=batch, region=world.objects["units"]["own"].region)
        AdoptionClaimFactory(
            unit=unit, title=f"稿件{n}", status="verified", published_on=date(2026, 9, 1)
        )
    assert _count(api_client, url) == few
    assert len(api_client.get(url).json()) == 3 + 20
