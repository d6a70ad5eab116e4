"""GET /api/v1/units/{id}/status/ and GET /api/v1/status/: where units stand, in one cheap call.

The viewset is scoped like every other (portal.api.ScopedViewSetMixin): units outside the
caller's scope answer 404. Serialization loads each section for the whole page at once
(dashboard.api.serializers.UnitStatusListSerializer), so the number of queries does not grow
with the number of units.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from creation.api.filters import CreationUnitSyncFilter
from creation.models import CreationUnit
from dashboard.api.serializers import UnitStatusSerializer, status_payloads
from portal.api import (
    EXPORT_HEADERS_PARAMETER,
    ScopedViewSetMixin,
    export_list,
    export_requested,
    flat_export_rows,
)
from portal.conditional import answer_etag, conditional_response
from portal.exports import CHUNK_SIZE, flatten
from portal.filters import UPDATED_SINCE_PARAMETER

STATUS_EXAMPLE = {
    "id": 12,
    "unit": {
        "id": 12,
        "name": "长沙市开福区",
        "kind": "zone",
        "status": "creating",
        "start_date": "2025-07-01",
        "batch": {
            "id": 3,
            "number": 4,
            "year": 2025,
            "programme": 1,
            "programme_name": "国家公共文化服务体系示范区创建",
        },
        "province": {"id": 1, "name": "湖南省"},
    },
    "current_period": {
        "kind": "half_year",
        "label": "2026H2",
        "start": "2026-07-01",
        "end": "2026-12-31",
    },
    "reporting": {
        "next_due": [
            {
                "id": 431,
                "type": "work_update",
                "period_label": "2026-11",
                "period_start": "2026-11-01",
                "period_end": "2026-11-30",
                "due_at": "2026-12-05T23:59:59.999999+08:00",
            },
            {
                "id": 432,
                "type": "in_depth_report",
                "period_label": "2026Q4",
                "period_start": "2026-10-01",
                "period_end": "2026-12-31",
                "due_at": "2027-01-10T23:59:59.999999+08:00",
            },
            {
                "id": 433,
                "type": "fund_report",
                "period_label": "2026H2",
                "period_start": "2026-07-01",
                "period_end": "2026-12-31",
                "due_at": "2027-01-15T23:59:59.999999+08:00",
            },
        ],
        "overdue_count": 1,
        "due_so_far": 20,
        "on_time": 17,
        "late": 2,
        "on_time_rate": 0.85,
    },
    "funds": {
        "filed_plans": 1,
        "budget": "3200000.00",
        "spent": "1480000.00",
        "central_budget": "1000000.00",
        "central_spent": "620000.00",
        "execution_rate": "46.3",
    },
    "liaison": {
        "id": 7,
        "name": "王丽",
        "organisation": "开福区文化旅游体育局",
        "position": "副局长",
        "phone": "0731-84000000",
        "mobile": "13800000000",
        "email": "liaison@example.gov.cn",
        "started_on": "2025-07-01",
    },
    "liaison_vacant_since": None,
}
PROJECT_EXAMPLE = {
    **STATUS_EXAMPLE,
    "id": 15,
    "unit": {**STATUS_EXAMPLE["unit"], "id": 15, "name": "“书香湘潭”全民阅读", "kind": "project"},
    "current_period": {
        "kind": "cycle",
        "label": "2025-07-01/2027-06-30",
        "start": "2025-07-01",
        "end": "2027-06-30",
    },
    "liaison": None,
    "liaison_vacant_since": "2026-10-01",
}

NOT_MODIFIED = OpenApiResponse(description="Not modified: the `ETag` sent in `If-None-Match`.")


@extend_schema_view(
    list=extend_schema(
        summary="The status of many creation units",
        description=(
            "The same payload as `/units/{id}/status/` for each unit visible to the caller, "
            "filtered by batch, province, programme, kind, status and level; 50 per page "
            "(`page_size` up to 200). The number of database queries does not depend on the "
            "number of units. `updated_since`: only the units whose status changed after that "
            "moment (anything it shows, or the rank among its peers). Each page carries an "
            "`ETag`; send it back in `If-None-Match` to get 304 with no body while no unit of "
            "the page has changed."
        ),
        parameters=[UPDATED_SINCE_PARAMETER, EXPORT_HEADERS_PARAMETER],
        responses={200: UnitStatusSerializer(many=True), 304: NOT_MODIFIED},
        # One unit per example: drf-spectacular wraps it in a page of results.
        examples=[
            OpenApiExample("A page with a zone", value=STATUS_EXAMPLE),
            OpenApiExample("A page with a project", value=PROJECT_EXAMPLE),
        ],
    ),
    retrieve=extend_schema(
        summary="The status of a creation unit",
        description=(
            "The unit; its current period (a zone's half year, a project's creation cycle); the "
            "next three reports due, the overdue count and the on-time rate (first submitted on "
            "time, reviewed or not / due so far); the execution of its filed fund plans; its liaison's contacts "
            "(null without a liaison) and, without one, the day the vacancy began "
            "(`liaison_vacant_since`, C5). 404 for a unit outside the caller's scope. The answer "
            "carries an `ETag`; send it back in `If-None-Match` to get 304 with no body while the "
            "unit has not changed."
        ),
        responses={200: UnitStatusSerializer, 304: NOT_MODIFIED},
        examples=[
            OpenApiExample("A zone", value=STATUS_EXAMPLE),
            OpenApiExample("A project without a liaison", value=PROJECT_EXAMPLE),
        ],
    ),
)
class UnitStatusViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = CreationUnit.objects.with_related()
    serializer_class = UnitStatusSerializer
    filterset_class = CreationUnitSyncFilter
    ordering_fields = ["name", "start_date"]
    ordering = ["batch_id", "kind", "name", "pk"]

    # The ETag of a status comes from the stored moments its units changed (creation.services
    # .units_changed_at_bump), read with the rows the page needs anyway: a client that holds the
    # answer costs no section loading.
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_object()
        etag = answer_etag(request, [(unit.pk, unit.changed_at)])
        return conditional_response(request, etag, lambda: Response(self.get_serializer(unit).data))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        fmt = export_requested(request)
        if fmt is not None:
            return export_list(self, fmt, queryset)
        page = self.paginate_queryset(queryset)
        if page is None:
            units = list(queryset)
            etag = answer_etag(request, [(unit.pk, unit.changed_at) for unit in units])
            return conditional_response(
                request, etag, lambda: Response(self.get_serializer(units, many=True).data)
            )
        # The total counts too: it is in the answer, and a unit entering or leaving the filter
        # elsewhere changes the links to the other pages.
        changes = [self.paginator.page.paginator.count, *((u.pk, u.changed_at) for u in page)]
        return conditional_response(
            request,
            answer_etag(request, changes),
            lambda: self.get_paginated_response(self.get_serializer(page, many=True).data),
        )

    def export_rows(self, queryset: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
        """`?format=csv|xlsx`: every unit's status, flattened, loaded a chunk at a time."""
        serializer = self.get_serializer()

        def flat_rows() -> Iterator[dict[str, Any]]:
            chunk: list[CreationUnit] = []
            for unit in queryset.iterator(chunk_size=CHUNK_SIZE):
                chunk.append(unit)
                if len(chunk) == CHUNK_SIZE:
                    yield from (
                        flatten(serializer.to_representation(p)) for p in status_payloads(chunk)
                    )
                    chunk = []
            if chunk:
                yield from (
                    flatten(serializer.to_representation(p)) for p in status_payloads(chunk)
                )

        return flat_export_rows(serializer, flat_rows())
