"""Scope cases of the dashboards and the unit status API."""

from tests.scope_cases import RouteCase

OFFICE = frozenset({"office", "superuser"})
PROVINCIAL = frozenset({"province_culture", "province_finance", "superuser"})

CASES: dict[str, RouteCase] = {
    # The rows checked are the heat map's units (data-unit-id); the per-unit fund rows carry
    # data-fund-unit-id and are the same page of units.
    "dashboard:office": RouteCase("units", "list", api=False, roles=OFFICE),
    "dashboard:province": RouteCase("units", "list", api=False, roles=PROVINCIAL),
    "api:unit-status": RouteCase("units", "detail", api=True),
    "api:unit-status-list": RouteCase("units", "list", api=True),
}
