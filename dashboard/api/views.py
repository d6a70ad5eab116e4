"""GET /api/v1/units/{id}/status/ and GET /api/v1/status/: where units stand, in one cheap call.

The viewset is scoped like every other (portal.api.ScopedViewSetMixin): units outside the
caller's scope answer 404. Each unit's answer is stored with its figures and read as stored,
with the publicity rank read over its peers' stored scores (dashboard.selectors.status_answers):
the number of queries does not grow with the number of units.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from creation.api.filters import CreationUnitSyncFilter
from creation.models import CreationUnit
from dashboard.api.serializers import UnitStatusSerializer
from dashboard.selectors import (
    STATUS_CHANGED_AT,
    status_answers,
    status_changed_moments,
    unit_status_answer,
    with_status_changed_at,
)
from portal.api import (
    EXPORT_HEADERS_PARAMETER,
    ScopedViewSetMixin,
    export_list,
    export_requested,
    flat_export_rows,
)
from portal.conditional import answer_etag, conditional_response
from portal.exports import CHUNK_SIZE, flatten
from portal.filters import UPDATED_SINCE_PARAMETER, UpdatedSinceFilter

# Real answers of the demo data (`seed_demo`, read on 2026-12-01 by the read-only API client):
# a zone and a project of the first batch. tests/test_schema.py checks that the demo data still
# answers in this shape, so that the examples cannot drift from what the API says.
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
STATUS_EXAMPLE = json.loads((EXAMPLES_DIR / "status_zone.json").read_text(encoding="utf-8"))
PROJECT_EXAMPLE = json.loads((EXAMPLES_DIR / "status_project.json").read_text(encoding="utf-8"))

NOT_MODIFIED = OpenApiResponse(description="Not modified: the `ETag` sent in `If-None-Match`.")


class UnitStatusSyncFilter(CreationUnitSyncFilter):
    """The unit list's filters; `updated_since`: the unit's status changed, by a write to the
    unit or its records (as for the unit list), or by a move of the ranking it shares with its
    peers (C4), which writes neither (`status_changed_at`)."""

    updated_since = UpdatedSinceFilter(field_name=STATUS_CHANGED_AT, method="changed_after")

    def changed_after(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return with_status_changed_at(queryset).filter(**{f"{name}__gt": value})


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
            OpenApiExample("A project", value=PROJECT_EXAMPLE),
        ],
    ),
)
class UnitStatusViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    # What the ETags and the filters need: the answers are stored (dashboard.models.UnitFigures).
    queryset = CreationUnit.objects.only("pk", "changed_at")
    serializer_class = UnitStatusSerializer
    filterset_class = UnitStatusSyncFilter
    ordering_fields = ["name", "start_date"]
    ordering = ["batch_id", "kind", "name", "pk"]

    # The ETag of a status comes from the stored moments its unit and its ranking changed
    # (with_status_changed_at), read with the rows the page needs anyway: a client that holds
    # the answer costs no section loading.
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = unit_status_answer(request.user, kwargs["pk"])
        if found is None:
            raise Http404
        changed_at, answer = found
        etag = answer_etag(request, [(kwargs["pk"], changed_at)])
        return conditional_response(request, etag, lambda: Response(answer))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        fmt = export_requested(request)
        if fmt is not None:
            return export_list(self, fmt, queryset)
        # The page as ids: the answers are stored, and model instances of the units would only
        # be taken apart for their ids.
        page = self.paginate_queryset(queryset.values_list("pk", flat=True))
        if page is None:
            ids = list(queryset.values_list("pk", flat=True))
            etag = answer_etag(request, status_changed_moments(ids))
            return conditional_response(request, etag, lambda: Response(status_answers(ids)))
        # The moments are read for the page's units only, after the page is cut: read with the
        # page's query, they would be computed for every unit of the filter before its sort.
        # The total counts too: it is in the answer, and a unit entering or leaving the filter
        # elsewhere changes the links to the other pages.
        changes = [self.paginator.page.paginator.count, *status_changed_moments(list(page))]
        return conditional_response(
            request,
            answer_etag(request, changes),
            lambda: self.get_paginated_response(status_answers(list(page))),
        )

    def export_rows(self, queryset: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
        """`?format=csv|xlsx`: every unit's status, flattened, read a chunk at a time."""

        def flat_rows() -> Iterator[dict[str, Any]]:
            ids = queryset.values_list("pk", flat=True)
            chunk: list[int] = []
            for pk in ids.iterator(chunk_size=CHUNK_SIZE):
                chunk.append(pk)
                if len(chunk) == CHUNK_SIZE:
                    yield from (flatten(answer) for answer in status_answers(chunk))
                    chunk = []
            if chunk:
                yield from (flatten(answer) for answer in status_answers(chunk))

        return flat_export_rows(self.get_serializer(), flat_rows())
