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


def test_unit_added_in_the_admin_gets_its_reporting_calendar(client, world, office):
    from creation.models import CreationUnit
    from reporting.models import Obligation

    client.force_login(office)
    response = client.post(
        reverse("admin:creation_creationunit_add"),
        {
            "name": "长沙市天心区",
            "kind": "zone",
            "region": world.objects["regions"]["c_own"].pk,
            "batch": world.objects["batches"]["b1"].pk,
            "level": "city",
            "status": "creating",
            "start_date": "2026-01-01",
            "host_organisation": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = CreationUnit.objects.get(name="长沙市天心区")
    assert Obligation.objects.filter(unit=unit).count() == 40


def test_changed_reporting_settings_resync_the_programme(
    client, world, office, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("portal.tasks.enqueue", lambda task, *args: queued.extend(args))
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reporting_reportingsettings_add"),
            {
                "programme": world.national.pk,
                "monthly_due_day": 8,
                "periodic_due_day": 10,
                "half_year_due_day": 15,
                "reminder_days_before": "[7, 1]",
                "reminder_first_day_after": 1,
                "reminder_repeat_days": 7,
                "escalate_after_days": 7,
                "reminder_stop_after_days": 90,
            },
        )
    assert response.status_code == 302
    assert queued == [world.national.pk]
