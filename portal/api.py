"""The scoped viewset every API endpoint uses: its queryset always starts from
`visible_to(request.user)`. Pagination and the read-only rule for API clients are DRF defaults
(portal.pagination, portal.permissions)."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets

from creation.services import unit_record_delete, unit_record_save


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


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that accepts only objects visible to the caller: anything else is "does not
    exist", so ids outside the scope reveal nothing."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.model._default_manager.visible_to(getattr(request, "user", None))


class UnitRecordViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Records of one unit: everyone in scope reads them; the unit's own staff create, change
    and delete them, through the services (403 for others who can see them)."""

    parent_field = "unit"

    def perform_create(self, serializer: serializers.Serializer) -> None:
        instance = self.get_queryset().model()
        serializer.instance = unit_record_save(
            user=self.request.user, instance=instance, fields=serializer.validated_data
        )

    def perform_update(self, serializer: serializers.Serializer) -> None:
        fields = dict(serializer.validated_data)
        parent = fields.pop(self.parent_field, None)
        if parent is not None and parent != getattr(serializer.instance, self.parent_field):
            raise serializers.ValidationError(
                {self.parent_field: _("A record cannot be moved to another unit.")}
            )
        serializer.instance = unit_record_save(
            user=self.request.user, instance=serializer.instance, fields=fields
        )

    def perform_destroy(self, instance: Any) -> None:
        unit_record_delete(user=self.request.user, instance=instance)
