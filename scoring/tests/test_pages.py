"""Publicity pages: the unit's score and claims, claiming, the office's review, closing,
reopening and publishing; bad input keeps what was typed; lists keep their query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creation.tests.factories import CreationUnitFactory
from scoring.models import AdoptionClaim, MediaOutlet, PeriodEvent
from scoring.tests.factories import AdoptionClaimFactory, outlet

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(client, world):
    client.cookies["django_language"] = "en"

    def login(role):
        client.force_login(world.users[role])
        return client

    return login


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_unit_page_shows_live_score_with_reasons_and_claims(as_role, world):
    own = world.objects["units"]["own"]
    claim = world.objects["adoption_claims"]["own"]
    AdoptionClaimFactory(
        unit=own,
        outlet=outlet("求是"),
        title="已核实稿件",
        published_on=date(2026, 9, 1),
        status="verified",
    )
    page = as_role("unit_staff").get(reverse("scoring:unit-publicity", kwargs={"pk": own.pk}))
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-claim-id="{claim.pk}"' in text
    assert "已核实稿件" in text  # counted in the live score
    assert page.context["current"]["live"].bonus == 50
    assert reverse("scoring:claim-create", kwargs={"pk": own.pk}) in text


def test_R6_2_claim_form_keeps_input_and_needs_evidence(as_role, world):
    own = world.objects["units"]["own"]
    client = as_role("unit_staff")
    url = reverse("scoring:claim-create", kwargs={"pk": own.pk})
    data = {
        "outlet": outlet("光明日报").pk,
        "title": "没有证据的稿件",
        "published_on": "2026-09-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "没有证据的稿件" in response.content.decode()
    assert response.context["form"].non_field_errors()
    response = client.post(url, {**data, "link": "https://example.org/x"})
    claim = AdoptionClaim.objects.get(title="没有证据的稿件")
    assert response.url == reverse("scoring:claim-detail", kwargs={"pk": claim.pk})
    assert (claim.tier, claim.status, claim.claimed_by) == (2, "claimed", world.users["unit_staff"])
    # the same article again: refused on the form, the input kept
    response = client.post(url, {**data, "title": "《没有证据的稿件》", "link": "https://e.org/y"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"]


def test_R6_2_office_verifies_and_rejects_with_a_reason(as_role, world):
    client = as_role("office")
    sibling_claim = world.objects["adoption_claims"]["sibling"]
    other_claim = world.objects["adoption_claims"]["other"]
    queue = client.get(reverse("scoring:review-queue")).content.decode()
    assert f'data-claim-id="{sibling_claim.pk}"' in queue
    client.post(reverse("scoring:claim-verify", kwargs={"pk": sibling_claim.pk}))
    sibling_claim.refresh_from_db()
    assert sibling_claim.status == "verified"
    response = client.post(
        reverse("scoring:claim-reject", kwargs={"pk": other_claim.pk}), {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["reject_form"].errors["reason"]
    client.post(
        reverse("scoring:claim-reject", kwargs={"pk": other_claim.pk}), {"reason": "无法核实"}
    )
    other_claim.refresh_from_db()
    assert (other_claim.status, other_claim.reject_reason) == ("rejected", "无法核实")


def test_R6_2_unit_staff_cannot_verify_their_own_claim_on_the_page(as_role, world):
    claim = world.objects["adoption_claims"]["own"]
    response = as_role("unit_staff").post(reverse("scoring:claim-verify", kwargs={"pk": claim.pk}))
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == "claimed"


def test_R6_2_unit_staff_withdraw_their_claim(as_role, world):
    claim = world.objects["adoption_claims"]["own"]
    as_role("unit_staff").post(reverse("scoring:claim-withdraw", kwargs={"pk": claim.pk}))
    claim.refresh_from_db()
    assert claim.status == "withdrawn"


def test_R6_3_office_closes_reopens_with_reason_and_publishes(as_role, world):
    client = as_role("office")
    period = world.objects["scoring_periods"]["national_open"]
    client.post(reverse("scoring:period-close", kwargs={"pk": period.pk}))
    period.refresh_from_db()
    assert period.is_closed
    response = client.post(
        reverse("scoring:period-reopen", kwargs={"pk": period.pk}), {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["reopen_form"].errors["reason"]
    client.post(reverse("scoring:period-reopen", kwargs={"pk": period.pk}), {"reason": "补录稿件"})
    assert period.events.filter(action=PeriodEvent.Action.REOPENED, reason="补录稿件").exists()
    client.post(reverse("scoring:period-close", kwargs={"pk": period.pk}))
    response = client.post(
        reverse("scoring:period-publish", kwargs={"pk": period.pk}),
        {"number": "文公共〔2027〕1号", "published_on": "2027-01-20"},
    )
    period.refresh_from_db()
    assert response.url == reverse("scoring:bulletin-detail", kwargs={"pk": period.bulletin.pk})
    page = client.get(response.url).content.decode()
    for key in ("own", "sibling", "other"):
        assert f'data-unit-id="{world.objects["units"][key].pk}"' in page


def test_R6_3_bulletin_page_shows_every_unit_of_the_programme_to_a_unit(as_role, world):
    bulletin = world.objects["bulletins"]["national"]
    page = as_role("unit_staff").get(reverse("scoring:bulletin-detail", kwargs={"pk": bulletin.pk}))
    ids = {world.objects["units"][k].pk for k in ("own", "sibling", "other")}
    assert {r.unit_id for r in page.context["rows"]} == ids


def test_R6_3_live_ranking_shows_a_unit_only_itself(as_role, world):
    period = world.objects["scoring_periods"]["national_open"]
    page = as_role("unit_staff").get(reverse("scoring:period-detail", kwargs={"pk": period.pk}))
    assert [r.unit_id for r in page.context["rows"]] == [world.objects["units"]["own"].pk]


def test_R6_2_office_adds_an_outlet_and_units_cannot(as_role, world):
    response = as_role("unit_staff").post(
        reverse("scoring:outlets"), {"name": "株洲日报", "tier": 4}
    )
    assert response.status_code == 403
    client = as_role("office")
    client.post(reverse("scoring:outlets"), {"name": "湖南卫视", "level": "province"})
    assert MediaOutlet.objects.get(name="湖南卫视").tier_for("city") == 3


def test_review_queue_queries_constant(as_role, world):
    client = as_role("office")
    url = reverse("scoring:review-queue")
    few = _queries(client, url)
    for n in range(20):
        AdoptionClaimFactory(unit=world.objects["units"]["sibling"], title=f"稿件{n}")
    assert _queries(client, url) == few


def test_unit_page_queries_constant(as_role, world):
    client = as_role("unit_staff")
    own = world.objects["units"]["own"]
    url = reverse("scoring:unit-publicity", kwargs={"pk": own.pk})
    few = _queries(client, url)
    for n in range(20):
        AdoptionClaimFactory(
            unit=own,
            title=f"稿件{n}",
            status="verified" if n % 2 else "claimed",
            published_on=date(2026, 9, 1),
        )
    assert _queries(client, url) == few


def test_period_pages_queries_constant(as_role, world):
    client = as_role("office")
    period = world.objects["scoring_periods"]["national_open"]
    list_url, detail_url = (
        reverse("scoring:period-list"),
        reverse("scoring:period-detail", kwargs={"pk": period.pk}),
    )
    few_list, few_detail = _queries(client, list_url), _queries(client, detail_url)
    batch = world.objects["units"]["own"].batch
    for n in range(20):
        unit = CreationUnitFactory(batch=batch, region=world.objects["units"]["own"].region)
        AdoptionClaimFactory(
            unit=unit, title=f"稿件{n}", status="verified", published_on=date(2026, 9, 1)
        )
    assert _queries(client, list_url) == few_list
    assert _queries(client, detail_url) == few_detail


def test_outlet_page_lists_the_catalogue_of_r6_2(as_role):
    page = as_role("unit_staff").get(reverse("scoring:outlets")).content.decode()
    for name in (
        "新华社内参",
        "人民日报内参",
        "求是",
        "中央级媒体集中宣传报道",
        "中央电视台",
        "中央人民广播电台",
        "新华社",
        "人民日报",
        "光明日报",
        "中国文化报",
        "文化部《文化要情》",
        "省级媒体",
        "文化部《文化信息》",
        "同级媒体",
        "文化部网站",
        "国家公共文化网",
        "人民政府网站",
    ):
        assert name in page


def test_R6_3_every_open_period_of_a_unit_is_ranked_at_once(as_role, world):
    """However many of a zone's periods are still open, its page reads their scores and ranks
    in the queries one open period takes, and each is the one the period's ranking (scored
    live over the whole batch) shows."""
    from dashboard.services import unit_figures_refresh_due
    from scoring.selectors import publicity_ranking

    own = world.objects["units"]["own"]
    client = as_role("office")
    recent = CreationUnitFactory(batch=own.batch, region=own.region, start_date=date(2026, 9, 1))
    older = CreationUnitFactory(batch=own.batch, region=own.region, start_date=date(2025, 3, 1))
    AdoptionClaimFactory(
        unit=older, outlet=outlet("人民日报"), status="verified", published_on=date(2025, 4, 1)
    )
    # The factories write no figures: the beat stores those of units that have none, their
    # standings among them, which the page ranks the unit over.
    unit_figures_refresh_due()

    def url(unit):
        return reverse("scoring:unit-publicity", kwargs={"pk": unit.pk})

    assert _queries(client, url(older)) == _queries(client, url(recent))
    history = client.get(url(older), HTTP_CACHE_CONTROL="no-cache").context["history"]
    live = [row for row in history if row["live"]]
    assert len(live) >= 4  # 2025 H1 to 2026 H2, none of them closed for this zone
    for row in live:
        ranking = publicity_ranking(
            programme_id=own.batch.programme_id,
            kind=older.kind,
            batch_ids=[older.batch_id],
            start=row["start"],
            end=row["end"],
        )
        score = next(score for score in ranking if score.unit_id == older.pk)
        peers = sum(1 for other in ranking if other.group == score.group)
        assert (row["live"].total, row["rank"]) == (score.total, (score.rank, peers))
    # the adoption counts in its first half year only
    assert [sum(row["live"].tier_counts) for row in live] == [0] * (len(live) - 1) + [1]
