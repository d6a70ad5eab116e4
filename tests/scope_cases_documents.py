"""Scope cases of the records of a creating place (§7), its summary report and the generated
documents (reporting.documents)."""

from places.kinds import RECORD_KINDS
from tests.scope_cases import RouteCase

# places.kinds.RecordKind.name → the key of its records in the scope world
WORLD_KEYS = {
    "facility": "facilities",
    "art-team": "art_teams",
    "event": "cultural_events",
    "staff-count": "staff_counts",
    "training-course": "training_courses",
    "investment": "investments",
    "honour": "honours",
}

CASES: dict[str, RouteCase] = {
    # the records page, its Excel export and template: whoever sees the unit
    "place:records": RouteCase("units", "detail", api=False),
    "place:records-export": RouteCase("units", "detail", api=False),
    "place:records-template": RouteCase("units", "detail", api=False),
    "place:records-import": RouteCase("units", "detail", api=False, editors_only=True),
    "place:summary-report": RouteCase("units", "detail", api=False),
    "place:summary-text": RouteCase("units", "detail", api=False, editors_only=True),
    # anyone who sees the unit asks for its report, read-only accounts aside
    "place:summary-report-request": RouteCase(
        "units", "post", api=False, permission="document_requests"
    ),
    "reporting:document-job-list": RouteCase(
        "document_jobs", "list", api=False, row_attribute="data-document-job-id"
    ),
    "reporting:document-job": RouteCase("document_jobs", "detail", api=False),
    "reporting:document-job-status": RouteCase("document_jobs", "detail", api=False),
    "reporting:document-job-download": RouteCase("document_jobs", "detail", api=False),
    "api:summary-text-list": RouteCase("summary_texts", "list", api=True),
    "api:summary-text-detail": RouteCase("summary_texts", "detail", api=True),
    "api:document-job-list": RouteCase("document_jobs", "list", api=True),
    "api:document-job-detail": RouteCase("document_jobs", "detail", api=True),
    "api:document-job-download": RouteCase("document_jobs", "detail", api=True),
}
for _kind in RECORD_KINDS:
    _key = WORLD_KEYS[_kind.name]
    CASES[f"place:{_kind.name}-create"] = RouteCase("units", "detail", api=False, editors_only=True)
    CASES[f"place:{_kind.name}-edit"] = RouteCase(_key, "detail", api=False, editors_only=True)
    CASES[f"place:{_kind.name}-delete"] = RouteCase(_key, "detail", api=False, editors_only=True)
    CASES[f"api:{_kind.name}-list"] = RouteCase(_key, "list", api=True)
    CASES[f"api:{_kind.name}-detail"] = RouteCase(_key, "detail", api=True)
