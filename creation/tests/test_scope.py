"""The one lookup of a creation unit for pages and API filters (creation.scope)."""

from types import SimpleNamespace

import pytest
from django.http import Http404

from creation.models import CreationUnit, Programme, RoleAssignment
from creation.scope import user_scope, visible_unit_or_404, visible_units
from creation.selectors import provincial_desks
from creation.tests.factories import ProvinceFactory, RoleAssignmentFactory, UserFactory
from funds.models import FundPlanVersion
from reporting.models import Obligation, Submission

pytestmark = pytest.mark.django_db

# Models whose rows a provincial reviewer lists by province, each with its path to the unit.
FOLLOWED_MODELS = {
    CreationUnit: "",
    Obligation: "unit__",
    Submission: "obligation__unit__",
    FundPlanVersion: "plan__unit__",
}


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


@pytest.mark.parametrize(
    "role", ["province_culture", "api_client", "unit_staff", "office", "outsider", "superuser"]
)
def test_rows_in_followed_provinces_are_the_visible_rows_of_those_provinces(world, role):
    """`in_followed_provinces` tests the provinces alone: it lists what `visible_to` narrowed to
    the followed provinces lists, for every kind of account."""
    user = world.users[role]
    provinces = user_scope(user).provinces_units_q
    for model, path in FOLLOWED_MODELS.items():
        followed = set(model.objects.in_followed_provinces(user).values_list("pk", flat=True))
        visible = model.objects.visible_to(user).filter(provinces(path))
        assert followed == set(visible.values_list("pk", flat=True)), model.__name__


def test_a_provincial_reviewer_follows_the_units_of_their_province_only(world):
    units = world.objects["units"]
    followed = CreationUnit.objects.in_followed_provinces(world.users["province_culture"])
    assert set(followed) == {units["own"], units["sibling"]}
    assert set(CreationUnit.objects.in_followed_provinces(world.users["superuser"])) == set(
        units.values()
    )
    assert not CreationUnit.objects.in_followed_provinces(world.users["office"]).exists()
    # The provinces' regions are read once, not once for the scope and again for the provinces
    # (PostgreSQL planned the two tests longer than it ran the queries).
    assert str(followed.query).count('FROM "creation_region"') == 1


def test_rows_that_belong_to_no_unit_cannot_be_listed_by_province(world):
    with pytest.raises(NotImplementedError):
        Programme.objects.in_followed_provinces(world.users["province_culture"])
