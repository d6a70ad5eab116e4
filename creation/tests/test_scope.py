"""The one lookup of a creation unit for pages and API filters (creation.scope)."""

from types import SimpleNamespace

import pytest
from django.http import Http404

from creation.models import CreationUnit, RoleAssignment
from creation.scope import visible_unit_or_404, visible_units
from creation.selectors import provincial_desks
from creation.tests.factories import ProvinceFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_visible_unit_or_404_gives_the_users_unit_with_its_batch_and_region(
    world, django_assert_num_queries
):
    own = world.objects["units"]["own"]
    staff = world.users["unit_staff"]
    unit = visible_unit_or_404(staff, own.pk)
    with django_assert_num_queries(0):  # batch, programme and region came with the unit
        assert (unit.pk, unit.batch.programme_id, unit.region_id) == (
            own.pk,
            own.batch.programme_id,
            own.region_id,
        )


def test_visible_unit_or_404_outside_the_users_scope_is_404(world):
    with pytest.raises(Http404):
        visible_unit_or_404(world.users["unit_staff"], world.objects["units"]["other"].pk)


def test_visible_units_are_the_request_users_units_and_none_without_a_user(world):
    staff = world.users["unit_staff"]
    assert list(visible_units(SimpleNamespace(user=staff))) == list(
        CreationUnit.objects.visible_to(staff)
    )
    assert world.objects["units"]["own"] in visible_units(SimpleNamespace(user=staff))
    assert list(visible_units(None)) == []


def test_R3_2_provincial_desks_come_with_the_scope_without_a_query_of_their_own(
    django_assert_num_queries,
):

    user = UserFactory()
    one, two = ProvinceFactory(), ProvinceFactory()
    Role, Department = RoleAssignment.Role, RoleAssignment.Department
    RoleAssignmentFactory(
        user=user, role=Role.PROVINCIAL_REVIEWER, province=one, department=Department.CULTURE
    )
    RoleAssignmentFactory(
        user=user, role=Role.PROVINCIAL_REVIEWER, province=two, department=Department.FINANCE
    )
    with django_assert_num_queries(1):  # the scope's one query of the user's roles
        desks = provincial_desks(user=user)
        assert provincial_desks(user=user) == desks
    assert desks == {(one.pk, Department.CULTURE), (two.pk, Department.FINANCE)}
