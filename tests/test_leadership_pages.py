"""Browser pages of the R1 leadership and R2 liaison records: forms write through the services,
uploads are checked by content, and list pages run a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import constants as message_levels
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from creation import services
from creation.models import (
    CreationUnit,
    Department,
    GroupMember,
    GroupOffice,
    LeadershipGroup,
    Liaison,
    LiaisonAttendance,
    LiaisonMeeting,
    Meeting,
    OfficeStaff,
    RoleAssignment,
)
from creation.rules import LeadershipFacts, MeetingFact, Status, leadership_compliance
from creation.tests.factories import (
    PDF_BYTES,
    BatchFactory,
    CreationUnitFactory,
    GroupMemberFactory,
    LiaisonFactory,
    LiaisonMeetingFactory,
    MeetingFactory,
    OfficeStaffFactory,
    RoleAssignmentFactory,
    minutes_pdf,
)
from creation.views.leadership import meeting_quarters
from portal.models import Notification
from scoring.rules import GaugeStatus
from scoring.selectors import veto_gauge

pytestmark = pytest.mark.django_db


def url(name, pk=None):
    return reverse(f"creation:{name}", kwargs={"pk": pk} if pk is not None else None)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def staff_client(english, world):
    english.force_login(world.users["unit_staff"])
    return english


@pytest.fixture
def office_client(english, world):
    english.force_login(world.users["office"])
    return english


@pytest.fixture
def fresh_unit(db):
    """A zone with nothing recorded, and its own staff account."""
    unit = CreationUnitFactory(name="雨花区")
    user = RoleAssignmentFactory(
        user__username="fresh", role=RoleAssignment.Role.UNIT_STAFF, unit=unit
    ).user
    return unit, user


def _messages(response):
    return [(m.level, str(m)) for m in response.context["messages"]]


MEETING_FORM = {
    "kind": Meeting.Kind.REGULAR,
    "held_on": "2026-04-10",
    "title": "第二季度例会",
    "attendees": "组长及成员",
    "agenda": "部署第二季度工作",
    "decisions": "按期推进",
}


# --- The unit's R1/R2 page ----------------------------------------------------------------------


def test_leadership_page_shows_compliance_records_and_edit_buttons_for_staff(staff_client, world):
    unit = world.objects["units"]["own"]
    member = world.objects["members"]["own"]
    page = staff_client.get(url("unit-leadership", unit.pk)).content.decode()
    for rule in ("R1.1", "R1.2", "R1.3", "R2.1"):
        assert f'data-rule="{rule}"' in page
    assert 'href="#group"' in page
    assert f'data-member-id="{member.pk}"' in page
    assert member.duty in page
    assert f'data-staff-id="{world.objects["staff"]["own"].pk}"' in page
    assert f'data-meeting-id="{world.objects["meetings"]["own"].pk}"' in page
    assert world.objects["liaisons"]["own"].name in page
    assert url("member-edit", member.pk) in page
    assert url("liaison-appoint", unit.pk) in page


def test_leadership_page_is_read_only_for_a_provincial_reviewer(english, world):
    english.force_login(world.users["province_culture"])
    unit = world.objects["units"]["own"]
    response = english.get(url("unit-leadership", unit.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert world.objects["members"]["own"].name in page
    assert url("member-edit", world.objects["members"]["own"].pk) not in page
    assert url("group-edit", unit.pk) not in page
    assert url("meeting-create", unit.pk) not in page


def test_leadership_page_empty_states_say_what_to_record(english, fresh_unit):
    unit, user = fresh_unit
    english.force_login(user)
    response = english.get(url("unit-leadership", unit.pk))
    page = response.content.decode()
    assert "No leadership group is recorded yet. R1.1 requires" in page
    assert "No group office is recorded yet. R1.2 requires" in page
    assert "No meetings are recorded yet. R1.3" in page
    assert "No liaison is recorded. R2.1 requires exactly one liaison" in page
    assert response.context["worst"] == Status.FAILED
    assert url("group-edit", unit.pk) in page


def test_leadership_page_of_a_project_has_no_office_section(english, db):
    project = CreationUnitFactory(kind=CreationUnit.Kind.PROJECT, host_organisation="市图书馆")
    user = RoleAssignmentFactory(role=RoleAssignment.Role.UNIT_STAFF, unit=project).user
    english.force_login(user)
    page = english.get(url("unit-leadership", project.pk)).content.decode()
    assert 'id="office"' not in page
    assert "main leader of the local cultural administration" in page
    assert english.get(url("office-edit", project.pk)).status_code == 404
    assert english.get(url("staff-create", project.pk)).status_code == 404


def test_unit_home_links_to_the_leadership_page_with_the_worst_status(english, fresh_unit):
    unit, user = fresh_unit
    english.force_login(user)
    response = english.get(url("unit-home", unit.pk))
    page = response.content.decode()
    assert response.context["leadership"] == Status.FAILED
    assert url("unit-leadership", unit.pk) in page
    assert 'class="badge badge-failed"' in page


# --- R1.1 group and members ---------------------------------------------------------------------


def test_group_is_created_then_edited_by_post(english, fresh_unit):
    unit, user = fresh_unit
    english.force_login(user)
    response = english.post(
        url("group-edit", unit.pk),
        {
            "name": "雨花区创建工作领导小组",
            "established_on": "2026-01-15",
            "document_number": "雨发〔2026〕1号",
        },
    )
    assert response.status_code == 302
    assert response.url == url("unit-leadership", unit.pk) + "#group"
    group = LeadershipGroup.objects.get(unit=unit)
    assert (group.name, group.established_on) == ("雨花区创建工作领导小组", date(2026, 1, 15))
    english.post(
        url("group-edit", unit.pk),
        {"name": "雨花区示范区创建领导小组", "established_on": "2026-01-16", "document_number": ""},
    )
    group.refresh_from_db()
    assert LeadershipGroup.objects.filter(unit=unit).count() == 1
    assert (group.name, group.established_on, group.document_number) == (
        "雨花区示范区创建领导小组",
        date(2026, 1, 16),
        "",
    )


def test_member_create_without_a_group_sends_to_the_group_form(english, fresh_unit):
    unit, user = fresh_unit
    english.force_login(user)
    response = english.get(url("member-create", unit.pk))
    assert response.status_code == 302
    assert response.url == url("group-edit", unit.pk)


def test_member_is_created_edited_and_deleted(staff_client, world):
    unit = world.objects["units"]["own"]
    finance = Department.objects.get(name="财政")
    response = staff_client.post(
        url("member-create", unit.pk),
        {
            "name": "赵财政",
            "position": "财政局局长",
            "role": GroupMember.Role.MEMBER,
            "leader_kind": GroupMember.LeaderKind.OTHER,
            "department": finance.pk,
            "duty": "保障创建经费",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    member = GroupMember.objects.get(name="赵财政")
    assert (member.group.unit, member.department, member.duty) == (unit, finance, "保障创建经费")

    staff_client.post(
        url("member-edit", member.pk),
        {
            "name": "赵财政",
            "position": "财政局党组书记、局长",
            "role": GroupMember.Role.DEPUTY_HEAD,
            "leader_kind": GroupMember.LeaderKind.OTHER,
            "department": finance.pk,
            "duty": "保障创建经费并监督使用",
            "sort_order": 5,
        },
    )
    member.refresh_from_db()
    assert (member.position, member.role) == ("财政局党组书记、局长", GroupMember.Role.DEPUTY_HEAD)

    confirm = staff_client.get(url("member-delete", member.pk))
    assert confirm.status_code == 200
    assert "Delete this record?" in confirm.content.decode()
    assert GroupMember.objects.filter(pk=member.pk).exists()
    response = staff_client.post(url("member-delete", member.pk))
    assert response.url == url("unit-leadership", unit.pk) + "#group"
    assert not GroupMember.objects.filter(pk=member.pk).exists()


def test_invalid_member_keeps_what_was_entered(staff_client, world):
    unit = world.objects["units"]["own"]
    before = GroupMember.objects.count()
    response = staff_client.post(
        url("member-create", unit.pk), {"name": "钱某某", "duty": "牵头协调", "role": "member"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert GroupMember.objects.count() == before
    assert 'value="钱某某"' in page
    assert "牵头协调" in page
    assert response.context["form"].errors["position"] == ["This field is required."]


# --- R1.2 office and staff ----------------------------------------------------------------------


def test_office_and_its_staff_are_created_edited_and_deleted(english, fresh_unit):
    unit, user = fresh_unit
    english.force_login(user)
    assert english.get(url("staff-create", unit.pk)).status_code == 404
    english.post(
        url("office-edit", unit.pk),
        {
            "placed_in": "雨花区文化旅游体育局",
            "in_cultural_administration": "on",
            "director_name": "孙主任",
            "director_position": "副局长",
            "phone": "0731-1234567",
        },
    )
    office = GroupOffice.objects.get(unit=unit)
    assert (office.placed_in, office.in_cultural_administration) == ("雨花区文化旅游体育局", True)

    english.post(url("staff-create", unit.pk), {"name": "周干事", "position": "科员", "phone": ""})
    person = OfficeStaff.objects.get(office=office)
    assert person.name == "周干事"
    english.post(url("staff-edit", person.pk), {"name": "周干事", "position": "副科长"})
    person.refresh_from_db()
    assert person.position == "副科长"
    english.post(url("staff-delete", person.pk))
    assert not OfficeStaff.objects.filter(pk=person.pk).exists()


# --- R1.3 meetings ------------------------------------------------------------------------------


def test_meeting_with_a_pdf_is_stored_and_downloaded(staff_client, world):
    unit = world.objects["units"]["own"]
    response = staff_client.post(
        url("meeting-create", unit.pk), {**MEETING_FORM, "minutes": minutes_pdf("二季度纪要.pdf")}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(unit=unit, title="第二季度例会")
    assert meeting.minutes_name == "二季度纪要.pdf"
    assert meeting.minutes.name.startswith("minutes/meeting/")

    download = staff_client.get(url("meeting-minutes", meeting.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E4%BA%8C%E5%AD%A3%E5%BA%A6" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_meeting_edit_without_a_new_file_keeps_the_minutes_and_their_name(staff_client, world):
    unit = world.objects["units"]["own"]
    staff_client.post(url("meeting-create", unit.pk), {**MEETING_FORM, "minutes": minutes_pdf()})
    meeting = Meeting.objects.get(unit=unit, title="第二季度例会")
    stored = meeting.minutes.name
    staff_client.post(
        url("meeting-edit", meeting.pk), {**MEETING_FORM, "title": "第二季度例会（扩大）"}
    )
    meeting.refresh_from_db()
    assert meeting.title == "第二季度例会（扩大）"
    assert (meeting.minutes.name, meeting.minutes_name) == (stored, "纪要.pdf")


def test_meeting_upload_refused_when_the_content_is_not_a_document(staff_client, world):
    unit = world.objects["units"]["own"]
    fake = SimpleUploadedFile("x.pdf", b"just some text, not a PDF", content_type="application/pdf")
    response = staff_client.post(url("meeting-create", unit.pk), {**MEETING_FORM, "minutes": fake})
    page = response.content.decode()
    assert response.status_code == 200
    assert not Meeting.objects.filter(title="第二季度例会").exists()
    assert "This file&#x27;s content is not one of them." in page
    assert 'value="第二季度例会"' in page


def test_meeting_upload_refused_when_too_large(staff_client, world, settings):
    settings.MINUTES_MAX_UPLOAD_MB = 1
    unit = world.objects["units"]["own"]
    big = SimpleUploadedFile(
        "big.pdf", PDF_BYTES + b"0" * int(1.2 * 1024 * 1024), content_type="application/pdf"
    )
    response = staff_client.post(url("meeting-create", unit.pk), {**MEETING_FORM, "minutes": big})
    assert response.status_code == 200
    assert not Meeting.objects.filter(title="第二季度例会").exists()
    assert response.context["form"].errors["minutes"] == [
        "The file is 1.2 MB; at most 1 MB is allowed."
    ]


def test_meeting_minutes_answer_404_without_a_file(staff_client, world):
    meeting = MeetingFactory(unit=world.objects["units"]["own"])
    assert staff_client.get(url("meeting-minutes", meeting.pk)).status_code == 404


def test_meeting_is_deleted_after_confirmation(staff_client, world):
    meeting = world.objects["meetings"]["own"]
    assert staff_client.get(url("meeting-delete", meeting.pk)).status_code == 200
    response = staff_client.post(url("meeting-delete", meeting.pk))
    assert response.url == url("meeting-list", meeting.unit_id)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_meeting_list_filters_by_kind_and_year_and_paginates(staff_client, world):
    unit = world.objects["units"]["own"]
    MeetingFactory.create_batch(30, unit=unit, held_on=date(2027, 3, 1))
    major = MeetingFactory(unit=unit, kind=Meeting.Kind.MAJOR_MATTER, held_on=date(2026, 5, 1))
    first = staff_client.get(url("meeting-list", unit.pk))
    assert first.context["page"].paginator.count == 32
    assert len(first.context["page"].object_list) == 25
    by_kind = staff_client.get(url("meeting-list", unit.pk), {"kind": "major_matter"})
    assert [m.pk for m in by_kind.context["page"].object_list] == [major.pk]
    assert f'data-meeting-id="{major.pk}"' in by_kind.content.decode()
    by_year = staff_client.get(url("meeting-list", unit.pk), {"year": 2026})
    assert {m.held_on.year for m in by_year.context["page"].object_list} == {2026}
    assert by_year.context["page"].paginator.count == 2


def test_R1_3_quarters_are_met_missed_under_way_or_upcoming():
    unit = CreationUnitFactory.build(
        start_date=date(2026, 1, 1), batch=BatchFactory.build(cycle_end=date(2027, 12, 31))
    )
    meetings = (MeetingFact("regular", date(2026, 2, 15), True),)
    facts = LeadershipFacts(
        kind="zone", start_date=unit.start_date, cycle_end=date(2027, 12, 31), meetings=meetings
    )
    today = date(2026, 5, 20)
    items = leadership_compliance(facts, today=today)
    rows = meeting_quarters(unit, items, [date(2026, 2, 15)], today)
    assert len(rows) == 8
    assert [(str(r.period), r.status, r.held) for r in rows[:3]] == [
        ("2026Q1", Status.OK, 1),
        ("2026Q2", Status.WARNING, 0),
        ("2026Q3", "upcoming", 0),
    ]
    later = date(2026, 7, 2)
    rows = meeting_quarters(unit, leadership_compliance(facts, today=later), [], later)
    assert rows[1].status == Status.FAILED


def test_meeting_list_second_page_is_not_a_filtered_list(staff_client, world):
    unit = world.objects["units"]["own"]
    MeetingFactory.create_batch(30, unit=unit)
    response = staff_client.get(url("meeting-list", unit.pk), {"page": 2})
    assert response.context["filters"].is_bound is False
    assert len(response.context["page"].object_list) == 6


def test_meeting_list_shows_each_quarter_of_the_cycle(staff_client, world):
    unit = world.objects["units"]["own"]
    page = staff_client.get(url("meeting-list", unit.pk)).content.decode()
    for quarter in ("2026Q1", "2026Q4", "2027Q4"):
        assert f'data-quarter="{quarter}"' in page


# --- R2.1 liaison -------------------------------------------------------------------------------


LIAISON_FORM = {
    "name": "吴联络",
    "organisation": "长沙市文化旅游广电局",
    "position": "分管副局长",
    "position_kind": Liaison.PositionKind.DEPUTY_HEAD_CULTURE,
    "mobile": "13911112222",
    "started_on": "2026-06-01",
}


def test_R2_1_appointing_ends_the_previous_term(staff_client, world):
    unit = world.objects["units"]["own"]
    previous = world.objects["liaisons"]["own"]
    response = staff_client.post(url("liaison-appoint", unit.pk), LIAISON_FORM, follow=True)
    previous.refresh_from_db()
    assert previous.ended_on == date(2026, 5, 31)
    current = Liaison.objects.get(unit=unit, ended_on__isnull=True)
    assert (current.name, current.started_on) == ("吴联络", date(2026, 6, 1))
    levels = [level for level, _ in _messages(response)]
    assert levels == [message_levels.SUCCESS]
    page = response.content.decode()
    assert f'data-liaison-term="{previous.pk}"' in page
    assert "2026-05-31" in page


def test_R2_1_a_liaison_who_is_not_the_deputy_head_is_saved_with_a_warning(staff_client, world):
    unit = world.objects["units"]["own"]
    form = {**LIAISON_FORM, "position": "办公室主任", "position_kind": Liaison.PositionKind.OTHER}
    response = staff_client.post(url("liaison-appoint", unit.pk), form, follow=True)
    assert Liaison.objects.get(unit=unit, ended_on__isnull=True).name == "吴联络"
    warnings = [text for level, text in _messages(response) if level == message_levels.WARNING]
    assert len(warnings) == 1
    assert "as a rule the liaison is the deputy head of the culture bureau" in warnings[0]


def test_R2_1_a_liaison_cannot_start_before_the_current_one(staff_client, world):
    unit = world.objects["units"]["own"]
    response = staff_client.post(
        url("liaison-appoint", unit.pk), {**LIAISON_FORM, "started_on": "2025-12-01"}
    )
    assert response.status_code == 200
    assert "cannot start before the current one" in response.context["form"].errors["started_on"][0]
    assert Liaison.objects.filter(unit=unit).count() == 1
    assert 'value="吴联络"' in response.content.decode()


def test_liaison_contacts_are_corrected_without_a_new_term(staff_client, world):
    liaison = world.objects["liaisons"]["own"]
    response = staff_client.post(
        url("liaison-edit", liaison.pk),
        {"phone": "0731-7654321", "mobile": "13700000000", "email": "liaison@example.cn"},
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert (liaison.mobile, liaison.email, liaison.ended_on) == (
        "13700000000",
        "liaison@example.cn",
        None,
    )
    assert Liaison.objects.filter(unit=liaison.unit).count() == 1


def test_R2_1_liaison_numbers_in_the_wrong_format_are_refused_all_at_once(staff_client, world):
    liaison = world.objects["liaisons"]["own"]
    response = staff_client.post(
        url("liaison-edit", liaison.pk), {"phone": "office", "mobile": "abc", "email": ""}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "11-digit mobile number" in errors["mobile"][0]
    assert "telephone number such as 0731-8888 8888" in errors["phone"][0]
    assert 'value="abc"' in response.content.decode()  # what was typed stays to be corrected
    liaison.refresh_from_db()
    assert liaison.mobile != "abc"


def test_R2_1_liaison_numbers_are_accepted_as_people_type_them(staff_client, world):
    liaison = world.objects["liaisons"]["own"]
    response = staff_client.post(
        url("liaison-edit", liaison.pk),
        {"phone": "(0731)8888 8888转123", "mobile": "+86 139-0731-1001", "email": ""},
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.mobile == "+86 139-0731-1001"


def test_liaison_account_choices_are_the_units_own_staff(staff_client, world):
    unit = world.objects["units"]["own"]
    response = staff_client.get(url("liaison-appoint", unit.pk))
    accounts = set(response.context["form"].fields["user"].queryset)
    assert accounts == {world.users["unit_staff"]}


# --- Permissions and language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("group-edit", {"name": "x", "established_on": "2026-01-01"}),
        ("member-create", {"name": "x", "position": "y", "role": "member"}),
        ("meeting-create", MEETING_FORM),
        ("liaison-appoint", LIAISON_FORM),
    ],
)
def test_a_provincial_reviewer_posting_to_a_unit_record_form_gets_403(client, world, route, data):
    client.force_login(world.users["province_culture"])
    unit = world.objects["units"]["own"]
    counts = (GroupMember.objects.count(), Meeting.objects.count(), Liaison.objects.count())
    response = client.post(url(route, unit.pk), data)
    assert response.status_code == 403
    assert LeadershipGroup.objects.get(unit=unit).name == world.objects["groups"]["own"].name
    assert (GroupMember.objects.count(), Meeting.objects.count(), Liaison.objects.count()) == counts


def test_a_provincial_reviewer_cannot_delete_a_member(client, world):
    client.force_login(world.users["province_culture"])
    member = world.objects["members"]["own"]
    assert client.post(url("member-delete", member.pk)).status_code == 403
    assert GroupMember.objects.filter(pk=member.pk).exists()


def test_forms_refuse_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["unit_staff"])
    member = world.objects["members"]["own"]
    assert client.post(url("member-delete", member.pk)).status_code == 403
    assert GroupMember.objects.filter(pk=member.pk).exists()
    page = client.get(url("member-delete", member.pk)).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_validation_messages_follow_the_language_cookie(client, world):
    client.force_login(world.users["unit_staff"])
    unit = world.objects["units"]["own"]
    chinese = client.post(url("member-create", unit.pk), {"name": "x"}).content.decode()
    assert "该字段是必填项。" in chinese
    client.cookies["django_language"] = "en"
    english = client.post(url("member-create", unit.pk), {"name": "x"}).content.decode()
    assert "This field is required." in english
    assert "该字段是必填项。" not in english


# --- R2.2 liaison meetings ----------------------------------------------------------------------


def _schedule_form(world, **extra):
    return {
        "programme": world.national.pk,
        "audience": CreationUnit.Kind.ZONE,
        "year": 2026,
        "period": 2,
        "scheduled_on": "2026-06-18",
        "place": "株洲市",
        "host": world.objects["units"]["sibling"].pk,
        "agenda": "交流创建经验",
        **extra,
    }


def test_R2_2_office_schedules_a_liaison_meeting_that_invites_and_notifies(office_client, world):
    response = office_client.post(url("liaison-meeting-create"), _schedule_form(world))
    meeting = LiaisonMeeting.objects.get(place="株洲市", period=2)
    assert response.status_code == 302
    assert response.url == url("liaison-meeting-detail", meeting.pk)
    invited = set(LiaisonAttendance.objects.filter(meeting=meeting).values_list("unit", flat=True))
    units = world.objects["units"]
    assert invited == {units["own"].pk, units["sibling"].pk, units["other"].pk}
    attendance = LiaisonAttendance.objects.get(meeting=meeting, unit=units["own"])
    assert attendance.liaison == world.objects["liaisons"]["own"]
    notice = Notification.objects.get(recipient=world.users["unit_staff"], link__contains="liaison")
    assert notice.link == url("liaison-meeting-detail", meeting.pk)
    assert "2026-06-18" in notice.title


def test_R2_2_the_period_must_fit_the_audience(office_client, world):
    response = office_client.post(url("liaison-meeting-create"), _schedule_form(world, period=5))
    assert response.status_code == 200
    assert "choose a quarter from 1 to 4" in response.context["form"].errors["period"][0]
    assert not LiaisonMeeting.objects.filter(place="株洲市").exists()


def test_R2_2_the_next_host_is_suggested_with_the_reason(office_client, world):
    units = world.objects["units"]
    # own hosted the world's meeting; sibling hosts one too, so "other" has hosted least.
    LiaisonMeetingFactory(host=units["sibling"], scheduled_on=date(2026, 4, 1))
    response = office_client.get(
        url("liaison-meeting-create"), {"programme": world.national.pk, "audience": "zone"}
    )
    page = response.content.decode()
    assert response.context["suggestion"].unit_id == units["other"].pk
    assert response.context["form"]["host"].value() == units["other"].pk
    assert f'<option value="{units["other"].pk}" selected>' in page
    assert "It has not hosted a liaison meeting yet." in page


def test_R2_2_a_host_that_hosted_before_is_explained_with_count_and_date(office_client, world):
    units = world.objects["units"]
    for unit in (units["sibling"], units["other"]):
        LiaisonMeetingFactory(host=unit, scheduled_on=date(2026, 4, 1))
    response = office_client.get(url("liaison-meeting-create"))
    assert response.context["suggestion"].unit_id == units["own"].pk
    assert "It has hosted 1 times, last on 2026-03-20" in response.content.decode()


def test_R2_2_the_office_records_attendance_and_minutes(office_client, world):
    meeting = world.objects["liaison_meetings"]["national"]
    LiaisonAttendance.objects.bulk_create(
        [LiaisonAttendance(meeting=meeting, unit=u) for u in world.objects["units"].values()]
    )
    own = world.objects["units"]["own"]
    response = office_client.post(
        url("liaison-meeting-detail", meeting.pk),
        {"attended": [own.pk], "minutes": minutes_pdf("联络员会议纪要.pdf")},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == LiaisonMeeting.Status.HELD
    assert meeting.minutes_name == "联络员会议纪要.pdf"
    attended = dict(meeting.attendances.values_list("unit", "attended"))
    assert attended[own.pk] is True
    assert attended[world.objects["units"]["sibling"].pk] is False
    download = office_client.get(url("liaison-meeting-minutes", meeting.pk))
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_R2_2_minutes_that_are_not_a_document_are_refused(office_client, world):
    meeting = world.objects["liaison_meetings"]["national"]
    own = world.objects["units"]["own"]
    LiaisonAttendance.objects.create(meeting=meeting, unit=own)
    fake = SimpleUploadedFile("x.docx", b"plain text", content_type="application/msword")
    response = office_client.post(
        url("liaison-meeting-detail", meeting.pk), {"attended": [own.pk], "minutes": fake}
    )
    assert response.status_code == 200
    assert "content is not one of them" in response.context["form"].errors["minutes"][0]
    assert response.context["form"]["attended"].value() == [str(own.pk)]
    meeting.refresh_from_db()
    assert meeting.status == LiaisonMeeting.Status.PLANNED
    assert LiaisonAttendance.objects.get(meeting=meeting, unit=own).attended is None


def test_R2_2_unit_staff_see_a_liaison_meeting_but_cannot_record_it(staff_client, world):
    meeting = world.objects["liaison_meetings"]["national"]
    LiaisonAttendance.objects.bulk_create(
        [LiaisonAttendance(meeting=meeting, unit=u) for u in world.objects["units"].values()]
    )
    response = staff_client.get(url("liaison-meeting-detail", meeting.pk))
    assert response.context["form"] is None
    # only the unit they may see is listed among the invited
    assert [a.unit for a in response.context["attendances"]] == [world.objects["units"]["own"]]
    assert staff_client.post(url("liaison-meeting-detail", meeting.pk), {}).status_code == 403
    assert (
        staff_client.post(url("liaison-meeting-create"), _schedule_form(world)).status_code == 403
    )
    meeting.refresh_from_db()
    assert meeting.status == LiaisonMeeting.Status.PLANNED


def test_R2_2_the_office_sees_the_periods_without_a_held_meeting(office_client, world):
    response = office_client.get(url("liaison-meeting-list"))
    gaps = response.context["gaps"]
    assert [row["programme"] for row in gaps] == [world.national]
    assert str(gaps[0]["zone"][0]) == "2026Q1"
    assert str(gaps[0]["project"][0]) == "2026H1"
    assert 'id="gaps"' in response.content.decode()


def test_liaison_meeting_list_shows_no_gaps_to_a_provincial_reviewer(english, world):
    english.force_login(world.users["province_culture"])
    response = english.get(url("liaison-meeting-list"))
    assert response.context["gaps"] == []
    assert url("liaison-meeting-create") not in response.content.decode()


# --- Notifications and navigation ---------------------------------------------------------------


def test_notifications_list_highlights_unread_and_marks_all_read(english, world):
    user = world.users["unit_staff"]
    Notification.objects.create(recipient=user, title="second", key="k-2")
    english.force_login(user)
    page = english.get(reverse("notifications")).content.decode()
    assert page.count('class="notification unread"') == 2
    assert '<span class="count-badge"' in page
    response = english.post(reverse("notifications"), follow=True)
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert "2 notifications marked as read." in response.content.decode()
    assert "unread" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]
    # other users' notifications are untouched
    assert Notification.objects.get(recipient=world.users["office"]).read_at is None


def test_notifications_one_is_marked_read(english, world):
    user = world.users["unit_staff"]
    other = Notification.objects.create(recipient=user, title="second", key="k-2")
    english.force_login(user)
    english.post(reverse("notifications"), {"notification": [other.pk]})
    other.refresh_from_db()
    assert other.read_at is not None
    assert world.objects["notifications"]["unit_staff"].read_at is None


def test_header_shows_the_unread_count(english, world):
    user = world.users["office"]
    Notification.objects.create(recipient=user, title="second", key="k-2")
    english.force_login(user)
    page = english.get(url("liaison-meeting-list")).content.decode()
    assert '<span class="count-badge" aria-label="2 unread">2</span>' in page


@pytest.mark.parametrize(
    ("role", "shown"),
    [("office", True), ("province_culture", True), ("superuser", True), ("unit_staff", False)],
)
def test_nav_links_liaison_meetings_for_reviewers(client, world, role, shown):
    client.force_login(world.users[role])
    page = client.get(reverse("notifications")).content.decode()
    nav = page.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert (url("liaison-meeting-list") in nav) is shown


# --- Query counts of the list pages -------------------------------------------------------------


def _queries(client, path):
    # Rendered, not replayed from the page cache (portal.page_cache): the rows some tests add
    # with bulk_create send no signal, as no request or task of the portal's does.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    return len(captured)


def test_meeting_list_queries_constant(staff_client, world):
    unit = world.objects["units"]["own"]
    few = _queries(staff_client, url("meeting-list", unit.pk))
    MeetingFactory.create_batch(20, unit=unit, minutes=minutes_pdf())
    assert _queries(staff_client, url("meeting-list", unit.pk)) == few


def test_leadership_page_queries_constant(staff_client, world):
    unit = world.objects["units"]["own"]
    few = _queries(staff_client, url("unit-leadership", unit.pk))
    group = world.objects["groups"]["own"]
    GroupMemberFactory.create_batch(20, group=group, department=Department.objects.get(name="文化"))
    OfficeStaffFactory.create_batch(20, office=world.objects["offices"]["own"])
    MeetingFactory.create_batch(20, unit=unit)
    previous = world.objects["liaisons"]["own"]
    previous.ended_on = date(2026, 1, 31)
    previous.save()
    LiaisonFactory(unit=unit, started_on=date(2026, 2, 1))
    assert _queries(staff_client, url("unit-leadership", unit.pk)) == few


@pytest.mark.parametrize("name", ["unit-home", "unit-leadership"])
def test_unit_pages_take_at_most_12_queries_cold_and_warm(office_client, world, name):
    path = url(name, world.objects["units"]["own"].pk)
    office_client.get(path)  # the unit's figures are stored (as a committed write stores them)
    cache.clear()  # cold: nothing is cached (portal.cache)
    cold = _queries(office_client, path)
    assert cold <= 12
    assert _queries(office_client, path) <= cold


def test_liaison_meeting_list_queries_constant(office_client, world):
    few = _queries(office_client, url("liaison-meeting-list"))
    LiaisonMeetingFactory.create_batch(20, host=world.objects["units"]["sibling"])
    assert _queries(office_client, url("liaison-meeting-list")) == few


def test_liaison_meeting_detail_queries_constant(office_client, world):
    meeting = world.objects["liaison_meetings"]["national"]
    own = world.objects["units"]["own"]
    LiaisonAttendance.objects.create(
        meeting=meeting, unit=own, liaison=world.objects["liaisons"]["own"]
    )
    few = _queries(office_client, url("liaison-meeting-detail", meeting.pk))
    batch = world.objects["batches"]["b1"]
    LiaisonAttendance.objects.bulk_create(
        [
            LiaisonAttendance(meeting=meeting, unit=CreationUnitFactory(batch=batch))
            for _ in range(20)
        ]
    )
    assert _queries(office_client, url("liaison-meeting-detail", meeting.pk)) == few


def test_notification_list_queries_constant(english, world):
    user = world.users["office"]
    english.force_login(user)
    few = _queries(english, reverse("notifications"))
    Notification.objects.bulk_create(
        [Notification(recipient=user, title=f"n{i}", key=f"k-{i}") for i in range(20)]
    )
    assert _queries(english, reverse("notifications")) == few


def test_C5_R2_1_term_ends_without_successor_page_and_api(english, world):
    own = world.objects["units"]["own"]
    liaison = world.objects["liaisons"]["own"]
    end_url = url("liaison-end", liaison.pk)
    english.force_login(world.users["unit_staff"])
    assert end_url in english.get(url("unit-leadership", own.pk)).content.decode()
    # the confirmation form shows every problem in a summary that links to its field
    refused = english.post(end_url, {"ended_on": "2000-01-01", "reason": "调任"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "data-error-summary" in html
    assert 'href="#id_ended_on"' in html
    assert "A term cannot end before it started" in html
    liaison.refresh_from_db()
    assert liaison.ended_on is None
    today = timezone.localdate()
    done = english.post(end_url, {"ended_on": today.isoformat(), "reason": "调任"})
    assert done.status_code == 302
    liaison.refresh_from_db()
    assert (liaison.ended_on, liaison.end_reason) == (today, "调任")
    assert not Liaison.objects.filter(unit=own, ended_on__isnull=True).exists()

    # the API: the office of the programme ends the sibling unit's liaison
    sibling = world.objects["liaisons"]["sibling"]
    api = APIClient()
    api.force_authenticate(world.users["office"])
    api_url = f"/api/v1/liaisons/{sibling.pk}/end/"
    future = api.post(api_url, {"ended_on": (today + timedelta(days=1)).isoformat()}, format="json")
    assert future.status_code == 400
    assert (
        "ended_on" in future.json()["fields"]
    )  # the API's error body as everywhere (portal.exceptions)
    ended = api.post(api_url, {"ended_on": today.isoformat()}, format="json")
    assert ended.status_code == 200, ended.content
    assert (ended.json()["ended_on"], ended.json()["is_active"]) == (today.isoformat(), False)
    again = api.post(api_url, {"ended_on": today.isoformat()}, format="json")
    assert again.status_code == 400
    history = api.get(f"/api/v1/liaisons/{sibling.pk}/history/").json()["results"]
    assert history[0]["actor"] == world.users["office"].username
    assert history[0]["changes"]["ended_on"] == [None, today.isoformat()]
    # a provincial reviewer sees the liaison but may not end it
    api.force_authenticate(world.users["province_culture"])
    other = world.objects["liaisons"]["own"]
    assert api.post(f"/api/v1/liaisons/{other.pk}/end/", {}, format="json").status_code == 403


def test_C5_R6_6_vacancy_shows_on_gauge_status_and_unit_page(english, world):
    own = world.objects["units"]["own"]
    staff = world.users["unit_staff"]
    today = timezone.localdate()
    services.liaison_term_end(
        user=staff, liaison=world.objects["liaisons"]["own"], ended_on=today - timedelta(days=3)
    )
    since = (today - timedelta(days=2)).isoformat()
    english.force_login(staff)
    for page in ("unit-home", "unit-leadership"):
        html = english.get(url(page, own.pk)).content.decode()
        assert f'data-liaison-vacant-since="{since}"' in html, page
        assert f"Liaison vacant since {since}" in html, page
    chinese = Client()
    chinese.cookies["django_language"] = "zh-hans"
    chinese.force_login(staff)
    assert "联络员空缺" in chinese.get(url("unit-home", own.pk)).content.decode()
    # the veto gauge: no gap is tolerated by default, so the vacancy fails R2.1 with its dates
    [line] = [line for line in veto_gauge(unit=own).lines if line.item.value == "liaison"]
    assert line.computed.status == GaugeStatus.FAILED
    assert line.computed.rule == "R2.1"
    assert since in line.computed.evidence
    assert since in str(line.computed.message)
    # the status API
    api = APIClient()
    api.force_authenticate(world.users["office"])
    body = api.get(reverse("api:unit-status", kwargs={"pk": own.pk})).json()
    assert body["liaison"] is None
    assert body["liaison_vacant_since"] == since
    [item] = [item for item in body["veto"]["items"] if item["item"] == "liaison"]
    assert item["computed_status"] == "failed"
    # a unit with a liaison has no vacancy
    sibling = world.objects["units"]["sibling"]
    assert (
        api.get(reverse("api:unit-status", kwargs={"pk": sibling.pk})).json()[
            "liaison_vacant_since"
        ]
        is None
    )
