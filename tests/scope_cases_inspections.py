"""Scope cases of supervision (R4): inspections, findings, rectification, feedback letters and
self-inspections. The world's records are in tests/world_inspections.py."""

from tests.scope_cases import RouteCase

OFFICE_OR_PROVINCE = frozenset({"office", "province_culture", "province_finance", "superuser"})
PROVINCIAL = frozenset({"province_culture", "province_finance", "superuser"})

CASES: dict[str, RouteCase] = {
    # R4.1 the plan: every creating unit in scope, flagged by its coverage of the year.
    "inspections:plan": RouteCase("units", "list", api=False, roles=OFFICE_OR_PROVINCE),
    "inspections:inspection-list": RouteCase(
        "all_inspections", "list", api=False, row_attribute="data-inspection-id"
    ),
    "inspections:letter-list": RouteCase(
        "letters", "list", api=False, row_attribute="data-letter-id"
    ),
    "inspections:inspection-create": RouteCase(
        "inspection_units", "detail", api=False, editors_only=True
    ),
    "inspections:inspection-detail": RouteCase("inspections", "detail", api=False),
    "inspections:inspection-edit": RouteCase(
        "office_inspections", "detail", api=False, editors_only=True
    ),
    "inspections:checklist": RouteCase(
        "office_inspections", "detail", api=False, editors_only=True
    ),
    "inspections:finding-create": RouteCase(
        "office_inspections", "detail", api=False, editors_only=True
    ),
    # POST without a date: refused with a message (302), once the role may act.
    "inspections:inspection-start": RouteCase(
        "inspections", "post", api=False, permission="office_inspections"
    ),
    "inspections:inspection-complete": RouteCase(
        "inspections", "post", api=False, permission="office_inspections"
    ),
    "inspections:letter": RouteCase("inspections", "detail", api=False),
    "inspections:letter-document": RouteCase(
        "inspections", "post", api=False, permission="letter_requests"
    ),
    "inspections:finding-evidence": RouteCase("finding_evidence", "detail", api=False),
    # Rectification: the unit submits, the office verifies or reopens.
    "inspections:rectification-detail": RouteCase("rectifications", "detail", api=False),
    "inspections:rectification-start": RouteCase(
        "rectifications", "post", api=False, permission="rectification_submit"
    ),
    "inspections:rectification-submit": RouteCase(
        "rectifications", "post", api=False, permission="rectification_submit"
    ),
    "inspections:rectification-verify": RouteCase(
        "rectifications", "post", api=False, permission="rectification_review"
    ),
    "inspections:rectification-reopen": RouteCase(
        "rectifications", "post", api=False, permission="rectification_review"
    ),
    "inspections:rectification-evidence": RouteCase("rectification_evidence", "detail", api=False),
    # The office's checks: every rectification submitted (the world's all are) in its programmes.
    "inspections:rectification-queue": RouteCase(
        "rectifications",
        "list",
        api=False,
        roles=frozenset({"office", "superuser"}),
        row_attribute="data-rectification-id",
    ),
    "inspections:unit-rectifications": RouteCase("units", "detail", api=False),
    # R4.2 self-inspections
    "inspections:unit-self-inspections": RouteCase("units", "detail", api=False),
    "inspections:self-inspection-edit": RouteCase(
        "self_inspection_obligations", "detail", api=False, editors_only=True
    ),
    "inspections:self-inspection-detail": RouteCase("self_inspections", "detail", api=False),
    "inspections:self-inspection-submit": RouteCase(
        "self_inspections", "post", api=False, permission="self_inspection_submit"
    ),
    "inspections:self-inspection-compare": RouteCase(
        "office_self_inspections", "detail", api=False, editors_only=True
    ),
    "inspections:province-self-inspections": RouteCase(
        "self_inspections",
        "list",
        api=False,
        roles=PROVINCIAL,
        row_attribute="data-self-inspection-id",
    ),
    # API
    "api:inspection-list": RouteCase("all_inspections", "list", api=True),
    "api:inspection-detail": RouteCase("inspections", "detail", api=True),
    "api:finding-list": RouteCase("findings", "list", api=True),
    "api:finding-detail": RouteCase("findings", "detail", api=True),
    "api:rectification-list": RouteCase("rectifications", "list", api=True),
    "api:rectification-detail": RouteCase("rectifications", "detail", api=True),
    "api:rectification-submit": RouteCase(
        "rectifications", "post", api=True, permission="rectification_submit"
    ),
    "api:rectification-verify": RouteCase(
        "rectifications", "post", api=True, permission="rectification_review"
    ),
    "api:rectification-reopen": RouteCase(
        "rectifications", "post", api=True, permission="rectification_review"
    ),
    "api:rectification-event-list": RouteCase("rectification_events", "list", api=True),
    "api:rectification-event-detail": RouteCase("rectification_events", "detail", api=True),
    "api:feedback-letter-list": RouteCase("letters", "list", api=True),
    "api:feedback-letter-detail": RouteCase("letters", "detail", api=True),
    "api:self-inspection-list": RouteCase("self_inspections", "list", api=True),
    "api:self-inspection-detail": RouteCase("self_inspections", "detail", api=True),
}
