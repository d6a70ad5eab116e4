"""Derived figures (the dashboards) are cached and dropped by any domain write (portal.cache); a
unit's status is read from its stored figures, refreshed when a write to the unit commits."""

import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creation.models import CreationUnit, Department, GroupMember, Liaison
from creation.tests.factories import LiaisonFactory
from portal.cache import GENERATION_KEY, _unit_of, stored_generation
from portal.models import Notification


def status_url(unit) -> str:
    return reverse("api:unit-status", kwargs={"pk": unit.pk})


@pytest.fixture
def office_client(api_client, world):
    api_client.force_authenticate(world.users["office"])
    return api_client


def test_the_status_is_read_from_the_stored_figures_until_a_write(
    office_client, world, django_capture_on_commit_callbacks
):
    unit = world.objects["units"]["own"]
    liaison = Liaison.objects.filter(unit=unit).first() or LiaisonFactory(unit=unit)
    liaison.name = "王联络"
    with django_capture_on_commit_callbacks(execute=True):
        liaison.save()
    first = office_client.get(status_url(unit)).json()
    assert first["liaison"]["name"] == "王联络"
    with CaptureQueriesContext(connection) as warm:
        assert office_client.get(status_url(unit)).json() == first
    # One statement: the stored answer, its rank among its peers and, read over the units in
    # the caller's scope, its moment of change.
    assert len(warm) == 1, [q["sql"] for q in warm.captured_queries]

    liaison.name = "李联络"
    with django_capture_on_commit_callbacks(execute=True):
        liaison.save()  # the unit's stored figures are refreshed when the write commits
    with CaptureQueriesContext(connection) as after_write:
        changed = office_client.get(status_url(unit)).json()
    assert changed["liaison"]["name"] == "李联络"
    assert len(after_write) == len(warm)


def generation() -> str:
    """The generation every write to a unit's rows changes."""
    return stored_generation(GENERATION_KEY)


def _touch_liaison(world) -> None:
    unit = world.objects["units"]["sibling"]
    liaison = Liaison.objects.filter(unit=unit).first() or LiaisonFactory(unit=unit)
    liaison.save()


def test_domain_writes_change_the_generation_and_other_writes_do_not(world):
    before = generation()
    Notification.objects.create(recipient=world.users["office"], title="t", key="k-1")
    assert generation() == before
    _touch_liaison(world)
    assert generation() != before


def test_the_generation_changes_again_when_the_write_commits(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _touch_liaison(world)
        at_save = generation()
    for callback in callbacks:
        callback()
    # A request that read the rows before the commit cached its figure under `at_save`.
    assert generation() != at_save


def test_status_is_per_language(office_client, world):
    unit = world.objects["units"]["own"]
    chinese = office_client.get(status_url(unit), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    english = office_client.get(status_url(unit), HTTP_ACCEPT_LANGUAGE="en").json()
    assert chinese["veto"]["items"][0]["label"] != english["veto"]["items"][0]["label"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_redis_cache_is_a_miss_not_an_error(office_client, world, settings):
    unit = world.objects["units"]["own"]
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert cache.get("anything", "default") == "default"
    cache.set("anything", 1)
    assert cache.get_many(["anything"]) == {}
    response = office_client.get(status_url(unit))
    assert response.status_code == 200
    assert response.json()["id"] == unit.pk


def test_the_redis_cache_makes_one_client_per_connection_pool_not_one_per_call():
    from portal.cache import ResilientRedisCache

    redis_cache = ResilientRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {})
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client  # one server: one pool


def _gauges_computed_for(world, monkeypatch) -> list[int]:
    from scoring import selectors

    computed: list[int] = []
    real = selectors._computed_gauges

    def spy(units, *, today):
        computed.extend(unit.pk for unit in units)
        return real(units, today=today)

    monkeypatch.setattr(selectors, "_computed_gauges", spy)
    units = CreationUnit.objects.with_related().filter(
        pk__in=[world.objects["units"][key].pk for key in ("own", "sibling")]
    )
    selectors.veto_gauges(units)
    return computed


def test_R6_6_a_write_to_one_unit_drops_only_that_units_gauge(world, monkeypatch):
    own, sibling = world.objects["units"]["own"], world.objects["units"]["sibling"]
    assert sorted(_gauges_computed_for(world, monkeypatch)) == sorted([own.pk, sibling.pk])
    assert _gauges_computed_for(world, monkeypatch) == []  # both cached
    _touch_liaison(world)  # the sibling's liaison
    assert _gauges_computed_for(world, monkeypatch) == [sibling.pk]


def test_R6_6_a_write_that_belongs_to_no_unit_drops_every_units_gauge(world, monkeypatch):
    _gauges_computed_for(world, monkeypatch)
    Department.objects.create(name="测试部门", sort_order=99)
    assert len(_gauges_computed_for(world, monkeypatch)) == 2


def test_a_nested_record_is_traced_to_its_unit(world):
    member = GroupMember.objects.filter(group__unit=world.objects["units"]["own"]).first()
    if member is None:
        pytest.skip("the world has no group member")
    assert _unit_of(member) == world.objects["units"]["own"].pk
