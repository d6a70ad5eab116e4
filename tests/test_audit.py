"""The audit trail: each change of an audited record leaves who, when, the diff and the request,
readable by whoever may see the record, through the API and on the record's page."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_change_to_a_submission_records_the_user_the_diff_and_the_request(world):
    submission = world.objects["submissions"]["own"]
    staff = _token_client(world.users["unit_staff"])
    response = staff.post(
        f"/api/v1/submissions/{submission.pk}/withdraw/", HTTP_X_REQUEST_ID="req-withdraw-0001"
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-withdraw-0001"
    history = staff.get(f"/api/v1/submissions/{submission.pk}/history/").json()["results"]
    latest = history[0]
    assert latest["action"] == "update"
    assert latest["actor"] == world.users["unit_staff"].username
    assert latest["changes"]["status"] == ["submitted", "draft"]
    assert latest["request_id"] == "req-withdraw-0001"
    assert latest["remote_addr"] == "127.0.0.1"


def test_a_change_to_a_fund_plan_records_the_user_and_the_diff(world):
    version = world.objects["draft_versions"]["own"]
    client = APIClient()
    client.force_login(world.users["unit_staff"])
    response = client.patch(
        f"/api/v1/fund-plan-versions/{version.pk}/",
        {"summary": "调整后的经费使用计划说明"},
        format="json",
    )
    assert response.status_code == 200, response.content
    history = client.get(f"/api/v1/fund-plan-versions/{version.pk}/history/").json()["results"]
    latest = history[0]
    assert latest["actor"] == world.users["unit_staff"].username
    before, after = latest["changes"]["summary"]
    assert after == "调整后的经费使用计划说明"
    assert before != after
    # A new request gets its own id, answered in the response header.
    assert len(response["X-Request-ID"]) == 32
    assert latest["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("unit_staff", 200),
        ("province_culture", 200),
        ("office", 200),
        ("api_client", 200),
        ("outsider", 404),
    ],
)
def test_history_is_visible_only_to_users_who_see_the_record(world, role, status):
    submission = world.objects["submissions"]["own"]
    response = _token_client(world.users[role]).get(f"/api/v1/submissions/{submission.pk}/history/")
    assert response.status_code == status


def test_history_of_another_units_record_is_404(world):
    other = world.objects["submissions"]["other"]
    staff = _token_client(world.users["unit_staff"])
    assert staff.get(f"/api/v1/submissions/{other.pk}/history/").status_code == 404
    province = _token_client(world.users["province_culture"])
    assert province.get(f"/api/v1/submissions/{other.pk}/history/").status_code == 404


def test_the_plan_page_shows_its_history(client, world):
    version = world.objects["draft_versions"]["own"]
    api = APIClient()
    api.force_login(world.users["unit_staff"])
    api.patch(f"/api/v1/fund-plan-versions/{version.pk}/", {"summary": "新说明"}, format="json")
    client.force_login(world.users["unit_staff"])
    page = client.get(reverse("funds:plan-detail", kwargs={"pk": version.plan_id}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "data-history-entry" in text
    assert "新说明" in text


def test_history_queries_do_not_grow_with_entries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    version = world.objects["draft_versions"]["own"]
    api = APIClient()
    api.force_login(world.users["unit_staff"])
    url = f"/api/v1/fund-plan-versions/{version.pk}/history/"

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured)

    api.patch(f"/api/v1/fund-plan-versions/{version.pk}/", {"summary": "一"}, format="json")
    few = count()
    for n in range(10):
        api.patch(f"/api/v1/fund-plan-versions/{version.pk}/", {"summary": f"第{n}"}, format="json")
    assert count() == few


def test_a_change_to_a_frozen_score_records_the_user_and_the_diff(world):
    from scoring.models import AdoptionClaim
    from scoring.tests.factories import AdoptionClaimFactory, outlet

    period = world.objects["scoring_periods"]["national_closed"]
    score = world.objects["period_scores"]["own"]
    office = _token_client(world.users["office"])
    reopened = office.post(
        f"/api/v1/scoring-periods/{period.pk}/reopen/", {"reason": "补录一篇已核实的采用"}
    )
    assert reopened.status_code == 200, reopened.content
    AdoptionClaimFactory(
        unit=world.objects["units"]["own"],
        outlet=outlet("求是"),
        status=AdoptionClaim.Status.VERIFIED,
        published_on=period.start,
    )
    assert office.post(f"/api/v1/scoring-periods/{period.pk}/close/").status_code == 200

    latest = office.get(f"/api/v1/period-scores/{score.pk}/history/").json()["results"][0]
    assert latest["action"] == "update"
    assert latest["actor"] == world.users["office"].username
    assert latest["changes"]["bonus"] == [score.bonus, score.bonus + 50]
    assert latest["changes"]["total"] == [score.total, score.total + 50]
    # The reopening and the closing are on the period's own history, by the same reviewer.
    period_history = office.get(f"/api/v1/scoring-periods/{period.pk}/history/").json()
    closing, reopening = period_history["results"][:2]
    assert closing["changes"]["status"] == ["open", "closed"]
    assert reopening["changes"]["status"] == ["closed", "open"]
    assert {closing["actor"], reopening["actor"]} == {world.users["office"].username}
    # Out of scope, the score's history is as invisible as the score.
    other = _token_client(world.users["outsider"])
    assert other.get(f"/api/v1/period-scores/{score.pk}/history/").status_code == 404


DECISIONS = [
    # (API basename, world objects): records that carry a decision have no DELETE in the API.
    ("submission", "submissions"),
    ("fund-plan", "fund_plans"),
    ("fund-plan-version", "fund_plan_versions"),
    ("expenditure", "expenditures"),
    ("liaison", "liaisons"),
    ("adoption-claim", "adoption_claims"),
    ("scoring-period", "scoring_periods"),
    ("period-score", "period_scores"),
    ("bulletin", "bulletins"),
    ("veto-override", "veto_overrides"),
    ("acceptance-evaluation", "acceptance_evaluations"),
    ("inspection", "inspections"),
    ("finding", "findings"),
    ("rectification", "rectifications"),
    ("feedback-letter", "letters"),
    ("self-inspection", "self_inspections"),
]


@pytest.mark.parametrize(("basename", "model"), DECISIONS)
def test_records_that_carry_a_decision_cannot_be_deleted_through_the_api(world, basename, model):
    record = next(iter(world.objects[model].values()))
    client = _token_client(world.users["superuser"])
    url = reverse(f"api:{basename}-detail", kwargs={"pk": record.pk})
    assert client.delete(url).status_code == 405
    assert type(record).objects.filter(pk=record.pk).exists()
