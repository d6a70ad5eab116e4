from drf_spectacular.utils import extend_schema, extend_schema_view

from creation.api.filters import BatchFilter, CreationUnitFilter, ProgrammeFilter, RegionFilter
from creation.api.serializers import (
    BatchSerializer,
    CreationUnitSerializer,
    ProgrammeSerializer,
    RegionSerializer,
)
from creation.models import Batch, CreationUnit, Programme, Region
from portal.api import ScopedReadOnlyViewSet


@extend_schema_view(
    list=extend_schema(summary="List regions (province → city → district → street)"),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(ScopedReadOnlyViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name"]


@extend_schema_view(
    list=extend_schema(summary="List the programmes visible to the caller"),
    retrieve=extend_schema(summary="One programme"),
)
class ProgrammeViewSet(ScopedReadOnlyViewSet):
    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["name"]


@extend_schema_view(
    list=extend_schema(summary="List the batches visible to the caller"),
    retrieve=extend_schema(summary="One batch"),
)
class BatchViewSet(ScopedReadOnlyViewSet):
    queryset = Batch.objects.all()
    serializer_class = BatchSerializer
    filterset_class = BatchFilter
    ordering_fields = ["year", "number"]


@extend_schema_view(
    list=extend_schema(
        summary="List the creation units visible to the caller",
        description="Filter by batch, province, programme, kind, status and level.",
    ),
    retrieve=extend_schema(summary="One creation unit"),
)
class CreationUnitViewSet(ScopedReadOnlyViewSet):
    queryset = CreationUnit.objects.with_related()
    serializer_class = CreationUnitSerializer
    filterset_class = CreationUnitFilter
    ordering_fields = ["name", "start_date", "status"]
