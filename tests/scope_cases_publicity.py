"""Scope cases of publicity scoring (R6.1–R6.4). The world's records are in
tests/world_publicity.py."""

from tests.scope_cases import RouteCase

OFFICE = frozenset({"office", "superuser"})

CASES: dict[str, RouteCase] = {
    # Pages
    "scoring:unit-publicity": RouteCase(
        "units", "detail", api=False, row_attribute="data-claim-id"
    ),
    "scoring:claim-create": RouteCase("units", "detail", api=False, editors_only=True),
    "scoring:claim-detail": RouteCase("adoption_claims", "detail", api=False),
    "scoring:claim-scan": RouteCase("adoption_claims", "detail", api=False),
    "scoring:claim-verify": RouteCase(
        "adoption_claims", "post", api=False, permission="claim_reviews"
    ),
    # Without a reason the office's rejection is refused on the page (200 with the error).
    "scoring:claim-reject": RouteCase(
        "adoption_claims", "post", api=False, permission="claim_reviews"
    ),
    "scoring:claim-withdraw": RouteCase(
        "adoption_claims", "post", api=False, permission="claim_withdrawals"
    ),
    # Every world claim waits for the office.
    "scoring:review-queue": RouteCase(
        "adoption_claims", "list", api=False, roles=OFFICE, row_attribute="data-claim-id"
    ),
    "scoring:period-list": RouteCase(
        "scoring_periods", "list", api=False, row_attribute="data-period-id"
    ),
    "scoring:period-detail": RouteCase("scoring_periods", "detail", api=False),
    "scoring:period-close": RouteCase("scoring_periods", "post", api=False, permission="periods"),
    "scoring:period-reopen": RouteCase("scoring_periods", "post", api=False, permission="periods"),
    "scoring:period-publish": RouteCase("scoring_periods", "post", api=False, permission="periods"),
    "scoring:bulletin-detail": RouteCase("bulletins", "detail", api=False),
    "scoring:bulletin-document": RouteCase(
        "bulletins", "post", api=False, permission="bulletin_documents"
    ),
    "scoring:outlets": RouteCase(
        "media_outlets", "list", api=False, row_attribute="data-outlet-id"
    ),
    # API
    "api:media-outlet-list": RouteCase("media_outlets", "list", api=True),
    "api:media-outlet-detail": RouteCase("media_outlets", "detail", api=True),
    "api:adoption-claim-list": RouteCase("adoption_claims", "list", api=True),
    "api:adoption-claim-detail": RouteCase("adoption_claims", "detail", api=True),
    "api:adoption-claim-verify": RouteCase(
        "adoption_claims", "post", api=True, permission="claim_reviews"
    ),
    "api:adoption-claim-reject": RouteCase(
        "adoption_claims", "post", api=True, permission="claim_reviews"
    ),
    "api:adoption-claim-withdraw": RouteCase(
        "adoption_claims", "post", api=True, permission="claim_withdrawals"
    ),
    "api:scoring-period-list": RouteCase("scoring_periods", "list", api=True),
    "api:scoring-period-detail": RouteCase("scoring_periods", "detail", api=True),
    "api:scoring-period-ranking": RouteCase("scoring_periods", "detail", api=True),
    "api:scoring-period-events": RouteCase("scoring_periods", "detail", api=True),
    "api:scoring-period-close": RouteCase(
        "scoring_periods", "post", api=True, permission="periods"
    ),
    "api:scoring-period-reopen": RouteCase(
        "scoring_periods", "post", api=True, permission="periods"
    ),
    "api:scoring-period-publish": RouteCase(
        "scoring_periods", "post", api=True, permission="periods"
    ),
    "api:period-score-list": RouteCase("period_scores", "list", api=True),
    "api:period-score-detail": RouteCase("period_scores", "detail", api=True),
    "api:bulletin-list": RouteCase("bulletins", "list", api=True),
    "api:bulletin-detail": RouteCase("bulletins", "detail", api=True),
    "api:bulletin-document": RouteCase(
        "bulletins", "post", api=True, permission="bulletin_documents"
    ),
}
