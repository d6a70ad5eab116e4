"""Supervision (R4) and the place records (§7) moved out of the creation app into `inspections`
and `places`. A database of the old layout must come through the migrations with every row,
and with the content types of the moved models relabelled, not replaced (the audit log and the
permissions refer to them by id); so must a backup taken in the old layout.

tests/fixtures/old_layout_demo.json.gz is `dumpdata` of the demo data (seed_demo) of the old
layout. It is loaded through the historical models of that layout, never the current ones.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from portal.backup import backup_create, backup_restore

FIXTURE = Path(__file__).parent / "fixtures" / "old_layout_demo.json.gz"
NEW_APPS = ("inspections", "places")
LAST_OLD_CREATION = ("creation", "0007_liaison_end_reason")
MOVED = {
    "inspections": [
        "inspectionsettings",
        "inspection",
        "teammember",
        "checklistitem",
        "finding",
        "findingevidence",
        "rectification",
        "rectificationevidence",
        "rectificationevent",
        "rectificationreminder",
        "feedbackletter",
        "selfinspection",
        "selfinspectionitem",
    ],
    "places": [
        "facility",
        "artteam",
        "culturalevent",
        "staffcount",
        "trainingcourse",
        "investment",
        "honour",
        "summarytext",
    ],
}
NEW_LABEL = {
    f"creation.{model}": f"{app}.{model}" for app, models in MOVED.items() for model in models
}
# Rows that already exist in any database (created by post_migrate): looked up, not loaded.
REFERENCE_MODELS = {"contenttypes.contenttype", "auth.permission"}


def _of_new_layout(node: tuple[str, str]) -> bool:
    app, name = node
    # dashboard's tables (UnitFigures) came after the move and refer to the current units.
    return app in (*NEW_APPS, "dashboard") or (app == "creation" and name > LAST_OLD_CREATION[1])


def _old_layout_nodes(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    """Each other app's latest migration that needs nothing of the new layout (scoring took
    the publicity standings over from dashboard later, for one)."""
    graph = executor.loader.graph
    nodes: list[tuple[str, str | None]] = []
    for node in graph.leaf_nodes():
        if node[0] in (*NEW_APPS, "creation", "dashboard"):
            continue
        while any(_of_new_layout(needed) for needed in graph.forwards_plan(node)):
            (node,) = (
                parent.key for parent in graph.node_map[node].parents if parent.key[0] == node[0]
            )
        nodes.append(node)
    return [*nodes, LAST_OLD_CREATION]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _values(model: Any, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    """Keyword arguments for `model(**…)` from a dumpdata row, and its many-to-many values."""
    values: dict[str, Any] = {}
    many: dict[str, list] = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.many_to_many:
            many[name] = value
        elif field.is_relation:
            values[field.attname] = value
        else:
            values[name] = field.to_python(value)
    return values, many


def _load_old_layout(old_apps: Any, rows: list[dict[str, Any]]) -> None:
    """Insert the fixture's rows through the historical models, content types and permissions
    mapped from the fixture's ids to this database's."""
    ContentType_ = old_apps.get_model("contenttypes", "ContentType")
    Permission = old_apps.get_model("auth", "Permission")
    content_type_ids = {(ct.app_label, ct.model): ct.pk for ct in ContentType_.objects.all()}
    fixture_content_types = {
        row["pk"]: (row["fields"]["app_label"], row["fields"]["model"])
        for row in rows
        if row["model"] == "contenttypes.contenttype"
    }
    content_type_map = {
        pk: content_type_ids[key]
        for pk, key in fixture_content_types.items()
        if key in content_type_ids
    }
    permission_ids = {(p.codename, p.content_type_id): p.pk for p in Permission.objects.all()}
    permission_map = {
        row["pk"]: permission_ids.get(
            (row["fields"]["codename"], content_type_map.get(row["fields"]["content_type"]))
        )
        for row in rows
        if row["model"] == "auth.permission"
    }

    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["model"] not in REFERENCE_MODELS:
            by_model[row["model"]].append(row)
    models = {label: old_apps.get_model(label) for label in by_model}
    with transaction.atomic():
        # Rows that data migrations seeded (departments, fund categories…) give way to the
        # fixture's, which hold the same rows under the ids the other rows refer to.
        for model in models.values():
            model._base_manager.all().delete()
        many_rows = []
        for label, model_rows in by_model.items():
            model = models[label]
            instances = []
            for row in model_rows:
                values, many = _values(model, row["fields"])
                for field in model._meta.concrete_fields:
                    if field.is_relation and field.related_model is ContentType_:
                        values[field.attname] = content_type_map.get(values.get(field.attname))
                instances.append(model(pk=row["pk"], **values))
                if many:
                    many_rows.append((model, row["pk"], many))
            model.objects.bulk_create(instances)
        for model, pk, many in many_rows:
            instance = model._base_manager.get(pk=pk)
            for name, ids in many.items():
                if model._meta.get_field(name).related_model is Permission:
                    ids = [permission_map[i] for i in ids if permission_map.get(i)]
                getattr(instance, name).set(ids)


def _sample(model: Any) -> list[dict[str, str]]:
    names = sorted(field.attname for field in model._meta.concrete_fields)
    rows = model._base_manager.order_by("pk").values(*names)
    return [{k: str(v) for k, v in row.items()} for row in [*rows[:3], *rows.reverse()[:3]]]


def _snapshot(registry: Any, labels: list[str]) -> dict[str, Any]:
    Log = registry.get_model("auditlog", "LogEntry")
    snapshot = {}
    for label in labels:
        model = registry.get_model(label)
        snapshot[label] = {
            "count": model._base_manager.count(),
            "sample": _sample(model),
        }
    content_types = registry.get_model("contenttypes", "ContentType")
    snapshot["content_types"] = {
        f"{ct.app_label}.{ct.model}": ct.pk
        for ct in content_types.objects.filter(app_label__in=["creation", *NEW_APPS])
    }
    snapshot["audit_entries"] = _count_by(Log, "content_type_id")
    return snapshot


def _count_by(model: Any, field: str) -> dict[Any, int]:
    counts: dict[Any, int] = defaultdict(int)
    for value in model._base_manager.values_list(field, flat=True):
        counts[value] += 1
    return dict(counts)


def _assert_new_layout_holds(before: dict[str, Any]) -> None:
    ContentType.objects.clear_cache()
    after = _snapshot(current_apps, list(NEW_LABEL.values()))
    for old_label, new_label in NEW_LABEL.items():
        assert after[new_label] == before[old_label], old_label
        assert before[old_label]["count"] > 0 or old_label in {
            "creation.inspectionsettings",
            "creation.rectificationreminder",
        }
        # the same content type row, relabelled: its id (and what refers to it) is unchanged
        assert after["content_types"][new_label] == before["content_types"][old_label]
        assert old_label not in after["content_types"]
    assert after["audit_entries"] == before["audit_entries"]
    inspection_type = ContentType.objects.get_for_model(
        current_apps.get_model(NEW_LABEL["creation.inspection"])
    )
    assert before["audit_entries"].get(inspection_type.pk, 0) > 0, "the demo audits inspections"


@pytest.mark.django_db(transaction=True)
def test_layout_migration_keeps_every_row_and_content_type_of_the_old_layout(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rows = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old_nodes = _old_layout_nodes(executor)
    try:
        executor = _migrate(old_nodes)
        old_apps = executor.loader.project_state(old_nodes).apps
        _load_old_layout(old_apps, rows)
        before = _snapshot(old_apps, list(NEW_LABEL))
        fixture_counts = _count_by_label(rows)
        for old_label in NEW_LABEL:
            assert before[old_label]["count"] == fixture_counts.get(old_label, 0), old_label

        # A backup taken in the old layout, to restore once the database has moved on.
        archive = backup_create(out=tmp_path / "old-layout.tar.gz").path

        _migrate(latest)
        _assert_new_layout_holds(before)

        # Restoring brings back the old layout's tables and migration records; the restore
        # then migrates them to the current layout.
        current_apps.get_model("places", "Facility").objects.all().delete()
        backup_restore(path=archive)
        _assert_new_layout_holds(before)
    finally:
        _migrate(latest)


def _count_by_label(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["model"]] += 1
    return dict(counts)
