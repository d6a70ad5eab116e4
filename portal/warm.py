"""What a web worker readies before its first request (portal/gunicorn_conf.py): the URLconf
with every view module it imports, the translation catalogues, the compiled templates of the
portal's own pages and a database connection. Nothing is rendered and nothing is read from the
portal's tables."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.template.loader import get_template
from django.urls import URLResolver, get_resolver
from django.utils import translation


def _count_routes(patterns: list) -> int:
    return sum(_count_routes(p.url_patterns) if isinstance(p, URLResolver) else 1 for p in patterns)


def worker_warm() -> str:
    """Ready this process for its first request; a line saying what was readied."""
    resolver = get_resolver()
    # Walking the patterns imports every app's URLconf and views; reversing fills the tables.
    routes = _count_routes(resolver.url_patterns)
    resolver.reverse_dict  # noqa: B018 - filled on first access
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Home")
    templates = 0
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            # The cached loader keeps the compiled template for the worker's lifetime.
            get_template(str(path.relative_to(folder)))
            templates += 1
    connection.ensure_connection()
    return f"{routes} routes, {len(settings.LANGUAGES)} languages, {templates} templates"
