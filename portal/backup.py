"""Backups of the whole portal: the database and the uploaded files, in one archive.

An archive is a .tar.gz holding `manifest.json`, the database (`database.pgdump`, made by pg_dump
in its custom format, on PostgreSQL; `database.sqlite3`, a consistent copy made with SQLite's online
backup, otherwise) and `media/`, the uploaded files (minutes, vouchers, evidence, documents).
Restoring puts the database and the files back as they were when the archive was made, then
applies the migrations that the archive's database lacks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

FORMAT_VERSION = 1


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    media_files: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt install postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(engine: str, folder: Path) -> str:
    if engine == "postgresql":
        target = folder / "database.pgdump"
        env, args = _pg_env_and_args()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(target),
            ],
            env,
        )
        return target.name
    target = folder / "database.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return target.name


def backup_create(*, out: Path | None = None) -> BackupResult:
    """Write an archive of the database and the uploaded files; returns where it is."""
    engine = _engine()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    out = Path(out) if out else Path(settings.VAR_DIR) / "backups" / f"portal-{stamp}.tar.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        database = _dump_database(engine, folder)
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "database": database,
            "created_at": timezone.now().isoformat(),
            "media_files": len(files),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = out.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / "manifest.json", arcname="manifest.json")
            archive.add(folder / database, arcname=database)
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        # Renamed only once complete, so a backup interrupted halfway never looks finished.
        partial.replace(out)
    return BackupResult(out, engine, len(files))


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Refusing an unsafe entry in the archive: {member.name!r}")
        members.append(member)
    return members


def backup_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            source = archive.extractfile("manifest.json")
            if source is None:
                raise BackupError("The archive has no manifest.json.")
            return json.loads(source.read())
    except (tarfile.TarError, KeyError, ValueError, OSError) as error:
        raise BackupError(f"Not a portal backup ({error}).") from error


ARCHIVED_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.MULTILINE)


def _output(command: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    """What `command` prints; BackupError when it is missing or fails."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt install postgresql-client).")
    done = subprocess.run(  # noqa: S603 - the PostgreSQL client's programs
        command, env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")
    return done.stdout


def _pg_restore(database: Path) -> None:
    """The archive's database in place of the current one, in one transaction: it commits whole
    or not at all. `pg_restore --clean` drops only what the archive holds, so the tables this
    version added since the archive was made (whose foreign keys to the archive's tables would
    stop those from being dropped) are dropped first, in the same transaction; `migrate` then
    makes them again."""
    env, args = _pg_env_and_args()
    with connection.cursor() as cursor:
        current = set(connection.introspection.table_names(cursor))
    connection.close()
    listing = _output(["pg_restore", "--list", str(database)], env)
    archived = {name for schema, name in ARCHIVED_TABLE.findall(listing) if schema == "public"}
    newer = "".join(
        f'DROP TABLE IF EXISTS "{table}" CASCADE;\n' for table in sorted(current - archived)
    )
    script = _output(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file", "-",
         str(database)],
        env,
    )  # fmt: skip
    _output(
        ["psql", "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1",
         *args, "--file", "-"],
        env,
        stdin=newer + script,
    )  # fmt: skip


def backup_restore(*, path: Path) -> dict[str, Any]:
    """Put the database and the uploaded files back as they were in the archive."""
    engine = _engine()
    path = Path(path)
    manifest = backup_manifest(path)
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError("This archive was made by another version of the backup format.")
    if manifest["engine"] != engine:
        raise BackupError(
            f"This archive holds a {manifest['engine']} database; this portal runs on {engine}."
        )
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(folder, members=_safe_members(archive), filter="data")
        database = folder / manifest["database"]
        if engine == "postgresql":
            _pg_restore(database)
        else:
            connection.ensure_connection()
            source = sqlite3.connect(database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        media = Path(settings.MEDIA_ROOT)
        restored_media = folder / "media"
        if media.exists():
            shutil.rmtree(media)
        media.mkdir(parents=True, exist_ok=True)
        if restored_media.exists():
            shutil.copytree(restored_media, media, dirs_exist_ok=True)
    # An archive of an earlier version holds that version's schema (and its migration records):
    # migrating brings it to this version's, e.g. from the layout before supervision and the
    # place records had apps of their own. Nothing happens for an archive of this version.
    call_command("migrate", interactive=False, verbosity=0)
    return manifest
