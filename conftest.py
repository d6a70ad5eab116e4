"""Fixtures shared by every test: a broker, and a small world of two provinces, two programmes and
four units with one user per role, whose expected visibility is written out by hand.

The world is built once and kept inside a transaction that stays open while consecutive tests
use it; each test runs in a savepoint within it that is rolled back (the pattern of Django's
setUpTestData). A test that does not use the world, or that needs committed rows (a live server,
a worker process), first rolls the world back, so it sees the database as the migrations left it.
"""

from __future__ import annotations

import copy
import importlib
import io
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from creation.models import Department, Programme, Region, RoleAssignment
from creation.tests.factories import (
    BatchFactory,
    CityFactory,
    CreationUnitFactory,
    GroupMemberFactory,
    GroupOfficeFactory,
    LeadershipGroupFactory,
    LiaisonFactory,
    LiaisonMeetingFactory,
    MeetingFactory,
    OfficeStaffFactory,
    ProgrammeFactory,
    ProvinceFactory,
    RoleAssignmentFactory,
    UserFactory,
    minutes_pdf,
)
from portal.models import Notification
from reporting.tests.factories import (
    ObligationFactory,
    SubmissionAttachmentFactory,
    SubmissionFactory,
)
from tests.browser import browser  # noqa: F401 - the browser tests' fixture

Role = RoleAssignment.Role
UNIT_RECORD_MODELS = (
    "groups",
    "members",
    "offices",
    "staff",
    "meetings",
    "liaisons",
    "obligations",
    "submissions",
    "attachments",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _worker_database(url: str) -> str:
    """Each parallel test process (pytest-xdist's gw0, gw1, …) its own Redis database number, so
    that the workers and queues of two processes never meet on a shared server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    return urlunsplit(urlsplit(url)._replace(path=f"/{int(worker[2:]) % 15 + 1}"))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL when set (CI's Debian redis-server); otherwise an embedded redis-server."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        yield _worker_database(configured)
        return
    from portal import embedded_redis

    port = _free_port()
    process = embedded_redis.start(port=port, directory=Path(tmp_path_factory.mktemp("redis")))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class World:
    province_own: Region
    province_other: Region
    national: Programme
    provincial: Programme
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    # role name -> model name -> the object keys that role must see
    expected: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    # role name -> model name -> the object keys that role may change
    editable: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    # roles whose accounts only read: every write answers 403
    read_only_roles: frozenset[str] = frozenset({"api_client"})

    def visible(self, role: str, model: str) -> set[Any]:
        return {self.objects[model][key].pk for key in self.expected[role][model]}

    def can_edit(self, role: str, model: str, key: str) -> bool:
        return key in self.editable.get(role, {}).get(model, set())


def build_world() -> World:
    province_own = ProvinceFactory(code="430000", name="湖南省", economic_belt="central")
    province_other = ProvinceFactory(code="510000", name="四川省", economic_belt="west")
    city_own = CityFactory(parent=province_own, name="长沙市")
    city_own_2 = CityFactory(parent=province_own, name="株洲市")
    city_other = CityFactory(parent=province_other, name="成都市")
    national = ProgrammeFactory(name="国家示范区创建")
    provincial = ProgrammeFactory(
        name="四川省示范区创建", kind=Programme.Kind.PROVINCIAL, province=province_other
    )
    batch_1 = BatchFactory(programme=national, number=1)
    batch_2 = BatchFactory(programme=national, number=2)
    batch_provincial = BatchFactory(programme=provincial, number=1)
    units = {
        "own": CreationUnitFactory(name="长沙市", region=city_own, batch=batch_1),
        "sibling": CreationUnitFactory(name="株洲市", region=city_own_2, batch=batch_1),
        "other": CreationUnitFactory(name="成都市", region=city_other, batch=batch_2),
        "provincial": CreationUnitFactory(
            name="成都市（省级）", region=city_other, batch=batch_provincial
        ),
    }
    users = {
        "unit_staff": RoleAssignmentFactory(
            user__username="staff", role=Role.UNIT_STAFF, unit=units["own"]
        ).user,
        "province_culture": RoleAssignmentFactory(
            user__username="culture",
            role=Role.PROVINCIAL_REVIEWER,
            province=province_own,
            department="culture",
        ).user,
        "office": RoleAssignmentFactory(
            user__username="office", role=Role.OFFICE_REVIEWER, programme=national
        ).user,
        "api_client": RoleAssignmentFactory(
            user__username="client", role=Role.API_CLIENT, province=province_own
        ).user,
        "outsider": UserFactory(username="outsider"),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    all_regions = {"p_own", "p_other", "c_own", "c_own_2", "c_other"}
    own_province = {"units": {"own", "sibling"}, "batches": {"b1"}, "programmes": {"national"}}
    expected_scopes = {
        "unit_staff": {"units": {"own"}, "batches": {"b1"}, "programmes": {"national"}},
        "province_culture": own_province,
        "api_client": own_province,
        "office": {
            "units": {"own", "sibling", "other"},
            "batches": {"b1", "b2"},
            "programmes": {"national"},
        },
        "outsider": {"units": set(), "batches": set(), "programmes": set()},
        "superuser": {
            "units": set(units),
            "batches": {"b1", "b2", "bp"},
            "programmes": {"national", "provincial"},
        },
    }
    for scope in expected_scopes.values():
        scope["regions"] = all_regions

    # R1/R2 records of every unit, keyed like the units: visible exactly when the unit is.
    records: dict[str, dict[str, Any]] = {m: {} for m in UNIT_RECORD_MODELS}
    for key, unit in units.items():
        group = LeadershipGroupFactory(unit=unit)
        office = GroupOfficeFactory(unit=unit)
        records["groups"][key] = group
        records["members"][key] = GroupMemberFactory(group=group)
        records["offices"][key] = office
        records["staff"][key] = OfficeStaffFactory(office=office)
        records["meetings"][key] = MeetingFactory(unit=unit, minutes=minutes_pdf())
        records["liaisons"][key] = LiaisonFactory(unit=unit)
        # reporting: one submitted work update with an attachment
        obligation = ObligationFactory(unit=unit)
        submitted_at = obligation.due_at - timedelta(days=1)
        submission = SubmissionFactory(
            obligation=obligation,
            status="submitted",
            first_submitted_at=submitted_at,
            submitted_at=submitted_at,
            is_late=False,
        )
        records["obligations"][key] = obligation
        records["submissions"][key] = submission
        records["attachments"][key] = SubmissionAttachmentFactory(submission=submission)
    liaison_meetings = {
        key: LiaisonMeetingFactory(
            host=units[host],
            year=2026,
            period=1,
            scheduled_on=date(2026, 3, 20),
            minutes=minutes_pdf(),
        )
        for key, host in (("national", "own"), ("provincial", "provincial"))
    }
    # Notifications are personal: each role's user sees exactly its own.
    notifications = {
        role: Notification.objects.create(recipient=user, title=role, key=f"world-{role}")
        for role, user in users.items()
    }
    programme_keys = {role: scope["programmes"] for role, scope in expected_scopes.items()}
    departments = {d.name: d for d in Department.objects.all()}
    for role, scope in expected_scopes.items():
        scope["departments"] = set(departments)
        for model in UNIT_RECORD_MODELS:
            scope[model] = set(scope["units"])
        scope["liaison_meetings"] = set(programme_keys[role])
    for role, scope in expected_scopes.items():
        # a copy per role: some roles share one scope dict, but each sees only its own messages
        expected_scopes[role] = {**scope, "notifications": {role}}
    editable = {
        "unit_staff": {model: {"own"} for model in ("units", *UNIT_RECORD_MODELS)},
        "office": {"liaison_meetings": {"national"}, "reviews": {"own", "sibling", "other"}},
        "superuser": {
            **{model: set(units) for model in ("units", *UNIT_RECORD_MODELS)},
            "liaison_meetings": {"national", "provincial"},
            "reviews": set(units),
        },
    }
    built = World(
        province_own=province_own,
        province_other=province_other,
        national=national,
        provincial=provincial,
        objects={
            "units": units,
            "batches": {"b1": batch_1, "b2": batch_2, "bp": batch_provincial},
            "programmes": {"national": national, "provincial": provincial},
            "regions": {
                "p_own": province_own,
                "p_other": province_other,
                "c_own": city_own,
                "c_own_2": city_own_2,
                "c_other": city_other,
            },
            **records,
            "liaison_meetings": liaison_meetings,
            "notifications": notifications,
            "departments": departments,
        },
        users=users,
        expected=expected_scopes,
        editable=editable,
    )
    # Each area adds its own records in tests/world_<area>.py (a function `extend(world)`),
    # so that no two areas edit this fixture.
    for path in sorted((Path(__file__).parent / "tests").glob("world_*.py")):
        importlib.import_module(f"tests.{path.stem}").extend(built)
    return built


def _commits_rows(node: pytest.Item, fixturenames: Any) -> bool:
    """Whether pytest-django runs this test as a TransactionTestCase (the same reading as its
    own `_django_db_helper` and its test order)."""
    marker = node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(fixturenames)
    )


def _needs_committed_rows(request: pytest.FixtureRequest) -> bool:
    return _commits_rows(request.node, request.fixturenames)


def build_demo() -> None:
    """The demo data of `make run` (seed_demo), for tests that read a whole programme."""
    call_command("seed_demo", stdout=io.StringIO())


# The data sets tests share, by the fixture that asks for one.
DATASETS: dict[str, Callable[[], Any]] = {"world": build_world, "demo_data": build_demo}


class SharedData:
    """One data set at a time, built at most once while consecutive tests use it, inside a
    transaction that is rolled back as soon as a test needs the database without it."""

    def __init__(self, blocker, media_root: Path) -> None:
        self.blocker = blocker
        self.media_root = media_root
        self.name: str | None = None
        self.built: Any = None
        self._atomic: Any = None

    def open(self, name: str) -> Any:
        if self.name != name:
            self.close()
            with self.blocker.unblock():
                self._atomic = transaction.atomic()
                self._atomic.__enter__()
                self.name = name
                try:
                    with override_settings(MEDIA_ROOT=self.media_root):
                        self.built = DATASETS[name]()
                except BaseException:
                    self.close()
                    raise
        return self.built

    def close(self) -> None:
        if self._atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._atomic = None
        self.name = None
        self.built = None
        shutil.rmtree(self.media_root, ignore_errors=True)

    def copy_media(self, media_root: Path) -> None:
        if self.media_root.exists():
            shutil.copytree(self.media_root, media_root, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def _shared_data(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SharedData]:
    shared = SharedData(django_db_blocker, tmp_path_factory.mktemp("shared") / "media")
    yield shared
    shared.close()


@pytest.fixture
def _shared_transaction(request: pytest.FixtureRequest, _shared_data: SharedData) -> None:
    """Opens the shared data's transaction before the test's own (for a test of a data set) or
    rolls it back (for any other test of the database)."""
    wanted = [name for name in DATASETS if name in request.fixturenames]
    if len(wanted) == 1 and not _needs_committed_rows(request):
        _shared_data.open(wanted[0])
    else:
        _shared_data.close()


@pytest.fixture
def _django_db_helper(_shared_transaction, _django_db_helper):
    # pytest-django's own fixture, which starts every database test; ours runs first.
    return _django_db_helper


@pytest.fixture
def world(request: pytest.FixtureRequest, db, _shared_data: SharedData, settings) -> World:
    if _needs_committed_rows(request) or "demo_data" in request.fixturenames:
        # rows a live server or a worker process can read: built for this test, then flushed
        return build_world()
    shared = _shared_data.open("world")
    _shared_data.copy_media(settings.MEDIA_ROOT)
    # a copy per test, as Django's TestCase gives of setUpTestData: a test may change its objects
    return copy.deepcopy(shared)


@pytest.fixture
def demo_data(request: pytest.FixtureRequest, db, _shared_data: SharedData, settings) -> None:
    """The database as `make run` seeds it."""
    if _needs_committed_rows(request) or "world" in request.fixturenames:
        build_demo()
        return
    _shared_data.open("demo_data")
    _shared_data.copy_media(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files of a test go to its own folder, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # Each test starts in the portal's default language (Chinese), whatever language a request of
    # an earlier test in this process left active: no test depends on the order tests run in.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached figures must not outlive the rows of the test that computed them.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def _dataset(item: pytest.Item) -> str:
    names = getattr(item, "fixturenames", ())
    return next((name for name in DATASETS if name in names), "")


def _django_order(item: pytest.Item) -> int:
    """pytest-django's order (Django's): tests in a rolled-back transaction first, then those
    that commit (their flush empties the tables, data migrations' rows included), then the rest."""
    names = getattr(item, "fixturenames", ())
    if _commits_rows(item, names):
        return 1
    return 0 if item.get_closest_marker("django_db") or "db" in names else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The tests of one shared data set run next to each other, whatever their module, so that
    # each worker builds it about once rather than once per change of data set. The sort is
    # stable and keeps pytest-django's order (which ran before this hook) first.
    modules: dict[str, int] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], len(modules))
    datasets = {name: index for index, name in enumerate(DATASETS)}
    items.sort(
        key=lambda item: (
            _django_order(item),
            datasets.get(_dataset(item), len(datasets)),
            modules[item.nodeid.split("::")[0]],
        )
    )
    # Tests that start servers of their own (Celery workers and beat, redis-server, PostgreSQL,
    # a live server for Chromium) run one after another on one xdist worker (`--dist loadgroup`):
    # each picks free ports and waits on real processes, which two at once on two cores would
    # only slow down and make harder to read when one fails.
    for item in items:
        if (
            item.get_closest_marker("worker")
            or item.get_closest_marker("browser")
            or "live_server" in getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.xdist_group("servers"))
