"""The scoped viewset every API endpoint uses: its queryset always starts from
`visible_to(request.user)`. Pagination and the read-only rule for API clients are DRF defaults
(portal.pagination, portal.permissions)."""

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from drf_spectacular.drainage import get_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request

from portal.audit import audit_actor_set, object_history
from portal.exports import (
    EXPORT_FORMATS,
    XLSX_CONTENT_TYPE,
    Column,
    Kind,
    columns_response,
    csv_response,
    flatten,
    local_time_header,
    related_header,
    rows_of,
    xlsx_response,
)

EXPORT_HEADERS_PARAMETER = OpenApiParameter(
    name="headers",
    type=OpenApiTypes.STR,
    enum=["labels", "keys"],
    location=OpenApiParameter.QUERY,
    required=False,
    description=(
        "With `format=csv` or `format=xlsx`: the header row of the download. `labels` "
        "(default): each field's label in the caller's language (Chinese unless English is "
        "asked for), a nested field's prefixed by its parent's (\"创建单位名称\"), a time's "
        "followed by its time zone; `keys`: the field names as in JSON, nested ones joined by "
        "dots (`unit.name`). Times are local with their offset in CSV (ISO 8601), a deadline "
        "is its date; in Excel dates and times are date cells and amounts number cells."
    ),
)


class DeadlineField(serializers.DateTimeField):
    """A deadline: in JSON the last instant of its day, as any time; in an export its day, as a
    date (`portal.exports.Kind.DEADLINE`), headed without a time zone."""


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that accepts only objects visible to the caller: anything else is "does not
    exist", so ids outside the scope reveal nothing."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.model._default_manager.visible_to(getattr(request, "user", None))


class _ExportRenderer(renderers.BaseRenderer):
    """Chosen by `?format=csv|xlsx` on a list endpoint. Lists stream themselves (see
    `ScopedViewSetMixin`); this renders only what is not a list, such as an error."""

    charset = None

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        rows = [[key, force_str(value)] for key, value in flatten(data or {}).items()]
        response = (
            xlsx_response(["field", "message"], rows, filename="error")
            if self.format == "xlsx"
            else csv_response(["field", "message"], rows, filename="error")
        )
        return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in response)


class CSVRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_ExportRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"


class ScopedViewSetMixin:
    """Objects outside the user's scope are not in the queryset, so they answer 404.

    Subclasses set `queryset` (with the joins their serializer needs) and never override
    `get_queryset`.
    """

    queryset: QuerySet

    def get_queryset(self) -> QuerySet:
        return self.queryset.visible_to(self.request.user)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        audit_actor_set(request.user)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every list endpoint also answers `?format=csv|xlsx` with the whole filtered list,
        # unpaginated and streamed, so that viewsets keep using DRF's ListModelMixin unchanged.
        super().__init_subclass__(**kwargs)
        # A function of its own per class: `extend_schema_view` writes a list's summary onto the
        # function object, and a shared one would give every list the last class's summary.
        if issubclass(cls, mixins.ListModelMixin) and "list" not in cls.__dict__:

            def list(self: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
                return _exporting_list(self, request, *args, **kwargs)

            list.__qualname__ = f"{cls.__qualname__}.list"
            cls.list = extend_schema(parameters=[EXPORT_HEADERS_PARAMETER])(list)

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        found = super().get_renderers()
        if getattr(self, "action", None) == "list":
            found += [CSVRenderer(), XLSXRenderer()]
        return found

    def export_rows(self, queryset: Any) -> tuple[list[str], Iterator[list[Any]]]:
        serializer = self.get_serializer()
        flat_rows = (flatten(serializer.to_representation(row)) for row in rows_of(queryset))
        return flat_export_rows(serializer, flat_rows)


def flat_export_rows(
    serializer: serializers.Serializer, flat_rows: Iterator[dict[str, Any]]
) -> tuple[list[str], Iterator[list[Any]]]:
    """The columns of flattened rows and the rows as lists, streamed. The columns are the
    serializer's fields (`serializer_leaves`), so that they are the same whatever the first row
    holds (a unit without a liaison still has the liaison's columns, empty); a dict-valued field
    gives one column per key of the first row."""
    first = next(flat_rows, None)
    keys: list[str] = []
    for leaf in serializer_leaves(serializer):
        inside = [key for key in first or () if key.startswith(f"{leaf}.")]
        keys.extend(inside or [leaf])

    def rows() -> Iterator[list[Any]]:
        if first is None:
            return
        yield [first.get(key) for key in keys]
        for flat in flat_rows:
            yield [flat.get(key) for key in keys]

    return keys, rows()


def export_requested(request: Request) -> str | None:
    """ "csv" or "xlsx" when a list was asked for as a download."""
    fmt = getattr(request.accepted_renderer, "format", None)
    return fmt if fmt in EXPORT_FORMATS else None


def export_list(view: Any, fmt: str, rows: Any) -> Any:
    """The rows (a queryset, read in chunks, or any iterable) as a download, one row per object
    as the view's serializer shows it. Lists that override `list` call this themselves (and
    document `EXPORT_HEADERS_PARAMETER`).

    A queryset whose serializer's every field has a database path (`database_columns`) is read
    as tuples of those paths, with no serializer call per row; other lists go through the
    serializer (`export_rows`), a row at a time."""
    serializer = view.get_serializer()
    fields = serializer_leaves(serializer)
    read = None
    if isinstance(rows, QuerySet) and type(view).export_rows is ScopedViewSetMixin.export_rows:
        read = database_columns(serializer, rows)
    if read is not None:
        keys, columns = list(read), list(read.values())
    else:
        keys, rows = view.export_rows(rows)
        columns = [_serialized_column(key, at, fields.get(key)) for at, key in enumerate(keys)]
    if view.request.query_params.get("headers") == "keys":
        headers: list[Any] = list(keys)
    else:
        headers = unique_headers([_key_header(fields, key) for key in keys], keys)
    name = view.get_queryset().model._meta.model_name
    return columns_response(
        fmt,
        headings=headers,
        columns=columns,
        rows=rows,
        filename=name,
        title=name,
        iso_times=True,
    )


def field_kind(field: serializers.Field | None) -> Kind:
    """What an export column of this serializer field holds."""
    if isinstance(field, DeadlineField):
        return Kind.DEADLINE
    if isinstance(field, serializers.DateTimeField):
        return Kind.TIME
    if isinstance(field, serializers.DateField):
        return Kind.DATE
    if isinstance(field, serializers.DecimalField):
        return Kind.AMOUNT
    if isinstance(field, serializers.BooleanField):
        return Kind.YES_NO
    if isinstance(field, serializers.IntegerField):
        return Kind.NUMBER
    if isinstance(field, serializers.CharField | serializers.ChoiceField):
        return Kind.TEXT
    return Kind.ANY


def _serialized_column(key: str, at: int, leaf: tuple[Any, serializers.Field] | None) -> Column:
    read = _key_reader(leaf)
    return Column(key, lambda row: read(row[at]), kind=field_kind(leaf[1] if leaf else None))


class ExportSource:
    """Where an export reads a serializer field that is not a model field (a method field, a
    property): the database paths it needs, relative to the serializer's model, and the
    function of their values that gives what the field shows. A serializer lists these in
    `export_sources` ({field name: ExportSource}); a nested serializer given by a method is
    listed by its path ({"submission": "submission"})."""

    def __init__(self, value: Callable[..., Any], *reads: str, per_file: bool = False) -> None:
        """With `per_file`, `value` is called once per file and returns the function of the
        values: for a field that depends on the moment, which is then one for the whole file."""
        self.value = value
        self.reads = reads
        self.per_file = per_file

    def row_value(self) -> Callable[..., Any]:
        return self.value() if self.per_file else self.value


# Serializer fields whose JSON is the database value itself, or its text (which the export
# reads back as the value: `_key_reader`).
_DATABASE_FIELDS = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    DeadlineField,
    serializers.DecimalField,
    serializers.EmailField,
    serializers.FloatField,
    serializers.IntegerField,
    serializers.BigIntegerField,
    serializers.PrimaryKeyRelatedField,
    ScopedPrimaryKeyRelatedField,
    serializers.SlugField,
    serializers.URLField,
)
# Model fields whose values such a serializer field shows unchanged.
_SHOWN_AS_STORED: dict[type, tuple[type, ...]] = {
    serializers.BooleanField: (models.BooleanField,),
    serializers.CharField: (models.CharField, models.TextField),
    serializers.ChoiceField: (models.CharField,),
    serializers.DateField: (models.DateField,),
    serializers.DateTimeField: (models.DateTimeField,),
    DeadlineField: (models.DateTimeField,),
    serializers.EmailField: (models.CharField,),
    serializers.IntegerField: (models.IntegerField, models.AutoField),
    serializers.BigIntegerField: (models.IntegerField, models.AutoField),
    serializers.SlugField: (models.CharField,),
    serializers.URLField: (models.CharField,),
}


def database_columns(
    serializer: serializers.Serializer, queryset: QuerySet
) -> dict[str, Column] | None:
    """{flat key: column reading database paths} for every field of the serializer (the keys
    of `serializer_leaves`), or None when a field has no database path, so that the list must
    go through the serializer."""
    try:
        return _database_columns(
            serializer,
            queryset,
            key_prefix="",
            path_prefix="",
            present="",
            outer_sources=getattr(serializer, "export_sources", {}),
        )
    except _NoDatabasePath:
        return None


class _NoDatabasePath(Exception):
    pass


def _database_columns(
    serializer: serializers.Serializer,
    queryset: QuerySet,
    *,
    key_prefix: str,
    path_prefix: str,
    present: str,
    outer_sources: dict[str, Any],
) -> dict[str, Column]:
    sources: dict[str, Any] = getattr(serializer, "export_sources", {})
    columns: dict[str, Column] = {}
    for name, bound in serializer.fields.items():
        key = f"{key_prefix}.{name}" if key_prefix else name
        field = _declared_field(serializer, bound)
        source = sources.get(name)
        # The outermost serializer may give a nested field's source by its flat key, with
        # paths from its own model: a value it already reads need not be joined again.
        outer = outer_sources.get(key) if key_prefix else None
        if isinstance(field, serializers.ListSerializer):
            raise _NoDatabasePath(key)
        if isinstance(field, serializers.Serializer):
            if isinstance(source, str):
                path = source
            elif field is bound and field.source_attrs:
                path = "__".join(field.source_attrs)
            else:
                raise _NoDatabasePath(key)
            nested = f"{path_prefix}{path}"
            relation = _model_field(queryset, nested, relation=True)
            if not relation:
                raise _NoDatabasePath(key)
            columns |= _database_columns(
                field,
                queryset,
                key_prefix=key,
                path_prefix=f"{nested}__",
                present=f"{nested}__{relation.related_model._meta.pk.name}",
                outer_sources=outer_sources,
            )
        elif isinstance(outer, ExportSource):
            columns[key] = _computed_column(key, field, outer.row_value(), outer.reads, present)
        elif isinstance(source, ExportSource):
            reads = tuple(f"{path_prefix}{path}" for path in source.reads)
            columns[key] = _computed_column(key, field, source.row_value(), reads, present)
        else:
            columns[key] = _stored_column(key, field, queryset, path_prefix)
    return columns


def _computed_column(
    key: str, field: serializers.Field, value: Callable[..., Any], reads: tuple, present: str
) -> Column:
    if not present:
        return Column(key, value, kind=field_kind(field), reads=reads)

    # Inside a nested part that may be missing (a reverse one-to-one): no part, no value.
    def if_present(part: Any, *values: Any) -> Any:
        return None if part is None else value(*values)

    return Column(key, if_present, kind=field_kind(field), reads=(present, *reads))


def _stored_column(
    key: str, field: serializers.Field, queryset: QuerySet, path_prefix: str
) -> Column:
    if type(field) not in _DATABASE_FIELDS or not getattr(field, "source_attrs", None):
        raise _NoDatabasePath(key)
    path = path_prefix + "__".join(field.source_attrs)
    stored = _model_field(queryset, path, relation=isinstance(field, serializers.RelatedField))
    if stored is None:
        raise _NoDatabasePath(key)
    kind = field_kind(field)
    if (
        stored is not True
        and isinstance(stored, _SHOWN_AS_STORED.get(type(field), ()))
        and not getattr(field, "coerce_to_string", False)
    ):
        return Column(key, kind=kind, reads=(path,), typed=True)
    if isinstance(field, serializers.PrimaryKeyRelatedField) and isinstance(
        stored.target_field, models.IntegerField | models.AutoField
    ):
        return Column(key, kind=Kind.NUMBER, reads=(path,), typed=True)
    # Anything else is shown as the serializer shows it, and read back like its JSON.
    read = _key_reader((None, field))

    def shown(value: Any) -> Any:
        return None if value is None else read(field.to_representation(value))

    return Column(key, shown, kind=kind, reads=(path,))


def _model_field(queryset: QuerySet, path: str, *, relation: bool) -> Any:
    """The model field at the end of a path of single-valued relations from the queryset's
    model (True for an annotation of the queryset), or None when there is none: a relation
    at the end only when `relation`, forward (its column is the related key) or, for a nested
    part, reverse one-to-one."""
    names = path.split("__")
    if len(names) == 1 and names[0] in queryset.query.annotations and not relation:
        return True
    model: Any = queryset.model
    field: Any = None
    for at, name in enumerate(names):
        last = at == len(names) - 1
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.many_to_many or field.one_to_many:
            return None
        if field.is_relation:
            if field.related_model is None:  # a generic foreign key
                return None
            model = field.related_model
        elif not last or not field.concrete:
            return None
        if last and field.is_relation != relation:
            return None
    return field


def serializer_leaves(
    serializer: serializers.Serializer, prefix: str = "", parent_label: Any = None
) -> dict[str, tuple[Any, serializers.Field]]:
    """{flat key: (header, field)} for every field of the serializer, nested serializers'
    fields under their parent's key ("unit.name") and label ("Creation unit name")."""
    leaves: dict[str, tuple[Any, serializers.Field]] = {}
    for name, field in serializer.fields.items():
        key = f"{prefix}.{name}" if prefix else name
        label = _field_label(name, field)
        field = _declared_field(serializer, field)
        if parent_label is not None:
            label = related_header(parent_label, label)
        if isinstance(field, serializers.Serializer):
            leaves.update(serializer_leaves(field, key, label))
        else:
            leaves[key] = (label, field)
    return leaves


def _declared_field(serializer: serializers.Serializer, field: serializers.Field) -> Any:
    """A method field as its schema declares it (`extend_schema_field`), so that its dates,
    amounts and nested parts are read like those of any other field."""
    if not isinstance(field, serializers.SerializerMethodField):
        return field
    method = getattr(serializer, field.method_name, None)
    declared = get_override(method, "field") if method is not None else None
    if isinstance(declared, type) and issubclass(declared, serializers.Field):
        declared = declared()
    return declared if isinstance(declared, serializers.Field) else field


def _field_label(name: str, field: serializers.Field) -> Any:
    # A label DRF made up from the field's name ("first_submitted_at" → "First submitted at") is
    # an msgid like any other: translated when the catalogue has it.
    label = field.label or name.replace("_", " ").capitalize()
    return capfirst(_(str(label)) if isinstance(label, str) else label)


def _key_header(fields: dict[str, tuple[Any, serializers.Field]], key: str) -> Any:
    if key in fields:
        label, field = fields[key]
        if field_kind(field) == Kind.TIME:
            return local_time_header(label)
        return label
    # A key inside a dict-valued field ("changes.status"): the field's label, then the rest.
    parent, _dot, rest = key.rpartition(".")
    while parent and parent not in fields:
        parent, _dot, head = parent.rpartition(".")
        rest = f"{head}.{rest}"
    return f"{fields[parent][0]} {rest}" if parent else key


def unique_headers(headers: list[Any], keys: Iterable[str]) -> list[str]:
    """Headers as given, but a header that two columns share is followed by its key."""
    texts = [force_str(header) for header in headers]
    return [
        f"{text} ({key})" if texts.count(text) > 1 else text
        for text, key in zip(texts, keys, strict=True)
    ]


def _key_reader(leaf: tuple[Any, serializers.Field] | None) -> Callable[[Any], Any]:
    """The serializer's text of a date, time or amount back as that value, so that Excel gets
    a date or number cell (and the CSV a local time)."""
    field = leaf[1] if leaf else None
    if isinstance(field, serializers.DateTimeField):
        return lambda value: (parse_datetime(value) or value) if isinstance(value, str) else value
    if isinstance(field, serializers.DateField):
        return lambda value: (parse_date(value) or value) if isinstance(value, str) else value
    if isinstance(field, serializers.DecimalField):
        return _decimal
    return _as_is


def _decimal(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return Decimal(value)
    except InvalidOperation:
        return value


def _as_is(value: Any) -> Any:
    return value


def _exporting_list(self: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
    fmt = export_requested(request)
    if fmt is None:
        return mixins.ListModelMixin.list(self, request, *args, **kwargs)
    return export_list(self, fmt, self.filter_queryset(self.get_queryset()))


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class AuditEntrySerializer(serializers.ModelSerializer):
    action = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    request_id = serializers.CharField(source="cid", allow_null=True)

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "action", "actor", "changes", "remote_addr", "request_id"]

    def get_action(self, entry: LogEntry) -> str:
        return {0: "create", 1: "update", 2: "delete"}.get(entry.action, "access")

    def get_actor(self, entry: LogEntry) -> str | None:
        return entry.actor.get_username() if entry.actor else None

    def get_changes(self, entry: LogEntry) -> dict[str, list[Any]]:
        """{field: [before, after]}"""
        return entry.changes_dict


class HistoryMixin:
    """`…/{id}/history/`: the object's audit trail (who changed what, when, from which request),
    for whoever may see the object; others get 404 like for the object itself."""

    # The summary names the object: see portal.schema.PortalAutoSchema.
    @extend_schema(
        responses=AuditEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Request, pk: Any = None) -> Any:
        entries = self.paginate_queryset(object_history(self.get_object()))
        return self.get_paginated_response(AuditEntrySerializer(entries, many=True).data)
