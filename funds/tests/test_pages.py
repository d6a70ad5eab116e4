"""The funds pages: the unit's funds, the plan editor and its review (R3.2), spending with
vouchers, the half-yearly report (R3.3), the province's queue and the office's page."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from creation.scope import forget_scope
from funds.models import BudgetLine, Expenditure, FundPlan, FundPlanVersion, PlanDecision
from funds.rules import Outcome, PlanStatus, Source, Stage
from funds.tests.factories import (
    BudgetLineFactory,
    ExpenditureFactory,
    FundPlanVersionFactory,
    PlanDecisionFactory,
    category,
    voucher_pdf,
)
from portal.models import Notification
from reporting.models import Obligation, Submission
from reporting.tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db
D = Decimal


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


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def plan_url(plan):
    return reverse("funds:plan-detail", kwargs={"pk": plan.pk})


# --- The unit's funds and the plan editor ---------------------------------------------------------


def test_unit_funds_page_shows_money_in_plans_and_execution(as_role, world, own):
    page = as_role("unit_staff").get(reverse("funds:unit-funds", kwargs={"pk": own.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    for state in ("draft", "review", "filed"):
        assert f'data-plan-id="{world.objects["fund_plans"][f"own/{state}"].pk}"' in html
    assert world.objects["central_allocations"]["own"].document_number in html
    filed_line = world.objects["budget_lines"]["own/filed"]
    assert f'data-line-id="{filed_line.pk}"' in html
    assert page.context["spent"] == D("1200.00")
    assert page.context["rate"] == D("1.2")
    assert reverse("funds:plan-create", kwargs={"pk": own.pk}) in html


def test_R3_2_staff_start_a_plan_add_lines_and_submit_it_on_the_pages(as_role, own, world):
    client = as_role("unit_staff")
    response = client.post(
        reverse("funds:plan-create", kwargs={"pk": own.pk}),
        {
            "title": "2027年度方案",
            "summary": "群众文化活动",
            "central_rules": "专款专用",
            "local_rules": "足额配套",
            "rules_file": voucher_pdf("管理办法.pdf"),
        },
    )
    plan = FundPlan.objects.get(unit=own, title="2027年度方案")
    assert response.status_code == 302
    assert response.url == plan_url(plan)
    version = plan.versions.get()
    assert version.rules_file_name == "管理办法.pdf"
    for source, amount in ((Source.CENTRAL, "300000.00"), (Source.LOCAL, "300000.00")):
        response = client.post(
            reverse("funds:line-create", kwargs={"pk": version.pk}),
            {
                "source": source,
                "category": category().pk,
                "amount": amount,
                "purpose": f"{source} 文化活动",
                "expected_effect": "服务群众",
                "sort_order": 0,
            },
        )
        assert response.status_code == 302
    assert version.lines.count() == 2
    response = client.post(reverse("funds:version-submit", kwargs={"pk": version.pk}), follow=True)
    version.refresh_from_db()
    assert version.status == PlanStatus.IN_REVIEW
    assert any("at the same time" in m for m in messages_of(response))
    recipients = set(
        Notification.objects.filter(link=plan_url(plan)).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"culture", "finance"}


def test_R3_1_a_central_line_in_a_local_only_category_shows_on_the_form(as_role, world):
    from funds.tests.factories import FundCategoryFactory

    version = world.objects["draft_versions"]["own"]
    local_only = FundCategoryFactory(name="办公设备", central_allowed=False)
    response = as_role("unit_staff").post(
        reverse("funds:line-create", kwargs={"pk": version.pk}),
        {
            "source": "central",
            "category": local_only.pk,
            "amount": "100.00",
            "purpose": "设备",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert "办公设备 (local funds only)" in response.content.decode()
    assert version.lines.count() == 1


def test_R3_1_plan_page_warns_when_the_local_lines_fall_below_the_committed_funds(as_role, world):
    plan = world.objects["fund_plans"]["own/draft"]
    page = as_role("unit_staff").get(plan_url(plan))
    html = page.content.decode()
    assert 'class="warning-local_below_committed"' in html
    assert "300,000.00" in html  # the committed local funds of the world


def test_R3_2_a_version_is_edited_only_as_a_draft(as_role, world):
    review = world.objects["review_versions"]["own"]
    response = as_role("unit_staff").get(
        reverse("funds:version-edit", kwargs={"pk": review.pk}), follow=True
    )
    assert response.redirect_chain[-1][0] == plan_url(review.plan)
    assert "no longer a draft" in " ".join(messages_of(response))
    line = world.objects["budget_lines"]["own/filed"]
    response = as_role("unit_staff").post(reverse("funds:line-delete", kwargs={"pk": line.pk}))
    assert response.status_code == 302
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_draft_line_edit_and_delete(as_role, world):
    line = world.objects["draft_lines"]["own"]
    client = as_role("unit_staff")
    response = client.post(
        reverse("funds:line-edit", kwargs={"pk": line.pk}),
        {
            "source": "local",
            "category": line.category_id,
            "amount": "12.34",
            "purpose": "改过的用途",
            "sort_order": 1,
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.source, line.amount, line.purpose) == ("local", D("12.34"), "改过的用途")
    assert client.post(reverse("funds:line-delete", kwargs={"pk": line.pk})).status_code == 302
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def _lines_post(version, rows, existing=0):
    """The plan page's budget-line formset as posted: `rows` of field values (with "id" for a
    line that exists, "DELETE" to remove one), the first `existing` of them the stored lines."""
    data = {
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": str(existing),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"lines-{index}-{name}"] = value
    return data


def test_R3_2_the_plan_page_edits_every_budget_line_in_one_form(as_role, world):
    version = world.objects["draft_versions"]["own"]
    line = world.objects["draft_lines"]["own"]
    client = as_role("unit_staff")
    page = client.get(plan_url(version.plan))
    html = page.content.decode()
    assert reverse("funds:lines-save", kwargs={"pk": version.pk}) in html
    assert "sort_order" not in html  # the order is the order of the rows
    assert "data-formset-empty" in html
    rows = [
        {
            "id": line.pk,
            "source": "local",
            "category": line.category_id,
            "amount": "50.00",
            "purpose": "改过",
        },
        {"source": "local", "category": line.category_id, "amount": "70.00", "purpose": "新增一"},
        {"source": "local", "category": line.category_id, "amount": "80.00", "purpose": "新增二"},
    ]
    response = client.post(
        reverse("funds:lines-save", kwargs={"pk": version.pk}), _lines_post(version, rows, 1)
    )
    assert response.status_code == 302
    assert list(version.lines.order_by("sort_order").values_list("purpose", "amount")) == [
        ("改过", D("50.00")),
        ("新增一", D("70.00")),
        ("新增二", D("80.00")),
    ]
    first = version.lines.get(purpose="改过")
    rows = [
        {
            "id": first.pk,
            "source": "local",
            "category": line.category_id,
            "amount": "50.00",
            "purpose": "改过",
            "DELETE": "on",
        }
    ]
    response = client.post(
        reverse("funds:lines-save", kwargs={"pk": version.pk}), _lines_post(version, rows, 1)
    )
    assert response.status_code == 302
    assert set(version.lines.values_list("purpose", flat=True)) == {"新增一", "新增二"}


def test_R3_1_every_lines_problems_show_at_once_in_the_summary_and_nothing_is_saved(as_role, world):
    from funds.tests.factories import FundCategoryFactory

    version = world.objects["draft_versions"]["own"]
    line = world.objects["draft_lines"]["own"]
    local_only = FundCategoryFactory(name="办公设备", central_allowed=False)
    rows = [
        {
            "id": line.pk,
            "source": "local",
            "category": line.category_id,
            "amount": "0",
            "purpose": "一",
        },
        {"source": "central", "category": local_only.pk, "amount": "10.00", "purpose": "二"},
        {"source": "local", "category": line.category_id, "amount": "5.00", "purpose": ""},
    ]
    before = list(version.lines.values_list("purpose", "amount"))
    response = as_role("unit_staff").post(
        reverse("funds:lines-save", kwargs={"pk": version.pk}), _lines_post(version, rows, 1)
    )
    assert response.status_code == 200
    summary = response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_lines-0-amount"' in summary
    assert 'href="#id_lines-2-purpose"' in summary
    assert list(version.lines.values_list("purpose", "amount")) == before

    # With the fields right, the rule of the service (R3.1) is reported at its line.
    rows[0]["amount"] = "1.00"
    rows[2]["purpose"] = "三"
    response = as_role("unit_staff").post(
        reverse("funds:lines-save", kwargs={"pk": version.pk}), _lines_post(version, rows, 1)
    )
    assert response.status_code == 200
    summary = response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_lines-1-category"' in summary
    assert "办公设备" in summary
    assert list(version.lines.values_list("purpose", "amount")) == before


def test_R3_1_a_category_named_local_only_is_not_marked_twice():
    from funds.forms import CategoryChoiceField
    from funds.models import FundCategory

    field = CategoryChoiceField(queryset=FundCategory.objects.none())
    named = FundCategory(name="文化设施设备购置（仅限地方资金）", central_allowed=False)
    with translation.override("zh-hans"):
        assert field.label_from_instance(named) == "文化设施设备购置（仅限地方资金）"
        assert field.label_from_instance(FundCategory(name="办公", central_allowed=False)) == (
            "办公（仅限地方资金）"
        )


# --- The review -----------------------------------------------------------------------------------


def _decide(client, version, outcome, comment=""):
    return client.post(
        reverse("funds:version-decide", kwargs={"pk": version.pk}),
        {"outcome": outcome, "comment": comment},
        follow=True,
    )


def test_R3_2_province_queue_shows_both_departments_decisions(as_role, world):
    version = world.objects["review_versions"]["own"]
    _decide(as_role("province_finance"), version, "approved")
    page = as_role("province_culture").get(reverse("funds:province-plans"))
    html = page.content.decode()
    row = html[html.index(f'data-version-id="{version.pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'class="decision decision-approved"' in row
    assert 'class="decision decision-pending"' in row
    assert 'class="stage-culture mine"' in row


def test_R3_2_each_department_decides_on_the_plan_page(as_role, world):
    version = world.objects["review_versions"]["own"]
    finance = as_role("province_finance")
    page = finance.get(plan_url(version.plan))
    assert page.context["decision_form"] is not None
    assert "stage" not in page.context["decision_form"].fields
    response = _decide(finance, version, "approved")
    assert "other department's decision is still awaited" in " ".join(messages_of(response))
    assert response.context["decision_form"] is None  # finance has decided

    culture = as_role("province_culture")
    response = _decide(culture, version, "returned")
    assert version.decisions.count() == 1
    assert response.context["decision_form"].errors["comment"] == [
        "Say what the unit should change."
    ]
    response = _decide(culture, version, "returned", "请补充预期效果。")
    version.refresh_from_db()
    assert version.status == PlanStatus.RETURNED
    assert "请补充预期效果。" in response.content.decode()


def test_R3_2_returning_without_a_comment_shows_the_error_summary_in_the_decision_form(
    as_role, world
):
    version = world.objects["review_versions"]["own"]
    response = as_role("province_culture").post(
        reverse("funds:version-decide", kwargs={"pk": version.pk}),
        {"outcome": "returned", "comment": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    form_html = html[html.index('class="form-card decision-form"') :]
    summary = form_html.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_comment"' in summary
    assert "Say what the unit should change." in summary
    assert "autofocus" in form_html[: form_html.index('id="error-summary"') + 200]
    assert not version.decisions.exists()


def test_R3_2_filing_without_an_outcome_shows_the_error_summary(as_role, world):
    version = world.objects["review_versions"]["own"]
    for stage in (Stage.FINANCE, Stage.CULTURE):
        PlanDecisionFactory(version=version, stage=stage, outcome=Outcome.APPROVED)
    FundPlanVersion.objects.filter(pk=version.pk).update(status=PlanStatus.AWAITING_FILING)
    response = as_role("office").post(
        reverse("funds:version-file", kwargs={"pk": version.pk}), {"outcome": "returned"}
    )
    assert response.status_code == 200
    assert (
        "Say what the unit should change."
        in response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    )
    version.refresh_from_db()
    assert version.status == PlanStatus.AWAITING_FILING


def test_R3_2_someone_deciding_for_both_departments_chooses_one(as_role, world):
    version = world.objects["review_versions"]["own"]
    client = as_role("superuser")
    page = client.get(plan_url(version.plan))
    assert set(dict(page.context["decision_form"].fields["stage"].choices)) == {
        "finance",
        "culture",
    }
    response = client.post(
        reverse("funds:version-decide", kwargs={"pk": version.pk}),
        {"outcome": "approved", "stage": "culture"},
    )
    assert response.status_code == 302
    assert list(version.decisions.values_list("stage", flat=True)) == ["culture"]


def test_R3_2_the_office_files_from_its_queue_after_both_approvals(as_role, world):
    version = world.objects["review_versions"]["own"]
    office = as_role("office")
    page = office.get(plan_url(version.plan))
    assert page.context["filing_form"] is None  # not before both approvals
    for stage in (Stage.FINANCE, Stage.CULTURE):
        PlanDecisionFactory(version=version, stage=stage, outcome=Outcome.APPROVED)
    FundPlanVersion.objects.filter(pk=version.pk).update(status=PlanStatus.AWAITING_FILING)
    page = office.get(reverse("funds:office-funds"))
    assert f'data-version-id="{version.pk}"' in page.content.decode()
    response = office.post(
        reverse("funds:version-file", kwargs={"pk": version.pk}),
        {"outcome": "approved", "comment": "准予备案"},
        follow=True,
    )
    version.refresh_from_db()
    assert version.status == PlanStatus.FILED
    assert "Filed." in " ".join(messages_of(response))
    page = office.get(reverse("funds:office-funds"))
    assert f'data-version-id="{version.pk}"' not in page.content.decode()


def test_R3_2_the_filing_queue_comes_a_page_at_a_time(as_role, world, monkeypatch):
    from funds import views

    waiting = sorted(world.objects["review_versions"].values(), key=lambda v: v.pk)
    FundPlanVersion.objects.filter(pk__in=[v.pk for v in waiting]).update(
        status=PlanStatus.AWAITING_FILING
    )
    office = as_role("office")
    shown = office.get(reverse("funds:office-funds")).context["queue_page"].paginator.count
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    seen = set()
    for number in range(1, shown + 1):
        page = office.get(reverse("funds:office-funds"), {"queue_page": number})
        rows = [version.pk for version, _decisions in page.context["queue"]]
        assert len(rows) == 1
        seen.update(rows)
    assert len(seen) == shown >= 2
    first = office.get(reverse("funds:office-funds"), HTTP_CACHE_CONTROL="no-cache")
    assert "queue_page=2" in first.content.decode()


def test_R3_2_a_returned_plan_is_revised_and_its_history_kept(as_role, world):
    version = world.objects["review_versions"]["own"]
    _decide(as_role("province_finance"), version, "returned", "预算依据不足。")
    client = as_role("unit_staff")
    page = client.get(plan_url(version.plan))
    assert page.context["can_revise"] is True
    response = client.post(
        reverse("funds:plan-revise", kwargs={"pk": version.plan_id}), follow=True
    )
    html = response.content.decode()
    versions = list(version.plan.versions.order_by("number"))
    assert [(v.number, v.status) for v in versions] == [(1, "returned"), (2, "draft")]
    assert f'data-version-id="{versions[0].pk}"' in html
    assert f'data-version-id="{versions[1].pk}"' in html
    assert "预算依据不足。" in html
    assert response.context["can_edit"] is True
    older = client.get(plan_url(version.plan), {"version": 1})
    assert older.context["version"].number == 1
    assert older.context["can_edit"] is False


# --- Spending -------------------------------------------------------------------------------------


def _spend(client, unit, line, amount, **extra):
    return client.post(
        reverse("funds:expenditure-create", kwargs={"pk": unit.pk}),
        {
            "line": line.pk,
            "spent_on": "2026-04-02",
            "amount": amount,
            "payee": "长沙市群众艺术馆",
            "description": "社区文艺汇演",
            "voucher": voucher_pdf(),
            **extra,
        },
    )


def test_R3_2_the_spending_form_offers_only_lines_of_filed_plans(as_role, world, own):
    page = as_role("unit_staff").get(reverse("funds:expenditure-create", kwargs={"pk": own.pk}))
    choices = {line.pk for line in page.context["form"].fields["line"].queryset}
    assert choices == {world.objects["budget_lines"]["own/filed"].pk}
    response = _spend(as_role("unit_staff"), own, world.objects["budget_lines"]["own/draft"], "1")
    assert "line" in response.context["form"].errors


def test_R3_2_staff_record_an_expenditure_with_its_voucher(as_role, world, own):
    line = world.objects["budget_lines"]["own/filed"]
    response = _spend(as_role("unit_staff"), own, line, "800.00")
    assert response.status_code == 302
    assert Expenditure.objects.filter(line=line).count() == 2
    line.refresh_from_db()
    assert line.spent == D("2000.00")
    page = as_role("province_finance").get(reverse("funds:spending", kwargs={"pk": own.pk}))
    assert page.content.decode().count("data-expenditure-id") == 2


def test_R3_2_spending_beyond_what_is_left_is_refused_and_nothing_saved(as_role, world, own):
    line = world.objects["budget_lines"]["own/filed"]
    response = _spend(as_role("unit_staff"), own, line, str(line.amount - D("1199.99")))
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert "Nothing was recorded." in messages_of(response)
    assert Expenditure.objects.filter(line=line).count() == 1
    line.refresh_from_db()
    assert line.spent == D("1200.00")


def test_vouchers_download_for_whoever_sees_the_unit(as_role, world):
    expenditure = world.objects["expenditures"]["own"]
    url = reverse("funds:voucher-download", kwargs={"pk": expenditure.pk})
    response = as_role("province_culture").get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


# --- The half-yearly fund report (R3.3) ------------------------------------------------------------


def test_R3_3_report_page_figures_equal_the_spending(as_role, world, own):
    line = world.objects["budget_lines"]["own/filed"]
    ExpenditureFactory(line=line, amount=D("300.25"), spent_on=date(2026, 5, 1))
    page = as_role("unit_staff").get(
        reverse("funds:unit-report", kwargs={"pk": own.pk}), {"period": "2026H1"}
    )
    report = page.context["report"]
    assert report.total.spent_in_period == D("1500.25")
    assert [e.amount for e in report.expenditures] == [D("1200.00"), D("300.25")]
    assert "1,500.25" in page.content.decode()
    assert page.context["obligation"] is None
    assert page.context["can_submit"] is False


def test_R3_3_staff_submit_the_report_and_both_provincial_departments_see_it(as_role, own):
    obligation = ObligationFactory(
        unit=own,
        type=Obligation.Type.FUND_REPORT,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        period_label="2026H1",
    )
    client = as_role("unit_staff")
    page = client.get(reverse("funds:unit-report", kwargs={"pk": own.pk}), {"period": "2026H1"})
    assert page.context["can_submit"] is True
    response = client.post(
        reverse("funds:report-submit", kwargs={"pk": own.pk}), {"period": "2026H1"}
    )
    assert response.status_code == 302
    assert response.url == reverse("reporting:submission-edit", kwargs={"pk": obligation.pk})
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == Submission.Status.SUBMITTED
    assert "1,200.00" in submission.body
    for role in ("province_culture", "province_finance"):
        page = as_role(role).get(reverse("reporting:province-reports"))
        assert f'data-submission-id="{submission.pk}"' in page.content.decode(), role


# --- Constant queries -------------------------------------------------------------------------------


def _queries(client, user, url, params=None) -> int:
    forget_scope(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def _more(unit, count):
    for _ in range(count):
        version = FundPlanVersionFactory(plan__unit=unit, status=PlanStatus.FILED)
        line = BudgetLineFactory(version=version)
        ExpenditureFactory(line=line, spent_on=date(2026, 2, 1))
        review = FundPlanVersionFactory(plan__unit=unit, status=PlanStatus.IN_REVIEW)
        PlanDecisionFactory(version=review)


@pytest.mark.parametrize(
    ("role", "route", "with_unit"),
    [
        ("unit_staff", "funds:unit-funds", True),
        ("unit_staff", "funds:spending", True),
        ("unit_staff", "funds:unit-report", True),
        ("province_culture", "funds:province-plans", False),
        ("office", "funds:office-funds", False),
    ],
)
def test_page_queries_do_not_grow_with_the_rows(
    as_role, world, own, role, route, with_unit, django_capture_on_commit_callbacks
):
    client = as_role(role)
    url = reverse(route, kwargs={"pk": own.pk}) if with_unit else reverse(route)
    params = {"period": "2026H1"} if route == "funds:unit-report" else {}
    from dashboard.services import unit_figures_refresh

    # The units' stored figures in place and following the writes, as in a portal in use.
    with django_capture_on_commit_callbacks(execute=True):
        _more(own, 1)
    unit_figures_refresh(None)
    before = _queries(client, world.users[role], url, params)
    with django_capture_on_commit_callbacks(execute=True):
        _more(own, 20)
    assert _queries(client, world.users[role], url, params) == before


def test_plan_page_queries_do_not_grow_with_lines_and_versions(as_role, world):
    plan = world.objects["fund_plans"]["own/filed"]
    version = plan.versions.get()
    client = as_role("unit_staff")
    before = _queries(client, world.users["unit_staff"], plan_url(plan))
    BudgetLineFactory.create_batch(20, version=version)
    for number in range(2, 12):
        FundPlanVersionFactory(plan=plan, number=number, status=PlanStatus.RETURNED)
    PlanDecision.objects.create(
        version=version, stage="office", outcome="approved", decided_at=version.closed_at
    )
    assert _queries(client, world.users["unit_staff"], plan_url(plan)) == before


def test_other_units_plans_answer_404(as_role, world):
    for key in ("sibling/filed", "other/review", "provincial/draft"):
        plan = world.objects["fund_plans"][key]
        assert as_role("unit_staff").get(plan_url(plan)).status_code == 404
    plan = world.objects["fund_plans"]["other/filed"]
    assert as_role("province_finance").get(plan_url(plan)).status_code == 404


# --- C6 (R3.2): dates and correcting entries ----------------------------------------------------


def _reverse_url(expenditure):
    return reverse("funds:expenditure-reverse", kwargs={"pk": expenditure.pk})


def test_C6_R3_2_the_spending_form_refuses_a_date_before_filing_at_the_top_and_at_the_field(
    as_role, world, own
):
    line = world.objects["budget_lines"]["own/filed"]  # filed on 2026-02-02
    response = _spend(as_role("unit_staff"), own, line, "10.00", spent_on="2026-01-05")
    assert response.status_code == 200
    message = "C6 (R3.2): spending can only be dated on or after the day its plan version was filed (2026-02-02)."
    assert response.context["form"].errors["spent_on"] == [message]
    html = response.content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_spent_on"' in summary
    assert message in summary
    assert html.count(message) == 2  # in the summary and at the field
    assert Expenditure.objects.filter(line=line).count() == 1


def test_C6_R3_2_staff_reverse_an_expenditure_on_the_page(as_role, world, own):
    expenditure = world.objects["expenditures"]["own"]
    client = as_role("unit_staff")
    page = client.get(reverse("funds:spending", kwargs={"pk": own.pk}))
    assert _reverse_url(expenditure) in page.content.decode()
    form = client.get(_reverse_url(expenditure))
    assert form.status_code == 200
    assert "reason" in form.context["form"].fields
    response = client.post(_reverse_url(expenditure), {"reason": "重复录入，冲销。"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("funds:spending", kwargs={"pk": own.pk}))
    reversal = Expenditure.objects.get(reverses=expenditure)
    assert (reversal.amount, reversal.recorded_by) == (D("-1200.00"), world.users["unit_staff"])
    line = expenditure.line
    line.refresh_from_db()
    assert line.spent == D("0.00")
    html = client.get(reverse("funds:spending", kwargs={"pk": own.pk})).content.decode()
    assert "Reversed: 重复录入，冲销。" in html
    assert f"Correcting entry for #{expenditure.pk}: 重复录入，冲销。" in html
    assert _reverse_url(expenditure) not in html
    report = client.get(reverse("funds:unit-report", kwargs={"pk": own.pk}), {"period": "2026H1"})
    assert report.context["report"].total.spent_to_date == D("0.00")
    assert report.context["report"].expenditures == []


def test_C6_R3_2_the_reverse_page_shows_its_errors_at_the_top_and_at_the_field(as_role, world):
    expenditure = world.objects["expenditures"]["own"]
    client = as_role("unit_staff")
    response = client.post(_reverse_url(expenditure), {"reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_reason"' in summary
    assert "This field is required." in summary
    assert 'id="id_reason_error"' in html  # the message again at the field
    assert not Expenditure.objects.filter(reverses=expenditure).exists()

    client.post(_reverse_url(expenditure), {"reason": "录错单位"})
    again = client.post(_reverse_url(expenditure), {"reason": "再次冲销"})
    assert again.status_code == 200
    summary = again.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert "This expenditure has already been reversed." in summary
    assert Expenditure.objects.filter(reverses=expenditure).count() == 1


def test_C6_R3_2_only_the_units_staff_reverse_on_the_page(as_role, world):
    own = world.objects["expenditures"]["own"]
    assert as_role("province_finance").get(_reverse_url(own)).status_code == 403
    assert as_role("province_finance").post(_reverse_url(own), {"reason": "x"}).status_code == 403
    sibling = world.objects["expenditures"]["sibling"]
    assert as_role("unit_staff").post(_reverse_url(sibling), {"reason": "x"}).status_code == 404
    assert not Expenditure.objects.filter(reverses__isnull=False).exists()


@pytest.fixture
def keeps_language():
    # a Chinese request leaves Chinese active in the thread: the next tests read what they did
    with translation.override(translation.get_language()):
        yield


def test_C6_R3_2_the_reverse_page_in_chinese(client, world, keeps_language):
    client.force_login(world.users["unit_staff"])
    expenditure = world.objects["expenditures"]["own"]
    client.post(_reverse_url(expenditure), {"reason": "录错单位"})
    response = client.post(_reverse_url(expenditure), {"reason": "再次冲销"})
    assert "这笔支出已经冲销过。" in response.content.decode()


def test_R3_2_the_offices_execution_per_province_sums_its_units_and_follows_a_write(
    as_role, world, own, django_capture_on_commit_callbacks
):
    from collections import defaultdict

    from creation.models import CreationUnit
    from creation.scope import user_scope
    from funds.selectors import unit_execution
    from funds.tests.factories import ten_yuan_spent

    user = world.users["office"]
    office = as_role("office")

    def shown() -> dict:
        page = office.get(reverse("funds:office-funds"), HTTP_CACHE_CONTROL="no-cache")
        return {row["province_id"]: row for row in page.context["provinces"]}

    units = CreationUnit.objects.visible_to(user).filter(
        batch__programme__in=user_scope(user).office_programme_ids
    )
    expected: dict = defaultdict(lambda: defaultdict(Decimal))
    for unit in unit_execution(units.select_related("region")):
        province = unit.region.province_id or unit.region_id
        expected[province]["units"] += 1
        for name in ("budget", "spent", "central_budget", "central_spent"):
            expected[province][name] += getattr(unit, name)
    rows = shown()
    assert any(row["budget"] for row in rows.values())
    assert {
        province: {name: row[name] for name in expected[province]} for province, row in rows.items()
    } == {province: dict(sums) for province, sums in expected.items()}

    province = own.region.province_id or own.region_id
    with django_capture_on_commit_callbacks(execute=True):
        ten_yuan_spent(world, world.users["superuser"], "own")
    assert shown()[province]["spent"] == rows[province]["spent"] + Decimal("10.00")


def test_R3_2_the_offices_fund_page_reads_the_sums_the_office_dashboard_keeps(as_role):
    """The fund page's execution per province is the office dashboard's fund panel, unfiltered:
    once the dashboard has summed its units per province, the page reads those sums."""
    office = as_role("office")
    dashboard = office.get(reverse("dashboard:office"), HTTP_CACHE_CONTROL="no-cache")
    panel = next(
        data for panel, data in dashboard.context["panels"] if panel.key == "fund_provinces"
    )
    with CaptureQueriesContext(connection) as read:
        page = office.get(reverse("funds:office-funds"), HTTP_CACHE_CONTROL="no-cache")
    summed = [
        q["sql"] for q in read if '"dashboard_unitfigures"' in q["sql"] and "SUM(" in q["sql"]
    ]
    assert summed == []
    shown = [{k: v for k, v in row.items() if k != "url"} for row in panel["rows"]]
    assert page.context["provinces"] == shown
    assert any(row["budget"] for row in shown)
