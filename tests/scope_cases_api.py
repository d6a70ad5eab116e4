"""Scope cases of the API routes for leadership groups, offices, meetings and liaisons."""

from tests.scope_cases import RouteCase

API_ROUTE_CASES: dict[str, RouteCase] = {
    "api:department-list": RouteCase("departments", "list", api=True),
    "api:department-detail": RouteCase("departments", "detail", api=True),
    "api:unit-compliance": RouteCase("units", "detail", api=True),
}
for basename, model in [
    ("leadership-group", "groups"),
    ("group-member", "members"),
    ("group-office", "offices"),
    ("office-staff", "staff"),
    ("meeting", "meetings"),
    ("liaison", "liaisons"),
    ("liaison-meeting", "liaison_meetings"),
]:
    API_ROUTE_CASES[f"api:{basename}-list"] = RouteCase(model, "list", api=True)
    API_ROUTE_CASES[f"api:{basename}-detail"] = RouteCase(model, "detail", api=True)
API_ROUTE_CASES["api:meeting-minutes"] = RouteCase("meetings", "detail", api=True)
