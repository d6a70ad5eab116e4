"""Fixtures shared by every test: a broker, and a small world of two provinces, two programmes and
four units with one user per role, whose expected visibility is written out by hand."""

from __future__ import annotations

import importlib
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL when set (CI's Debian redis-server); otherwise an embedded redis-server."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        yield configured
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


@pytest.fixture
def world(db) -> World:
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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files of a test go to its own folder, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached figures must not outlive the rows of the test that computed them.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
