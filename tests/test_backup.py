"""`make backup` / `make restore`: a round trip brings back every table and every uploaded file."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from creation.models import CreationUnit, Meeting
from portal.backup import BackupError, backup_create, backup_restore


def _every_table() -> dict[str, list[tuple]]:
    tables = sorted(connection.introspection.table_names())
    snapshot = {}
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {name}")  # noqa: S608 - names from the schema
            snapshot[table] = sorted(map(repr, cursor.fetchall()))
    return snapshot


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_every_table_and_file(media, world, tmp_path):
    before_tables = _every_table()
    before_files = _files(media)
    assert before_files, "the world has uploaded minutes"
    assert sum(len(rows) for rows in before_tables.values()) > 100

    archive = backup_create(out=tmp_path / "backup.tar.gz")
    assert archive.path.is_file()
    assert archive.media_files == len(before_files)

    # Things go wrong after the backup: rows changed and deleted, a file lost, one added.
    CreationUnit.objects.filter(pk=world.objects["units"]["own"].pk).update(name="改错的名字")
    Meeting.objects.all().delete()
    lost = next(p for p in media.rglob("*") if p.is_file())
    lost.unlink()
    (media / "stray.txt").write_text("not in the backup")
    assert _every_table() != before_tables

    backup_restore(path=archive.path)

    assert _every_table() == before_tables
    assert _files(media) == before_files


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_what_is_not_a_backup(media, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="Not a portal backup"):
        call_command("restore", str(bogus), "--yes")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_an_archive_with_paths_outside_its_folder(media, tmp_path):
    import io
    import json
    import tarfile

    hostile = tmp_path / "hostile.tar.gz"
    manifest = json.dumps(
        {
            "format": 1,
            "engine": connection.vendor,
            "database": "database.sqlite3",
            "created_at": "2026-01-01",
            "media_files": 0,
        }
    ).encode()
    with tarfile.open(hostile, "w:gz") as archive:
        for name, data in (("manifest.json", manifest), ("../escape.txt", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="unsafe"):
        backup_restore(path=hostile)
    assert not (tmp_path.parent / "escape.txt").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_asks_before_replacing_the_data(media, tmp_path, monkeypatch):
    archive = backup_create(out=tmp_path / "backup.tar.gz")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive.path))
