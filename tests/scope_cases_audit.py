"""Scope cases of the audit-trail routes: an object's history answers for whoever sees the object."""

from tests.scope_cases import RouteCase

CASES: dict[str, RouteCase] = {
    f"api:{basename}-history": RouteCase(model, "detail", api=True)
    for basename, model in [
        ("submission", "submissions"),
        ("fund-plan", "fund_plans"),
        ("fund-plan-version", "fund_plan_versions"),
        ("budget-line", "budget_lines"),
        ("expenditure", "expenditures"),
        ("liaison", "liaisons"),
        ("adoption-claim", "adoption_claims"),
        ("scoring-period", "scoring_periods"),
        ("period-score", "period_scores"),
        ("bulletin", "bulletins"),
        ("veto-override", "veto_overrides"),
        ("indicator-review", "indicator_reviews"),
        ("acceptance-evaluation", "acceptance_evaluations"),
        ("inspection", "inspections"),
        ("finding", "findings"),
        ("rectification", "rectifications"),
        ("feedback-letter", "letters"),
        ("self-inspection", "self_inspections"),
    ]
}
