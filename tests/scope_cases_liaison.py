"""Scope cases of ending a liaison's term (C5, R2.1): the unit's own staff and the office of its
programme end it; whoever else sees the liaison gets 403, others 404."""

from tests.scope_cases import RouteCase

CASES: dict[str, RouteCase] = {
    "creation:liaison-end": RouteCase("liaisons", "post", api=False, permission="liaison_end"),
    "api:liaison-end": RouteCase("liaisons", "post", api=True, permission="liaison_end"),
}
