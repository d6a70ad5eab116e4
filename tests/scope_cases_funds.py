"""Scope cases of the funds pages and endpoints (R3). The world's records are in
tests/world_funds.py: per unit a draft, a plan in provincial review and a filed plan."""

from tests.scope_cases import RouteCase

PROVINCIAL = frozenset({"province_culture", "province_finance", "superuser"})
OFFICE = frozenset({"office", "superuser"})

CASES: dict[str, RouteCase] = {
    # The unit's pages: reading pages for whoever sees the unit, forms for its own staff.
    "funds:unit-funds": RouteCase("units", "detail", api=False),
    "funds:spending": RouteCase("units", "detail", api=False),
    "funds:unit-report": RouteCase("units", "detail", api=False),
    "funds:allocation-create": RouteCase("units", "detail", api=False, editors_only=True),
    "funds:local-funding-create": RouteCase("units", "detail", api=False, editors_only=True),
    "funds:plan-create": RouteCase("units", "detail", api=False, editors_only=True),
    "funds:expenditure-create": RouteCase("units", "detail", api=False, editors_only=True),
    "funds:allocation-edit": RouteCase(
        "central_allocations", "detail", api=False, editors_only=True
    ),
    "funds:local-funding-edit": RouteCase("local_fundings", "detail", api=False, editors_only=True),
    # POST without a half year: refused with a message (302), once the role may submit.
    "funds:report-submit": RouteCase("units", "post", api=False, permission="fund_reports"),
    # A plan and its review.
    "funds:plan-detail": RouteCase("fund_plans", "detail", api=False),
    "funds:plan-revise": RouteCase("fund_plans", "post", api=False),
    "funds:version-edit": RouteCase("draft_versions", "detail", api=False, editors_only=True),
    # POST of the plan page's budget-line form; an empty post re-shows the page with its errors.
    "funds:lines-save": RouteCase("draft_versions", "post", api=False),
    "funds:line-create": RouteCase("draft_versions", "detail", api=False, editors_only=True),
    "funds:line-edit": RouteCase("draft_lines", "detail", api=False, editors_only=True),
    "funds:line-delete": RouteCase("draft_lines", "detail", api=False, editors_only=True),
    "funds:version-submit": RouteCase("draft_versions", "post", api=False),
    "funds:version-decide": RouteCase(
        "review_versions", "post", api=False, permission="plan_reviews"
    ),
    "funds:version-file": RouteCase("review_versions", "post", api=False, permission="plan_filing"),
    "funds:rules-download": RouteCase("review_versions", "detail", api=False),
    "funds:voucher-download": RouteCase("expenditures", "detail", api=False),
    # C6: the unit's own staff reverse a wrong entry (as they record spending, "units"); POST
    # without a reason re-shows the form.
    "funds:expenditure-reverse": RouteCase("expenditures", "post", api=False, permission="units"),
    # Every world version in review waits for both provincial departments.
    "funds:province-plans": RouteCase(
        "review_versions", "list", api=False, roles=PROVINCIAL, row_attribute="data-version-id"
    ),
    # The rows checked are the execution per unit; the filing queue is tested in
    # funds/tests/test_pages.py.
    "funds:office-funds": RouteCase(
        "units", "list", api=False, roles=OFFICE, row_attribute="data-unit-id"
    ),
    # API
    "api:fund-category-list": RouteCase("fund_categories", "list", api=True),
    "api:fund-category-detail": RouteCase("fund_categories", "detail", api=True),
    "api:central-allocation-list": RouteCase("central_allocations", "list", api=True),
    "api:central-allocation-detail": RouteCase("central_allocations", "detail", api=True),
    "api:local-funding-list": RouteCase("local_fundings", "list", api=True),
    "api:local-funding-detail": RouteCase("local_fundings", "detail", api=True),
    "api:fund-plan-list": RouteCase("fund_plans", "list", api=True),
    "api:fund-plan-detail": RouteCase("fund_plans", "detail", api=True),
    "api:fund-plan-revise": RouteCase("fund_plans", "post", api=True),
    "api:fund-plan-version-list": RouteCase("fund_plan_versions", "list", api=True),
    "api:fund-plan-version-detail": RouteCase("fund_plan_versions", "detail", api=True),
    "api:fund-plan-version-rules": RouteCase("review_versions", "detail", api=True),
    "api:fund-plan-version-submit": RouteCase("draft_versions", "post", api=True),
    "api:fund-plan-version-decide": RouteCase(
        "review_versions", "post", api=True, permission="plan_reviews"
    ),
    "api:fund-plan-version-file": RouteCase(
        "review_versions", "post", api=True, permission="plan_filing"
    ),
    "api:budget-line-list": RouteCase("budget_lines", "list", api=True),
    "api:budget-line-detail": RouteCase("budget_lines", "detail", api=True),
    "api:expenditure-list": RouteCase("expenditures", "list", api=True),
    "api:expenditure-detail": RouteCase("expenditures", "detail", api=True),
    "api:expenditure-voucher": RouteCase("expenditures", "detail", api=True),
    # C6: without a reason, 400 for the unit's own staff.
    "api:expenditure-reverse": RouteCase("expenditures", "post", api=True, permission="units"),
    "api:fund-execution-list": RouteCase("units", "list", api=True),
    "api:fund-execution-detail": RouteCase("units", "detail", api=True),
    "api:fund-report-detail": RouteCase("units", "detail", api=True),
    "api:fund-report-submit": RouteCase("units", "post", api=True, permission="fund_reports"),
}
