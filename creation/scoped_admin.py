"""The admin base classes every domain app registers its models with: lists, edit pages and
foreign-key choices follow the row-level scope (creation.scope), and shared reference data follows
who may change it. They live with the scope they apply."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from creation.scope import ScopedQuerySet, user_scope


class ScopedModelAdmin(admin.ModelAdmin):
    """Admin lists, edit pages and foreign-key choices limited to `visible_to(request.user)`,
    like every other page: an office reviewer manages only the units of their programme."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs: Any):
        related = db_field.related_model._default_manager.all()
        if isinstance(related, ScopedQuerySet) and "queryset" not in kwargs:
            queryset = related.visible_to(request.user)
            if db_field.remote_field.limit_choices_to:
                queryset = queryset.complex_filter(db_field.remote_field.limit_choices_to)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReferenceDataAdmin(ScopedModelAdmin):
    """Reference data that every programme uses (fund categories, departments): the office of a
    provincial programme reads it here, only the national office or a superuser changes it."""

    def _may_change(self, request: HttpRequest) -> bool:
        return user_scope(request.user).can_change_reference_data()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_change(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request) and super().has_delete_permission(request, obj)
