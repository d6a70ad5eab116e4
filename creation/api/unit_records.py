"""The API of a unit's own records (leadership, liaisons, places, money in): one viewset base that
writes through creation's services, so that only the unit's staff change them."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets

from creation.services import unit_record_delete, unit_record_save
from portal.api import ScopedViewSetMixin


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
