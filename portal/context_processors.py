from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from creation.models import RoleAssignment
from creation.scope import user_scope

Role = RoleAssignment.Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The header links a user's roles open up."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = user_scope(user)
    items = []
    if scope.everything or Role.OFFICE_REVIEWER in scope.roles:
        items.append((_("Office home"), reverse("creation:office-home")))
    if scope.everything or Role.PROVINCIAL_REVIEWER in scope.roles:
        items.append((_("Provincial home"), reverse("creation:province-home")))
    items.append((_("Units"), reverse("creation:unit-list")))
    items.append((_("API"), reverse("api-docs")))
    if user.is_staff:
        items.append((_("Admin"), reverse("admin:index")))
    return {"nav_items": items}
