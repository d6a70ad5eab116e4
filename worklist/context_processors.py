"""The header of every page: the work queue's "To do" link with its count, the few section
pages a user's roles use most, the others under "More", and the unread notifications."""

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from creation.models import RoleAssignment
from creation.scope import user_scope
from worklist.selectors import header_counts

Role = RoleAssignment.Role


def _section_links(user: Any) -> tuple[tuple[tuple[Any, str], ...], tuple[tuple[Any, str], ...]]:
    """The sections a user's roles open, split into the main ones and the rest."""
    return _links_of(user_scope(user), user.is_staff, get_script_prefix(), settings.ROOT_URLCONF)


# Every page's header: the same few scopes ask for the same links all day (the labels are
# translated when shown).
@functools.lru_cache(maxsize=1024)
def _links_of(
    scope: Any, is_staff: bool, _prefix: str, _urlconf: str
) -> tuple[tuple[tuple[Any, str], ...], tuple[tuple[Any, str], ...]]:
    office = scope.everything or Role.OFFICE_REVIEWER in scope.roles
    province = scope.everything or Role.PROVINCIAL_REVIEWER in scope.roles
    main: list[tuple[Any, str]] = []
    more: list[tuple[Any, str]] = []
    if office:
        main.append((_("Office home"), reverse("creation:office-home")))
        main.append((_("Review queue"), reverse("reporting:review-queue")))
    if province:
        main.append((_("Provincial home"), reverse("creation:province-home")))
        (more if office else main).append(
            (_("Provincial reports"), reverse("reporting:province-reports"))
        )
    if office or province:
        main.append(
            (_("Funds"), reverse("funds:office-funds" if office else "funds:province-plans"))
        )
        main.append((_("Supervision"), reverse("inspections:plan")))  # R4
        main.append(
            (_("Dashboard"), reverse("dashboard:office" if office else "dashboard:province"))
        )
        more.append((_("Liaison meetings"), reverse("creation:liaison-meeting-list")))
        more.append((_("One-vote veto"), reverse("acceptance:gauge-list")))
    if office:
        more.append((_("Rectifications to check"), reverse("inspections:rectification-queue")))
    if len(scope.staff_unit_ids) == 1:
        unit_id = next(iter(scope.staff_unit_ids))
        main.append((_("My unit"), reverse("creation:unit-home", args=[unit_id])))
        main.append(
            (pgettext_lazy("menu", "Reports"), reverse("reporting:unit-calendar", args=[unit_id]))
        )
        main.append((_("Funds"), reverse("funds:unit-funds", args=[unit_id])))
    more.append((_("Publicity"), reverse("scoring:period-list")))
    more.append((_("Units"), reverse("creation:unit-list")))
    more.append((_("Documents"), reverse("reporting:document-job-list")))
    more.append((_("API"), reverse("api-docs")))
    if is_staff:
        more.append((_("Admin"), reverse("admin:index")))
    return tuple(main), tuple(more)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The header links a user's roles open up, and its two counts (the open tasks of the
    user's queue and the unread notifications: worklist.selectors.header_counts), read only
    when a page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_more": [], "unread_notifications": 0, "open_tasks": 0}
    main, more = _section_links(user)
    counts = SimpleLazyObject(lambda: header_counts(user=user))
    return {
        "nav_items": main,
        "nav_more": more,
        "open_tasks": SimpleLazyObject(lambda: counts["open_tasks"]),
        "unread_notifications": SimpleLazyObject(lambda: counts["unread"]),
    }
