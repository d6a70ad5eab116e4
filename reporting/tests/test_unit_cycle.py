"""C2, C3: a unit's reporting calendar follows its own creation cycle and exists from the moment
the unit is saved, whichever way it was saved."""

from datetime import date

import pytest
from django.urls import reverse

from creation import services as creation_services
from creation.models import CreationUnit
from creation.tests.factories import BatchFactory, CityFactory, UserFactory
from reporting.models import Obligation
from reporting.services import obligations_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch():
    # the batch runs 2025-01-01..2026-12-31; its dates are only the default start of its units
    return BatchFactory(cycle_start=date(2025, 1, 1), cycle_end=date(2026, 12, 31))


def _zone(batch, *, start_date=None, name="长沙市天心区"):
    return creation_services.unit_ensure(
        batch=batch, name=name, kind="zone", region=CityFactory(), start_date=start_date
    )


def test_C2_R5_zone_starting_mid_batch_reports_until_its_own_cycle_ends(batch):
    zone = _zone(batch, start_date=date(2025, 7, 1))
    obligations_sync(unit=zone)  # as the daily task would (idempotent)

    updates = Obligation.objects.filter(unit=zone, type="work_update").order_by("period_start")
    assert updates.first().period_label == "2025-07"
    assert updates.last().period_label == "2027-06"
    assert updates.count() == 24
    # R5.2 zone schedule over two years: 24 updates, 8 in-depth reports, 4 + 4 half-yearly
    assert Obligation.objects.filter(unit=zone).count() == 40
    assert (zone.cycle_start, zone.cycle_end) == (date(2025, 7, 1), date(2027, 6, 30))


def test_C2_unit_start_defaults_to_the_batch_start(batch):
    zone = _zone(batch)

    assert zone.start_date == date(2025, 1, 1)
    assert zone.cycle_end == date(2026, 12, 31)


def test_C3_R6_6_unit_created_by_service_has_its_calendar_at_once(batch):
    zone = _zone(batch, start_date=date(2025, 7, 1))

    # no periodic task has run: the service gave the unit its calendar in its own transaction
    assert Obligation.objects.filter(unit=zone).count() == 40


def test_C3_R6_6_unit_whose_start_changes_by_service_follows_at_once(batch):
    zone = _zone(batch, start_date=date(2025, 7, 1))

    zone = _zone(batch, start_date=date(2026, 1, 1))

    labels = Obligation.objects.filter(unit=zone, type="work_update").values_list(
        "period_label", flat=True
    )
    assert min(labels) == "2026-01"
    assert max(labels) == "2027-12"


def test_C3_R6_6_unit_saved_in_admin_has_its_calendar(client, batch):
    region = CityFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:creation_creationunit_add"),
        {
            "name": "长沙市天心区",
            "kind": "zone",
            "region": region.pk,
            "batch": batch.pk,
            "level": "city",
            "status": "creating",
            "start_date": "2025-07-01",
            "host_organisation": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    unit = CreationUnit.objects.get(name="长沙市天心区")
    labels = Obligation.objects.filter(unit=unit, type="work_update").values_list(
        "period_label", flat=True
    )
    assert (min(labels), max(labels), len(labels)) == ("2025-07", "2027-06", 24)
