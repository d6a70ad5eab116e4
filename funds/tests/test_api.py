"""The funds API: the plan workflow (R3.2), ring-fenced spending, the fund report (R3.3),
constant queries per list, and 404 across units and provinces."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from creation.scope import forget_scope
from creation.tests.factories import PDF_BYTES
from funds.models import BudgetLine, Expenditure, FundPlan, FundPlanVersion
from funds.rules import PlanStatus, Source
from funds.tests.factories import (
    BudgetLineFactory,
    CentralAllocationFactory,
    ExpenditureFactory,
    FundPlanVersionFactory,
    category,
    voucher_pdf,
)
from reporting.models import Obligation, Submission
from reporting.tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def as_role(api_client, world):
    def login(role):
        api_client.force_authenticate(world.users[role])
        return api_client

    return login


@pytest.fixture
def own(world):
    return world.objects["units"]["own"]


def test_R3_2_api_staff_start_a_plan_add_lines_and_submit_it(as_role, own):
    client = as_role("unit_staff")
    response = client.post(
        reverse("api:fund-plan-list"),
        {
            "unit": own.pk,
            "title": "2027年度经费使用方案",
            "central_rules": "中央资金专款专用。",
            "local_rules": "地方资金足额配套。",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    plan = FundPlan.objects.get(pk=response.json()["id"])
    assert response.json()["latest_status"] == "draft"
    version = plan.versions.get()
    for source, amount in ((Source.CENTRAL, "80000.00"), (Source.LOCAL, "120000.50")):
        created = client.post(
            reverse("api:budget-line-list"),
            {
                "version": version.pk,
                "source": source,
                "category": category().pk,
                "amount": amount,
                "purpose": "社区文化活动",
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
    response = client.post(reverse("api:fund-plan-version-submit", kwargs={"pk": version.pk}))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_review"
    assert body["totals"] == {"central": "80000.00", "local": "120000.50", "total": "200000.50"}


def test_R3_1_api_refuses_a_central_line_in_a_local_only_category(as_role, world):
    from funds.tests.factories import FundCategoryFactory

    version = world.objects["draft_versions"]["own"]
    local_only = FundCategoryFactory(central_allowed=False)
    response = as_role("unit_staff").post(
        reverse("api:budget-line-list"),
        {
            "version": version.pk,
            "source": "central",
            "category": local_only.pk,
            "amount": "10.00",
            "purpose": "维修",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "category" in response.json()["fields"]
    assert version.lines.count() == 1


def test_R3_2_api_finance_approves_culture_approves_office_files(as_role, world):
    version = world.objects["review_versions"]["own"]
    url = reverse("api:fund-plan-version-decide", kwargs={"pk": version.pk})
    response = as_role("province_finance").post(url, {"outcome": "approved"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_review"
    response = as_role("province_culture").post(url, {"outcome": "approved"}, format="json")
    assert response.json()["status"] == "awaiting_filing"
    assert {d["stage"] for d in response.json()["decisions"]} == {"finance", "culture"}
    response = as_role("office").post(
        reverse("api:fund-plan-version-file", kwargs={"pk": version.pk}),
        {"outcome": "approved", "comment": "准予备案"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "filed"


def test_R3_2_api_filing_before_both_approvals_is_refused(as_role, world):
    version = world.objects["review_versions"]["own"]
    response = as_role("office").post(
        reverse("api:fund-plan-version-file", kwargs={"pk": version.pk}),
        {"outcome": "approved"},
        format="json",
    )
    assert response.status_code == 400
    assert FundPlanVersion.objects.get(pk=version.pk).status == PlanStatus.IN_REVIEW


@pytest.mark.parametrize("role", ["office", "unit_staff"])
def test_R3_2_api_only_provincial_reviewers_decide(as_role, world, role):
    version = world.objects["review_versions"]["own"]
    response = as_role(role).post(
        reverse("api:fund-plan-version-decide", kwargs={"pk": version.pk}),
        {"outcome": "approved"},
        format="json",
    )
    assert response.status_code == 403
    assert not version.decisions.exists()


def test_R3_2_api_a_return_needs_a_comment_and_then_the_unit_revises(as_role, world):
    version = world.objects["review_versions"]["own"]
    url = reverse("api:fund-plan-version-decide", kwargs={"pk": version.pk})
    response = as_role("province_culture").post(url, {"outcome": "returned"}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()["fields"]
    response = as_role("province_culture").post(
        url, {"outcome": "returned", "comment": "请补充绩效目标。"}, format="json"
    )
    assert response.json()["status"] == "returned"
    response = as_role("unit_staff").post(
        reverse("api:fund-plan-revise", kwargs={"pk": version.plan_id})
    )
    assert response.status_code == 201
    assert (response.json()["number"], response.json()["status"]) == (2, "draft")
    assert len(response.json()["lines"]) == 1


def _expenditure(line, amount="100.00", **extra):
    return {
        "line": line.pk,
        "spent_on": "2026-04-01",
        "amount": amount,
        "payee": "长沙市群众艺术馆",
        "description": "文艺汇演",
        "voucher": voucher_pdf(),
        **extra,
    }


def test_R3_2_api_spending_on_a_filed_line_with_its_voucher(as_role, world):
    line = world.objects["budget_lines"]["own/filed"]
    client = as_role("unit_staff")
    response = client.post(reverse("api:expenditure-list"), _expenditure(line), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == "100.00"  # Decimal yuan as a string, never a float
    assert body["voucher_name"] == "发票.pdf"
    voucher = client.get(body["voucher_url"])
    assert voucher.status_code == 200
    assert b"".join(voucher.streaming_content) == PDF_BYTES
    line.refresh_from_db()
    assert line.spent == D("1300.00")


@pytest.mark.parametrize("key", ["own/draft", "own/review"])
def test_R3_2_api_spending_outside_the_filed_plan_is_refused(as_role, world, key):
    line = world.objects["budget_lines"][key]
    response = as_role("unit_staff").post(
        reverse("api:expenditure-list"), _expenditure(line), format="multipart"
    )
    assert response.status_code == 400
    assert "line" in response.json()["fields"]
    assert not Expenditure.objects.filter(line=line).exists()


def test_R3_2_api_spending_beyond_the_remainder_is_refused(as_role, world):
    line = world.objects["budget_lines"]["own/filed"]
    left = line.amount - D("1200.00")
    response = as_role("unit_staff").post(
        reverse("api:expenditure-list"),
        _expenditure(line, amount=str(left + D("0.01"))),
        format="multipart",
    )
    assert response.status_code == 400
    assert "amount" in response.json()["fields"]
    assert Expenditure.objects.filter(line=line).count() == 1


def test_R3_3_api_fund_report_equals_the_spending(as_role, world, own):
    line = world.objects["budget_lines"]["own/filed"]
    ExpenditureFactory(line=line, amount=D("800.50"), spent_on=date(2026, 6, 30))
    ExpenditureFactory(line=line, amount=D("99.00"), spent_on=date(2026, 7, 1))
    response = as_role("province_finance").get(
        reverse("api:fund-report-detail", kwargs={"pk": own.pk}), {"period": "2026H1"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["spent_in_period"] == "2000.50"
    assert body["total"]["spent_to_date"] == "2000.50"
    assert [v["amount"] for v in body["vouchers"]] == ["1200.00", "800.50"]
    assert body["sources"][0]["key"] == "central"


def test_R3_3_api_staff_submit_the_fund_report_through_the_obligation(as_role, own):
    obligation = ObligationFactory(
        unit=own,
        type=Obligation.Type.FUND_REPORT,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        period_label="2026H1",
    )
    url = reverse("api:fund-report-submit", kwargs={"pk": own.pk})
    assert as_role("unit_staff").post(url, {}, format="json").status_code == 400
    response = as_role("unit_staff").post(url, {"period": "2026H1"}, format="json")
    assert response.status_code == 200, response.json()
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == "submitted"
    assert "1,200.00" in submission.body


def test_R3_3_api_only_the_units_staff_submit_the_fund_report(as_role, own):
    response = as_role("province_culture").post(
        reverse("api:fund-report-submit", kwargs={"pk": own.pk}), {"period": "2026H1"}
    )
    assert response.status_code == 403


DETAIL_ROUTES = [
    ("api:fund-plan-detail", "fund_plans", "other/filed"),
    ("api:fund-plan-version-detail", "fund_plan_versions", "other/review"),
    ("api:budget-line-detail", "budget_lines", "other/filed"),
    ("api:expenditure-detail", "expenditures", "other"),
    ("api:expenditure-voucher", "expenditures", "other"),
    ("api:central-allocation-detail", "central_allocations", "provincial"),
    ("api:local-funding-detail", "local_fundings", "provincial"),
    ("api:fund-report-detail", "units", "other"),
]


@pytest.mark.parametrize(("route", "model", "key"), DETAIL_ROUTES)
@pytest.mark.parametrize("role", ["unit_staff", "province_finance"])
def test_records_of_other_units_and_provinces_answer_404(as_role, world, route, model, key, role):
    obj = world.objects[model][key]
    assert as_role(role).get(reverse(route, kwargs={"pk": obj.pk})).status_code == 404


def test_unit_staff_get_404_for_a_sibling_unit_in_the_same_province(as_role, world):
    sibling = world.objects["expenditures"]["sibling"]
    response = as_role("unit_staff").get(
        reverse("api:expenditure-detail", kwargs={"pk": sibling.pk})
    )
    assert response.status_code == 404


def _queries(client, url) -> int:
    # the user's scope is read once and kept on the user object: read it afresh each time
    forget_scope(client.handler._force_user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    return len(context.captured_queries)


def _more_of_everything(unit, count):
    for _ in range(count):
        CentralAllocationFactory(unit=unit)
        version = FundPlanVersionFactory(plan__unit=unit, status=PlanStatus.FILED)
        line = BudgetLineFactory(version=version)
        BudgetLineFactory(version=version, source=Source.LOCAL)
        ExpenditureFactory(line=line)


@pytest.mark.parametrize(
    "route",
    [
        "api:fund-plan-list",
        "api:fund-plan-version-list",
        "api:budget-line-list",
        "api:expenditure-list",
        "api:central-allocation-list",
        "api:local-funding-list",
        "api:fund-execution-list",
        "api:fund-category-list",
    ],
)
def test_list_queries_do_not_grow_with_the_rows(as_role, own, route):
    client = as_role("office")
    url = reverse(route)
    _more_of_everything(own, 1)
    before = _queries(client, url)
    _more_of_everything(own, 20)
    assert _queries(client, url) == before


def test_fund_report_queries_do_not_grow_with_the_spending(as_role, own):
    client = as_role("office")
    url = reverse("api:fund-report-detail", kwargs={"pk": own.pk})
    _more_of_everything(own, 1)
    before = _queries(client, url + "?period=2026H1")
    _more_of_everything(own, 20)
    assert _queries(client, url + "?period=2026H1") == before


def test_draft_changes_by_patch_and_not_after_submission(as_role, world):
    client = as_role("unit_staff")
    draft = world.objects["draft_versions"]["own"]
    url = reverse("api:fund-plan-version-detail", kwargs={"pk": draft.pk})
    response = client.patch(url, {"summary": "新的使用范围"}, format="json")
    assert response.status_code == 200
    assert FundPlanVersion.objects.get(pk=draft.pk).summary == "新的使用范围"
    review = world.objects["review_versions"]["own"]
    response = client.patch(
        reverse("api:fund-plan-version-detail", kwargs={"pk": review.pk}),
        {"summary": "改"},
        format="json",
    )
    assert response.status_code == 400
    line = world.objects["budget_lines"]["own/review"]
    response = client.delete(reverse("api:budget-line-detail", kwargs={"pk": line.pk}))
    assert response.status_code == 400
    assert BudgetLine.objects.filter(pk=line.pk).exists()


# --- C6 (R3.2): dates and correcting entries ----------------------------------------------------


def _reverse_url(expenditure):
    return reverse("api:expenditure-reverse", kwargs={"pk": expenditure.pk})


def test_C6_R3_2_api_spending_before_the_plan_was_filed_is_refused(as_role, world):
    line = world.objects["budget_lines"]["own/filed"]  # filed on 2026-02-02
    response = as_role("unit_staff").post(
        reverse("api:expenditure-list"),
        _expenditure(line, spent_on="2026-01-05"),
        format="multipart",
    )
    assert response.status_code == 400
    assert "2026-02-02" in response.json()["fields"]["spent_on"][0]
    assert Expenditure.objects.filter(line=line).count() == 1


def test_C6_R3_2_api_reverse_an_expenditure(as_role, world):
    expenditure = world.objects["expenditures"]["own"]
    client = as_role("unit_staff")
    response = client.post(_reverse_url(expenditure), {"reason": "重复录入"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["reverses"], body["reason"]) == (
        "-1200.00",
        expenditure.pk,
        "重复录入",
    )
    assert body["voucher_url"] is None
    original = client.get(reverse("api:expenditure-detail", kwargs={"pk": expenditure.pk})).json()
    assert (original["amount"], original["reversal"]) == ("1200.00", body["id"])
    line = client.get(reverse("api:budget-line-detail", kwargs={"pk": expenditure.line_id})).json()
    assert line["spent"] == "0.00"


@pytest.fixture
def keeps_language():
    # a Chinese request leaves Chinese active in the thread: the next tests read what they did
    with translation.override(translation.get_language()):
        yield


def test_C6_R3_2_api_reverse_errors_have_their_messages(as_role, world, keeps_language):
    expenditure = world.objects["expenditures"]["own"]
    client = as_role("unit_staff")
    response = client.post(_reverse_url(expenditure), {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    client.post(_reverse_url(expenditure), {"reason": "重复录入"}, format="json")
    again = client.post(_reverse_url(expenditure), {"reason": "再次"}, format="json")
    assert again.status_code == 409
    assert again.json() == {"code": "conflict", "message": "这笔支出已经冲销过。", "fields": {}}
    english = client.post(
        _reverse_url(expenditure), {"reason": "再次"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["message"] == "This expenditure has already been reversed."
    reversal = Expenditure.objects.get(reverses=expenditure)
    response = client.post(_reverse_url(reversal), {"reason": "x"}, format="json")
    assert response.status_code == 400
    assert Expenditure.objects.filter(line=expenditure.line).count() == 2


@pytest.mark.parametrize(
    ("role", "key", "status"),
    [
        ("province_finance", "own", 403),
        ("office", "own", 403),
        ("api_client", "own", 403),
        ("unit_staff", "sibling", 404),
    ],
)
def test_C6_R3_2_api_only_the_units_staff_reverse(as_role, world, role, key, status):
    expenditure = world.objects["expenditures"][key]
    response = as_role(role).post(_reverse_url(expenditure), {"reason": "x"}, format="json")
    assert response.status_code == status
    assert not Expenditure.objects.filter(reverses=expenditure).exists()


def test_C6_R3_2_api_spending_is_never_edited_or_deleted(as_role, world):
    expenditure = world.objects["expenditures"]["own"]
    client = as_role("unit_staff")
    url = reverse("api:expenditure-detail", kwargs={"pk": expenditure.pk})
    assert client.patch(url, {"amount": "1.00"}, format="json").status_code == 405
    assert client.put(url, {"amount": "1.00"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    expenditure.refresh_from_db()
    assert expenditure.amount == D("1200.00")
