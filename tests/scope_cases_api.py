"""Scope cases of the API routes for leadership groups, offices, meetings and liaisons."""

from tests.scope_cases import RouteCase

CASES: dict[str, RouteCase] = {
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
    CASES[f"api:{basename}-list"] = RouteCase(model, "list", api=True)
    CASES[f"api:{basename}-detail"] = RouteCase(model, "detail", api=True)
CASES["api:meeting-minutes"] = RouteCase("meetings", "detail", api=True)

# Reporting (R5, R3.3, R4.2)
CASES.update(
    {
        "api:obligation-list": RouteCase("obligations", "list", api=True),
        "api:obligation-detail": RouteCase("obligations", "detail", api=True),
        "api:submission-list": RouteCase("submissions", "list", api=True),
        "api:submission-detail": RouteCase("submissions", "detail", api=True),
        "api:submission-submit": RouteCase("submissions", "post", api=True),
        "api:submission-withdraw": RouteCase("submissions", "post", api=True),
        "api:submission-accept": RouteCase("submissions", "post", api=True, permission="reviews"),
        "api:submission-return": RouteCase("submissions", "post", api=True, permission="reviews"),
        "api:submission-attachment-list": RouteCase("attachments", "list", api=True),
        "api:submission-attachment-detail": RouteCase("attachments", "detail", api=True),
        "api:submission-attachment-download": RouteCase("attachments", "detail", api=True),
    }
)
