from rest_framework import permissions

from portal.scoping import user_scope


class ApiClientsReadOnly(permissions.BasePermission):
    message = "API client accounts are read-only. / API 客户端账号只能读取数据。"

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return not user_scope(request.user).read_only
