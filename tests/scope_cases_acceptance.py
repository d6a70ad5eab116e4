"""Scope cases of the veto gauge, standards, indicator reviews and acceptance pages and endpoints
(R6.5, R6.6, §8). The world's records are in tests/world_acceptance.py."""

from tests.scope_cases import RouteCase

READERS = frozenset({"office", "province_culture", "province_finance", "superuser"})

CASES: dict[str, RouteCase] = {
    # The unit's page: everyone who sees the unit; the office's forms and actions.
    "acceptance:unit-gauge": RouteCase("units", "detail", api=False),
    "acceptance:override-create": RouteCase("gauge_units", "detail", api=False, editors_only=True),
    "acceptance:review-create": RouteCase("gauge_units", "detail", api=False, editors_only=True),
    "acceptance:acceptance-run": RouteCase(
        "gauge_units", "post", api=False, permission="acceptance"
    ),
    "acceptance:review-detail": RouteCase("indicator_reviews", "detail", api=False),
    "acceptance:evaluation-detail": RouteCase("acceptance_evaluations", "detail", api=False),
    "acceptance:evaluation-decide": RouteCase(
        "acceptance_evaluations", "post", api=False, permission="acceptance"
    ),
    # The office's (and the province's, reading) list of gauges; the standards.
    "acceptance:gauge-list": RouteCase("units", "list", api=False, roles=READERS),
    "acceptance:standard-list": RouteCase(
        "standards", "list", api=False, row_attribute="data-standard-id"
    ),
    # API
    "api:veto-gauge-list": RouteCase("units", "list", api=True),
    "api:veto-gauge-detail": RouteCase("units", "detail", api=True),
    "api:veto-override-list": RouteCase("veto_overrides", "list", api=True),
    "api:veto-override-detail": RouteCase("veto_overrides", "detail", api=True),
    "api:creation-standard-list": RouteCase("standards", "list", api=True),
    "api:creation-standard-detail": RouteCase("standards", "detail", api=True),
    "api:indicator-list": RouteCase("indicators", "list", api=True),
    "api:indicator-detail": RouteCase("indicators", "detail", api=True),
    "api:indicator-review-list": RouteCase("indicator_reviews", "list", api=True),
    "api:indicator-review-detail": RouteCase("indicator_reviews", "detail", api=True),
    "api:acceptance-evaluation-list": RouteCase("acceptance_evaluations", "list", api=True),
    "api:acceptance-evaluation-detail": RouteCase("acceptance_evaluations", "detail", api=True),
    "api:acceptance-evaluation-decide": RouteCase(
        "acceptance_evaluations", "post", api=True, permission="acceptance"
    ),
}
