"""The development tools stay out of the runtime: installed by the dev, test and bench settings
only, imported by no runtime app, and the demo contributors share only their context."""

import ast
import importlib
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# Every app of the project but devtools itself, including apps added later.
RUNTIME_APPS = sorted(
    p.parent.name for p in BASE_DIR.glob("*/apps.py") if p.parent.name != "devtools"
)
GOOD_KEY = "k" * 20 + "-production-secret-key-for-the-test-only-" + "x" * 20


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _settings(name: str, monkeypatch) -> object:
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    # Fresh modules, so that the settings read this environment; the old ones come back after.
    for module in ("portal.settings.base", "portal.settings.production", name):
        monkeypatch.delitem(sys.modules, module, raising=False)
    return importlib.import_module(name)


@pytest.mark.parametrize(
    ("settings_module", "installed"),
    [
        ("portal.settings.dev", True),
        ("portal.settings.test", True),
        ("portal.settings.bench", True),
        ("portal.settings.production", False),
    ],
)
def test_devtools_installed_by_dev_test_and_bench_settings_only(
    settings_module, installed, monkeypatch
):
    assert ("devtools" in _settings(settings_module, monkeypatch).INSTALLED_APPS) is installed


def test_runtime_apps_never_import_devtools():
    assert {"portal", "creation", "funds", "reporting", "scoring", "dashboard"} <= set(RUNTIME_APPS)
    offenders = [
        str(path.relative_to(BASE_DIR))
        for app in RUNTIME_APPS
        for path in (BASE_DIR / app).rglob("*.py")
        if any(name.split(".")[0] == "devtools" for name in _imported_modules(path))
    ]
    assert offenders == []


def test_demo_contributors_import_only_the_shared_context():
    demo = BASE_DIR / "devtools" / "demo"
    contributors = [p for p in demo.glob("*.py") if p.name not in ("__init__.py", "context.py")]
    assert len(contributors) == 8
    for path in contributors:
        others = {
            name
            for name in _imported_modules(path)
            if name.startswith("devtools.demo.") and not name.startswith("devtools.demo.context")
        }
        assert others == set(), path.name


def test_demo_registry_runs_every_contributor_once_programmes_first():
    from devtools.demo import CONTRIBUTORS, programmes

    modules = [contribute.__module__ for contribute in CONTRIBUTORS]
    assert CONTRIBUTORS[0] is programmes.load
    assert sorted(modules) == sorted(
        f"devtools.demo.{p.stem}"
        for p in (BASE_DIR / "devtools" / "demo").glob("*.py")
        if p.stem not in ("__init__", "context")
    )
