"""The direction of imports between apps (docs/architecture.md): portal's building blocks import
no domain app, and no two apps import each other, directly or around a circle. Imports inside
functions count like any other: they are not a way round the layout."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from creation.scope import user_scope as creation_user_scope
from portal import scoping

BASE_DIR = Path(__file__).resolve().parent.parent
# Every app of the project, including apps added later.
APPS = sorted(p.parent.name for p in BASE_DIR.glob("*/apps.py"))
DOMAIN_APPS = sorted(set(APPS) - {"portal", "devtools"})


def _runtime_modules(app: str) -> list[Path]:
    """The app's modules, without its tests and migrations."""
    return [
        path
        for path in (BASE_DIR / app).rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(BASE_DIR).parts)
    ]


def _imported_apps(path: Path) -> set[str]:
    """The project apps a module imports by absolute name, anywhere in the module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in APPS)
    return found


def _app_graph() -> dict[str, set[str]]:
    return {
        app: {
            imported
            for path in _runtime_modules(app)
            for imported in _imported_apps(path)
            if imported != app
        }
        for app in APPS
    }


def test_portal_imports_no_domain_app():
    assert {"creation", "reporting", "inspections", "dashboard"} <= set(DOMAIN_APPS)
    offenders = {
        str(path.relative_to(BASE_DIR)): sorted(_imported_apps(path) & set(DOMAIN_APPS))
        for path in _runtime_modules("portal")
        if _imported_apps(path) & set(DOMAIN_APPS)
    }
    assert offenders == {}


def test_app_import_graph_has_no_cycle():
    graph = _app_graph()
    done: set[str] = set()

    def cycle_from(app: str, path: list[str]) -> list[str] | None:
        if app in path:
            return [*path[path.index(app) :], app]
        if app in done:
            return None
        for imported in sorted(graph[app]):
            cycle = cycle_from(imported, [*path, app])
            if cycle:
                return cycle
        done.add(app)
        return None

    cycles = [cycle for app in APPS if (cycle := cycle_from(app, []))]
    assert cycles == []


def test_creation_provides_the_scope_portal_reads():
    # Registered by CreationConfig.ready(): portal's read-only rule and ETags use the one
    # implementation of the scope.
    assert scoping._provider is creation_user_scope


def test_portal_scope_comes_from_the_registered_provider(monkeypatch):
    monkeypatch.setattr(scoping, "_provider", None)
    scoping.scope_provider_register(lambda user: f"scope of {user}")
    assert scoping.user_scope("ann") == "scope of ann"


def test_portal_scope_without_a_provider_raises_a_clear_error(monkeypatch):
    monkeypatch.setattr(scoping, "_provider", None)
    with pytest.raises(ImproperlyConfigured, match="No scope provider is registered"):
        scoping.user_scope("ann")


# Sub-domains that once lived inside another app under a file-name prefix; each now has an app or
# a package of its own (inspections/, places/, scoring/acceptance/, reporting/views/documents.py).
SUB_DOMAIN_PREFIXES = (
    "inspection_",
    "place_",
    "acceptance_",
    "publicity_",
    "leadership_",
    "document_",
)


def test_no_runtime_module_is_named_with_a_sub_domain_prefix():
    prefixed = sorted(
        str(path.relative_to(BASE_DIR))
        for app in APPS
        for path in _runtime_modules(app)
        if path.name.startswith(SUB_DOMAIN_PREFIXES)
    )
    assert prefixed == []


def test_the_sub_domains_have_apps_of_their_own():
    assert {"inspections", "places", "devtools"} <= set(APPS)
    assert not (BASE_DIR / "portal" / "bench").exists()
    assert not any((BASE_DIR / app / "scale.py").exists() for app in DOMAIN_APPS)
