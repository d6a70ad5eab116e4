"""The scoped viewset every API endpoint uses: its queryset always starts from
`visible_to(request.user)`. Pagination and the read-only rule for API clients are DRF defaults
(portal.pagination, portal.permissions)."""

from django.db.models import QuerySet
from rest_framework import viewsets


class ScopedViewSetMixin:
    """Objects outside the user's scope are not in the queryset, so they answer 404.

    Subclasses set `queryset` (with the joins their serializer needs) and never override
    `get_queryset`.
    """

    queryset: QuerySet

    def get_queryset(self) -> QuerySet:
        return self.queryset.visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
