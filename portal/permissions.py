from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from portal.scoping import user_scope


class ApiClientsReadOnly(permissions.BasePermission):
    message = _("API client accounts are read-only.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return not user_scope(request.user).read_only
