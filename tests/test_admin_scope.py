"""The Django admin is open to office reviewers and scoped like every other page."""

import pytest
from django.urls import reverse

from creation import services
from creation.models import RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(world):
    # role_assign is what gives office reviewers staff status and the admin permissions
    user = world.users["office"]
    services.role_assign(
        user=user, role=RoleAssignment.Role.OFFICE_REVIEWER, programme=world.national
    )
    return user


def test_office_reviewer_admin_lists_only_the_programme_units(client, world, office):
    client.force_login(office)
    page = client.get(reverse("admin:creation_creationunit_changelist")).content.decode()
    for key in ("own", "sibling", "other"):
        assert world.objects["units"][key].name in page
    assert world.objects["units"]["provincial"].name not in page


def test_office_reviewer_cannot_open_another_programme_unit_in_the_admin(client, world, office):
    client.force_login(office)
    foreign = world.objects["units"]["provincial"]
    response = client.get(reverse("admin:creation_creationunit_change", args=[foreign.pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    own = world.objects["units"]["own"]
    assert (
        client.get(reverse("admin:creation_creationunit_change", args=[own.pk])).status_code == 200
    )


def test_office_reviewer_batch_choices_are_scoped(client, world, office):
    client.force_login(office)
    page = client.get(reverse("admin:creation_creationunit_add")).content.decode()
    assert f'value="{world.objects["batches"]["b2"].pk}"' in page
    assert f'value="{world.objects["batches"]["bp"].pk}"' not in page


def test_office_reviewer_cannot_manage_roles(client, office):
    client.force_login(office)
    assert client.get(reverse("admin:creation_roleassignment_changelist")).status_code == 403


@pytest.mark.parametrize("role", ["unit_staff", "province_culture", "api_client"])
def test_other_roles_have_no_admin(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_office_reviewer_sees_only_the_programme_meetings_in_the_admin(client, world, office):
    client.force_login(office)
    response = client.get(reverse("admin:creation_meeting_changelist"))
    assert response.status_code == 200
    shown = {meeting.pk for meeting in response.context["cl"].result_list}
    expected = {world.objects["meetings"][key].pk for key in ("own", "sibling", "other")}
    assert shown == expected


def test_office_reviewer_cannot_change_unit_records_in_the_admin(client, world, office):
    client.force_login(office)
    meeting = world.objects["meetings"]["own"]
    url = reverse("admin:creation_meeting_change", args=[meeting.pk])
    assert client.get(url).status_code == 200  # view permission: a read-only page
    response = client.post(url, {"title": "改过的标题"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title != "改过的标题"
