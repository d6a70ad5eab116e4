"""The main pages of each role, defined once: the pages that the phone and accessibility checks
(tests/test_browser_phones.py) visit for unit staff, the provincial reviewers of culture and of
finance, and the office.

Each role's list is its homes (`/`, the work queue, and its role's home page), the section pages
of its work, the dashboard where it has one, a unit page, a report, a fund plan, the publicity
pages, documents, notifications and the API docs. The checks also visit every link of the role's menu, so that a
page added to the menu is checked without being added here.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse

ROLES = ("unit_staff", "province_culture", "province_finance", "office")


@dataclass(frozen=True)
class Shown:
    """The objects the pages show, by primary key: a unit every role sees (the unit staff's own),
    one of its reports and one of its fund plans."""

    unit: int
    report: int
    fund_plan: int


def _unit_sections(unit: int) -> list[str]:
    # The sections of a unit's page (templates/creation/unit_home.html), which are unit staff's
    # menu of their own work.
    return [
        reverse(name, args=[unit])
        for name in (
            "reporting:unit-calendar",
            "funds:unit-funds",
            "scoring:unit-publicity",
            "place:records",
            "creation:unit-leadership",
            "inspections:unit-rectifications",
            "inspections:unit-self-inspections",
            "place:summary-report",
            "acceptance:unit-gauge",
        )
    ]


def _everyone(shown: Shown) -> list[str]:
    return [
        reverse("creation:unit-home", args=[shown.unit]),
        reverse("reporting:submission-edit", args=[shown.report]),
        reverse("funds:plan-detail", args=[shown.fund_plan]),
        reverse("scoring:unit-publicity", args=[shown.unit]),
        reverse("scoring:period-list"),
        reverse("creation:unit-list"),
        reverse("reporting:document-job-list"),
        reverse("notifications"),
        reverse("api-docs"),
    ]


def _provincial(shown: Shown) -> list[str]:
    return [
        reverse("creation:province-home"),
        reverse("dashboard:province"),
        reverse("reporting:province-reports"),
        reverse("funds:province-plans"),
        reverse("creation:liaison-meeting-list"),
        reverse("acceptance:gauge-list"),
        reverse("inspections:plan"),
    ]


def _office(shown: Shown) -> list[str]:
    return [
        reverse("creation:office-home"),
        reverse("dashboard:office"),
        reverse("reporting:review-queue"),
        reverse("funds:office-funds"),
        reverse("scoring:review-queue"),
        reverse("creation:liaison-meeting-list"),
        reverse("acceptance:gauge-list"),
        reverse("inspections:plan"),
    ]


def _unit_staff(shown: Shown) -> list[str]:
    return _unit_sections(shown.unit)


ROLE_PAGES = {
    "unit_staff": _unit_staff,
    "province_culture": _provincial,
    "province_finance": _provincial,
    "office": _office,
}


def main_pages(role: str, shown: Shown, menu: Sequence[str] = ()) -> list[str]:
    """The paths to check for `role`, in order, each once: `/`, the role's own pages, the pages
    every role has, then the links of its menu (`menu`, as the page shows them) not yet listed.
    The Django admin is left out: it is Django's, not the portal's."""
    paths = ["/", *ROLE_PAGES[role](shown), *_everyone(shown), *menu]
    admin = reverse("admin:index")
    return [
        path
        for index, path in enumerate(paths)
        if path not in paths[:index] and not path.startswith(admin)
    ]
