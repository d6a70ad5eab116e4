"""The header of every page: which links a user sees follows their roles, which this app owns."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from creation.models import RoleAssignment
from creation.scope import user_scope
from portal.models import Notification

Role = RoleAssignment.Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The header links a user's roles open up, and the count of unread notifications (one query,
    run only when a page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    scope = user_scope(user)
    items = []
    if scope.everything or Role.OFFICE_REVIEWER in scope.roles:
        items.append((_("Office home"), reverse("creation:office-home")))
    if scope.everything or Role.PROVINCIAL_REVIEWER in scope.roles:
        items.append((_("Provincial home"), reverse("creation:province-home")))
    if scope.everything or Role.OFFICE_REVIEWER in scope.roles:
        items.append((_("Dashboard"), reverse("dashboard:office")))
    elif Role.PROVINCIAL_REVIEWER in scope.roles:
        items.append((_("Dashboard"), reverse("dashboard:province")))
    if scope.everything or Role.OFFICE_REVIEWER in scope.roles:
        items.append((_("Review queue"), reverse("reporting:review-queue")))
    if scope.everything or Role.PROVINCIAL_REVIEWER in scope.roles:
        items.append((_("Provincial reports"), reverse("reporting:province-reports")))
    reviewer_roles = {Role.OFFICE_REVIEWER, Role.PROVINCIAL_REVIEWER}
    if scope.everything or scope.roles & reviewer_roles:
        office = scope.everything or Role.OFFICE_REVIEWER in scope.roles
        items.append(
            (_("Funds"), reverse("funds:office-funds" if office else "funds:province-plans"))
        )
    if scope.everything or scope.roles & reviewer_roles:
        items.append((_("Liaison meetings"), reverse("creation:liaison-meeting-list")))
    if scope.everything or scope.roles & reviewer_roles:
        items.append((_("One-vote veto"), reverse("acceptance:gauge-list")))
    if scope.everything or scope.roles & reviewer_roles:
        items.append((_("Supervision"), reverse("inspections:plan")))  # R4
    items.append((_("Publicity"), reverse("scoring:period-list")))
    items.append((_("Units"), reverse("creation:unit-list")))
    items.append((_("Documents"), reverse("reporting:document-job-list")))
    items.append((_("API"), reverse("api-docs")))
    if user.is_staff:
        items.append((_("Admin"), reverse("admin:index")))
    unread = SimpleLazyObject(lambda: Notification.objects.visible_to(user).unread().count())
    return {"nav_items": items, "unread_notifications": unread}
