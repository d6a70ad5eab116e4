"""Scope cases of the reporting pages (R5, R3.3, R4.2)."""

from tests.scope_cases import PUBLIC_ROUTES, RouteCase

CASES: dict[str, RouteCase] = {
    "reporting:unit-calendar": RouteCase(
        "units", "detail", api=False, row_attribute="data-obligation-id"
    ),
    # GET shows the user's own link; POST (tested in reporting/tests/test_pages.py) makes one.
    "reporting:calendar-feed": RouteCase("units", "detail", api=False),
    # pk is the obligation's; read-only for whoever sees the unit, the form for its staff.
    "reporting:submission-edit": RouteCase("obligations", "detail", api=False),
    "reporting:attachment-download": RouteCase("attachments", "detail", api=False),
    # The unit's staff remove a file; the world's reports are submitted, so it is refused (302).
    "reporting:attachment-remove": RouteCase("attachments", "post", api=False),
    # Every world submission is submitted, so the queue shows exactly the office's submissions.
    "reporting:review-queue": RouteCase(
        "submissions",
        "list",
        api=False,
        roles=frozenset({"office", "superuser"}),
        row_attribute="data-submission-id",
    ),
    # The rows checked are the per-unit figures (data-unit-id): the world's reports are work
    # updates, so its list of fund reports and self-inspections (data-submission-id) is empty
    # here; that list's scope is tested in reporting/tests/test_pages.py.
    "reporting:province-reports": RouteCase(
        "units",
        "list",
        api=False,
        roles=frozenset({"province_culture", "province_finance", "superuser"}),
        row_attribute="data-unit-id",
    ),
}

PUBLIC_ROUTES["reporting:calendar-ics"] = (
    "token-authenticated for calendar programs that cannot log in; 404 for an unknown token and "
    "once the owner no longer sees the unit, tested in reporting/tests/test_pages.py"
)
