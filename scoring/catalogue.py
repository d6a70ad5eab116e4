"""R6.2: the media catalogue named in the rules, present on every database.

Migration 0002 seeds it on a fresh database; `outlets_ensure` runs again after every migrate
and flush (post_migrate), so that a database emptied by `flush` (as transactional tests do)
gets it back. Idempotent: an outlet that exists by name is left as the office keeps it."""

from __future__ import annotations

from typing import Any

from scoring.models import MediaOutlet

# (name, tier, level, generic)
SEEDED_OUTLETS: list[tuple[str, int | None, str, bool]] = [
    ("新华社内参", 1, "", False),
    ("人民日报内参", 1, "", False),
    ("求是", 1, "", False),
    ("中央级媒体集中宣传报道", 1, "", True),
    ("中央电视台", 2, "", False),
    ("中央人民广播电台", 2, "", False),
    ("新华社", 2, "", False),
    ("人民日报", 2, "", False),
    ("光明日报", 2, "", False),
    ("中国文化报", 2, "", False),
    ("文化部《文化要情》", 3, "", False),
    ("省级媒体", None, "province", True),
    ("文化部《文化信息》", 4, "", False),
    ("同级媒体", None, "same", True),
    ("文化部网站", 5, "", False),
    ("国家公共文化网", 5, "", False),
    ("人民政府网站", 5, "", True),
]


def outlets_ensure(*, using: str = "default") -> int:
    """Create the outlets of the catalogue that are missing; returns how many were created."""
    national = MediaOutlet.objects.using(using).filter(programme__isnull=True)
    existing = set(national.values_list("name", flat=True))
    missing = [
        MediaOutlet(name=name, tier=tier, level=level, generic=generic, sort_order=order * 10)
        for order, (name, tier, level, generic) in enumerate(SEEDED_OUTLETS, start=1)
        if name not in existing
    ]
    MediaOutlet.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def seed_after_migrate(
    sender: Any, using: str = "default", plan: Any = None, **kwargs: Any
) -> None:
    # Only once scoring's tables exist (not on a migrate that stops before them).
    from django.db import connections

    if "scoring_mediaoutlet" in connections[using].introspection.table_names():
        outlets_ensure(using=using)
