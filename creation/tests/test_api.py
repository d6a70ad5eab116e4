import pytest
from django.urls import reverse

from creation.models import CreationUnit, RoleAssignment
from creation.tests.factories import (
    BatchFactory,
    CityFactory,
    CreationUnitFactory,
    ProvinceFactory,
    RoleAssignmentFactory,
)

pytestmark = pytest.mark.django_db
UNITS_URL = reverse("api:unit-list")


@pytest.fixture
def office(db):
    return RoleAssignmentFactory(
        role=RoleAssignment.Role.OFFICE_REVIEWER, programme=BatchFactory().programme
    ).user


# user, the user's roles, the page count, the page of units (the session is read from the cache)
UNIT_LIST_QUERIES = 4


def test_unit_list_queries_constant(api_client, office, django_assert_num_queries):
    batch = BatchFactory(programme=office.role_assignments.get().programme)
    api_client.force_login(office)
    CreationUnitFactory(batch=batch)
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        assert len(api_client.get(UNITS_URL).json()["results"]) == 1
    province = ProvinceFactory()
    CreationUnitFactory.create_batch(49, batch=batch, region=CityFactory(parent=province))
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        assert len(api_client.get(UNITS_URL).json()["results"]) == 50


def test_unit_list_filters_by_batch_province_kind_and_status(api_client, office):
    programme = office.role_assignments.get().programme
    batch_a, batch_b = programme.batches.get(), BatchFactory(programme=programme)
    province_a, province_b = ProvinceFactory(), ProvinceFactory()
    zone = CreationUnitFactory(batch=batch_a, region=CityFactory(parent=province_a))
    project = CreationUnitFactory(
        batch=batch_b,
        region=CityFactory(parent=province_b),
        kind=CreationUnit.Kind.PROJECT,
        host_organisation="文化馆",
    )
    vetoed = CreationUnitFactory(
        batch=batch_b, region=CityFactory(parent=province_a), status=CreationUnit.Status.VETOED
    )
    api_client.force_login(office)

    def ids(**params):
        response = api_client.get(UNITS_URL, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(batch=batch_a.pk) == {zone.pk}
    assert ids(province=province_a.pk) == {zone.pk, vetoed.pk}
    assert ids(kind="project") == {project.pk}
    assert ids(status="vetoed") == {vetoed.pk}
    assert ids(province=province_a.pk, batch=batch_b.pk) == {vetoed.pk}


def test_unit_list_rejects_unknown_filter_values_with_400(api_client, office):
    api_client.force_login(office)
    response = api_client.get(UNITS_URL, {"kind": "castle"})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_unit_list_cannot_filter_by_a_batch_outside_the_scope(api_client, office):
    api_client.force_login(office)
    foreign_batch = BatchFactory()
    response = api_client.get(UNITS_URL, {"batch": foreign_batch.pk})
    assert response.status_code == 400


def test_unit_list_is_paginated(api_client, office):
    batch = office.role_assignments.get().programme.batches.get()
    CreationUnitFactory.create_batch(3, batch=batch)
    api_client.force_login(office)
    body = api_client.get(UNITS_URL, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None


def test_unit_detail_shows_region_province_and_programme(api_client, office):
    batch = office.role_assignments.get().programme.batches.get()
    unit = CreationUnitFactory(batch=batch)
    api_client.force_login(office)
    body = api_client.get(reverse("api:unit-detail", kwargs={"pk": unit.pk})).json()
    assert body["region"]["name"] == unit.region.name
    assert body["province"]["id"] == unit.region.province_id
    assert body["programme"] == batch.programme_id
    assert body["batch_number"] == batch.number
