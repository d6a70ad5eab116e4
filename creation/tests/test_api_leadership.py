"""The REST API of R1/R2 records: everyone in scope reads; the unit's staff write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creation.models import GroupMember, LeadershipGroup, Liaison, LiaisonAttendance, Meeting
from creation.tests.factories import (
    GroupMemberFactory,
    LiaisonFactory,
    LiaisonMeetingFactory,
    MeetingFactory,
    OfficeStaffFactory,
    minutes_pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(world):
    return world.objects["units"]["own"]


@pytest.fixture
def staff_client(api_client, world):
    api_client.force_authenticate(world.users["unit_staff"])
    return api_client


def test_R1_1_unit_staff_record_their_group_through_the_api(staff_client, own):
    LeadershipGroup.objects.filter(unit=own).delete()
    response = staff_client.post(
        reverse("api:leadership-group-list"),
        {"unit": own.pk, "name": "开福区创建工作领导小组", "established_on": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert LeadershipGroup.objects.get(unit=own).name == "开福区创建工作领导小组"
    again = staff_client.post(
        reverse("api:leadership-group-list"),
        {"unit": own.pk, "name": "第二个", "established_on": "2026-01-05"},
        format="json",
    )
    assert again.status_code == 400
    assert "unit" in again.json()["fields"]


@pytest.mark.parametrize("role", ["province_culture", "office"])
def test_reviewers_read_but_cannot_write_unit_records(api_client, world, own, role):
    api_client.force_authenticate(world.users[role])
    group = world.objects["groups"]["own"]
    url = reverse("api:leadership-group-detail", kwargs={"pk": group.pk})
    assert api_client.get(url).status_code == 200
    response = api_client.patch(url, {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert LeadershipGroup.objects.get(pk=group.pk).name == group.name


def test_api_client_token_is_read_only(api_client, world):
    api_client.force_authenticate(world.users["api_client"])
    group = world.objects["groups"]["own"]
    response = api_client.patch(
        reverse("api:leadership-group-detail", kwargs={"pk": group.pk}),
        {"name": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_unit_outside_scope_is_an_unknown_unit(staff_client, world):
    other = world.objects["units"]["other"]
    response = staff_client.post(
        reverse("api:meeting-list"),
        {"unit": other.pk, "held_on": "2026-02-01", "title": "t", "attendees": "a", "agenda": "b"},
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()["fields"]
    assert not Meeting.objects.filter(unit=other, title="t").exists()


def test_record_cannot_move_to_another_unit(staff_client, world):
    meeting = world.objects["meetings"]["own"]
    response = staff_client.patch(
        reverse("api:meeting-detail", kwargs={"pk": meeting.pk}),
        {"unit": world.objects["units"]["sibling"].pk},
        format="json",
    )
    assert response.status_code == 400


def test_R1_1_member_create_update_delete(staff_client, world):
    group = world.objects["groups"]["own"]
    url = reverse("api:group-member-list")
    created = staff_client.post(
        url,
        {
            "group": group.pk,
            "name": "李局长",
            "position": "财政局局长",
            "role": "member",
            "duty": "保障资金",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    detail = reverse("api:group-member-detail", kwargs={"pk": created.json()["id"]})
    assert staff_client.patch(detail, {"duty": ""}, format="json").status_code == 200
    assert GroupMember.objects.get(pk=created.json()["id"]).duty == ""
    assert staff_client.delete(detail).status_code == 204
    assert not GroupMember.objects.filter(pk=created.json()["id"]).exists()


def test_R1_3_meeting_with_minutes_upload_and_download(staff_client, own):
    response = staff_client.post(
        reverse("api:meeting-list"),
        {
            "unit": own.pk,
            "kind": "regular",
            "held_on": "2026-04-10",
            "title": "二季度例会",
            "attendees": "全体成员",
            "agenda": "部署",
            "minutes": minutes_pdf("二季度纪要.pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["minutes_name"] == "二季度纪要.pdf"
    download = staff_client.get(reverse("api:meeting-minutes", kwargs={"pk": body["id"]}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_R1_3_minutes_of_the_wrong_type_are_refused_with_a_message(staff_client, own):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff_client.post(
        reverse("api:meeting-list"),
        {
            "unit": own.pk,
            "held_on": "2026-04-10",
            "title": "例会",
            "attendees": "成员",
            "agenda": "议程",
            "minutes": SimpleUploadedFile("纪要.pdf", b"plain text, not a PDF"),
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Upload a file of one of these types" in response.json()["fields"]["minutes"][0]
    assert not Meeting.objects.filter(unit=own, title="例会").exists()


def test_R2_1_appointing_through_the_api_ends_the_previous_term(staff_client, world, own):
    previous = world.objects["liaisons"]["own"]
    response = staff_client.post(
        reverse("api:liaison-list"),
        {
            "unit": own.pk,
            "name": "周科长",
            "organisation": "区文旅局",
            "position": "办公室主任",
            "position_kind": "other",
            "mobile": "13600000000",
            "started_on": "2026-07-01",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == [
        "R2.1: the liaison is, as a rule, the deputy head of the culture bureau in charge."
    ]
    previous.refresh_from_db()
    assert str(previous.ended_on) == "2026-06-30"
    assert Liaison.objects.filter(unit=own, ended_on__isnull=True).get().name == "周科长"


def test_R2_1_a_liaison_mobile_in_the_wrong_format_is_refused_by_the_api(staff_client, world, own):
    response = staff_client.post(
        reverse("api:liaison-list"),
        {
            "unit": own.pk,
            "name": "周科长",
            "organisation": "区文旅局",
            "position": "分管副局长",
            "position_kind": "deputy_head_culture",
            "mobile": "abc",
            "started_on": "2026-07-01",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "11位手机号码" in response.json()["fields"]["mobile"][0]
    assert not Liaison.objects.filter(unit=own, name="周科长").exists()


def test_R2_1_liaison_term_cannot_be_edited_through_the_api(staff_client, world):
    liaison = world.objects["liaisons"]["own"]
    response = staff_client.patch(
        reverse("api:liaison-detail", kwargs={"pk": liaison.pk}),
        {"started_on": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert (
        staff_client.delete(reverse("api:liaison-detail", kwargs={"pk": liaison.pk})).status_code
        == 405
    )


def test_unit_compliance_lists_items_with_rule_ids(staff_client, own):
    response = staff_client.get(reverse("api:unit-compliance", kwargs={"pk": own.pk}))
    assert response.status_code == 200
    rules = {item["rule"] for item in response.json()}
    assert {"R1.1", "R1.2", "R1.3", "R2.1"} <= rules
    assert {item["status"] for item in response.json()} <= {"ok", "warning", "failed"}


def _grow(world):
    """Add ten more rows (with their related rows) visible to the office."""
    units = [world.objects["units"][key] for key in ("own", "sibling", "other")]
    for unit in units:
        for _ in range(3):
            MeetingFactory(unit=unit, minutes=minutes_pdf())
            LiaisonFactory(unit=unit, ended_on="2025-12-31", started_on="2025-01-01")
            GroupMemberFactory(group=world.objects["groups"][_key(world, unit)])
            OfficeStaffFactory(office=world.objects["offices"][_key(world, unit)])
    for _ in range(3):
        meeting = LiaisonMeetingFactory(host=units[0])
        for unit in units:
            LiaisonAttendance.objects.create(
                meeting=meeting, unit=unit, liaison=unit.liaisons.first()
            )


def _key(world, unit):
    return next(k for k, u in world.objects["units"].items() if u.pk == unit.pk)


@pytest.mark.parametrize(
    "route",
    [
        "api:leadership-group-list",
        "api:group-member-list",
        "api:group-office-list",
        "api:office-staff-list",
        "api:meeting-list",
        "api:liaison-list",
        "api:liaison-meeting-list",
        "api:department-list",
    ],
)
def test_list_endpoint_queries_constant(api_client, world, route):
    api_client.force_login(world.users["office"])
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(reverse(route)).status_code == 200
    _grow(world)
    with CaptureQueriesContext(connection) as many:
        assert api_client.get(reverse(route)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
