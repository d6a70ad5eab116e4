import io
import threading
import zipfile
import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from creation import services
from creation.models import CreationUnit, Liaison, LiaisonAttendance, Meeting, RoleAssignment
from creation.rules import Status
from creation.selectors import host_records, unit_leadership_compliance
from creation.tests.factories import (
    CreationUnitFactory,
    GroupMemberFactory,
    LeadershipGroupFactory,
    LiaisonFactory,
    RoleAssignmentFactory,
    UserFactory,
    minutes_pdf,
)
from portal.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return CreationUnitFactory()


@pytest.fixture
def staff(unit):
    return RoleAssignmentFactory(role=RoleAssignment.Role.UNIT_STAFF, unit=unit).user


def _contact(**extra):
    return {
        "name": "刘联络",
        "organisation": "区文化旅游体育局",
        "position": "分管副局长",
        "position_kind": Liaison.PositionKind.DEPUTY_HEAD_CULTURE,
        "mobile": "13900000000",
        **extra,
    }


def test_R2_1_appointing_a_new_liaison_ends_the_previous_term(unit, staff):
    first = services.liaison_appoint(
        user=staff, unit=unit, started_on=date(2026, 1, 1), **_contact(name="陈")
    )
    second = services.liaison_appoint(
        user=staff, unit=unit, started_on=date(2026, 6, 1), **_contact(name="刘")
    )
    first.refresh_from_db()
    assert first.ended_on == date(2026, 5, 31)
    assert second.ended_on is None
    assert list(Liaison.objects.filter(unit=unit, ended_on__isnull=True)) == [second]


def test_R2_1_new_liaison_cannot_start_before_the_current_one(unit, staff):
    services.liaison_appoint(user=staff, unit=unit, started_on=date(2026, 6, 1), **_contact())
    with pytest.raises(ValidationError) as error:
        services.liaison_appoint(user=staff, unit=unit, started_on=date(2026, 5, 1), **_contact())
    assert "started_on" in error.value.message_dict
    assert Liaison.objects.filter(unit=unit).count() == 1


def test_R2_1_database_refuses_a_second_active_liaison(unit):
    LiaisonFactory(unit=unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiaisonFactory(unit=unit)


def test_R2_1_only_the_units_staff_may_appoint(unit):
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.liaison_appoint(
            user=stranger, unit=unit, started_on=date(2026, 1, 1), **_contact()
        )
    assert not Liaison.objects.exists()


def test_R2_1_liaison_update_cannot_change_the_term(unit, staff):
    liaison = LiaisonFactory(unit=unit)
    with pytest.raises(ValidationError):
        services.liaison_update(
            user=staff, liaison=liaison, fields={"started_on": date(2020, 1, 1)}
        )
    updated = services.liaison_update(user=staff, liaison=liaison, fields={"mobile": "13700000000"})
    assert Liaison.objects.get(pk=updated.pk).mobile == "13700000000"


@pytest.mark.django_db(transaction=True)
def test_R2_1_two_concurrent_appointments_leave_exactly_one_active_liaison():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) are tested on PostgreSQL; CI runs it there")
    unit = CreationUnitFactory()
    staff = RoleAssignmentFactory(role=RoleAssignment.Role.UNIT_STAFF, unit=unit).user
    LiaisonFactory(unit=unit, started_on=date(2026, 1, 1))
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def appoint(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.liaison_appoint(
                user=staff, unit=unit, started_on=date(2026, 6, 1), **_contact(name=name)
            )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(name,)) for name in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Liaison.objects.filter(unit=unit).count() == 3
    assert Liaison.objects.filter(unit=unit, ended_on__isnull=True).count() == 1


def test_unit_records_are_changed_only_by_the_units_staff(unit, staff):
    group = LeadershipGroupFactory(unit=unit)
    reviewer = RoleAssignmentFactory(
        role=RoleAssignment.Role.PROVINCIAL_REVIEWER,
        province=unit.region.province,
        department="culture",
    ).user
    with pytest.raises(PermissionDenied):
        services.unit_record_save(user=reviewer, instance=group, fields={"name": "改名"})
    saved = services.unit_record_save(user=staff, instance=group, fields={"name": "改名"})
    assert type(saved).objects.get(pk=group.pk).name == "改名"


def test_R1_3_meeting_with_minutes_is_stored_with_its_original_name(unit, staff):
    meeting = services.unit_record_save(
        user=staff,
        instance=Meeting(unit=unit),
        fields={
            "kind": Meeting.Kind.REGULAR,
            "held_on": date(2026, 2, 1),
            "title": "第一季度例会",
            "attendees": "全体成员",
            "agenda": "部署",
            "minutes": minutes_pdf("一季度纪要.pdf"),
        },
    )
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.minutes_name == "一季度纪要.pdf"
    assert stored.minutes.name.startswith("minutes/meeting/")
    assert stored.minutes.read().startswith(b"%PDF")


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("纪要.pdf", minutes_pdf().read(), True),
        ("纪要.docx", _docx(), True),
        ("纪要.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, True),
        ("纪要.pdf", b"just text pretending to be a PDF", False),
        ("纪要.docx", b"PK\x03\x04 not really a zip", False),
        ("bomb.docx", _docx({"word/media/zeros.bin": b"\x00" * (210 * 1024 * 1024)}), False),
        ("纪要\x00.pdf", minutes_pdf().read(), False),
    ],
)
def test_R1_3_minutes_type_is_checked_by_content(unit, staff, name, content, accepted):
    upload = SimpleUploadedFile("x", content)
    upload.name = name
    fields = {
        "held_on": date(2026, 2, 1),
        "title": "例会",
        "attendees": "成员",
        "agenda": "议程",
        "minutes": upload,
    }
    if accepted:
        meeting = services.unit_record_save(user=staff, instance=Meeting(unit=unit), fields=fields)
        assert Meeting.objects.get(pk=meeting.pk).minutes
    else:
        with pytest.raises(ValidationError) as error:
            services.unit_record_save(user=staff, instance=Meeting(unit=unit), fields=fields)
        assert "minutes" in error.value.message_dict
        assert not Meeting.objects.exists()


def test_R1_3_upload_name_never_chooses_the_stored_path(unit, staff):
    upload = minutes_pdf()
    upload.name = "../../etc/passwd.pdf"  # Django keeps only the last part of the name
    fields = {
        "held_on": date(2026, 2, 1),
        "title": "例会",
        "attendees": "成员",
        "agenda": "议程",
        "minutes": upload,
    }
    meeting = services.unit_record_save(user=staff, instance=Meeting(unit=unit), fields=fields)
    assert meeting.minutes_name == "passwd.pdf"
    assert meeting.minutes.name.startswith("minutes/meeting/")
    assert ".." not in meeting.minutes.name


def test_R1_3_minutes_larger_than_the_setting_are_refused(unit, staff, settings):
    settings.MINUTES_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", minutes_pdf().read() + b"\x00" * (1024 * 1024 + 10))
    fields = {
        "held_on": date(2026, 2, 1),
        "title": "例会",
        "attendees": "成员",
        "agenda": "议程",
        "minutes": big,
    }
    with pytest.raises(ValidationError) as error:
        services.unit_record_save(user=staff, instance=Meeting(unit=unit), fields=fields)
    assert "1 MB" in str(error.value.message_dict["minutes"])


def test_R1_1_compliance_is_computed_from_the_stored_records(unit):
    group = LeadershipGroupFactory(unit=unit)
    GroupMemberFactory(group=group, role="head", leader_kind="party_main", name="张书记")
    items = [
        i for i in unit_leadership_compliance(unit=unit, today=date(2026, 3, 1)) if i.rule == "R1.1"
    ]
    # the seeded department list requires 发改, 财政, 人事, 编制 and 文化 in a zone's group
    assert sorted(i.evidence for i in items) == sorted(["发改", "财政", "人事", "编制", "文化"])
    assert {i.status for i in items} == {Status.FAILED}


def _office_user(programme):
    return RoleAssignmentFactory(role=RoleAssignment.Role.OFFICE_REVIEWER, programme=programme).user


def test_R2_2_scheduling_invites_every_creating_unit_and_notifies_once(
    unit, staff, django_capture_on_commit_callbacks, mailoutbox
):
    programme = unit.batch.programme
    other = CreationUnitFactory(batch=unit.batch)
    CreationUnitFactory(batch=unit.batch, status=CreationUnit.Status.WITHDRAWN)
    liaison_user = UserFactory(email="liaison@example.cn")
    LiaisonFactory(unit=other, user=liaison_user)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.liaison_meeting_schedule(
            user=_office_user(programme),
            programme=programme,
            audience="zone",
            year=2026,
            period=1,
            scheduled_on=date(2026, 3, 20),
            place="长沙市",
            host=unit,
        )
    invited = set(
        LiaisonAttendance.objects.filter(meeting=meeting).values_list("unit_id", flat=True)
    )
    assert invited == {unit.pk, other.pk}
    assert [message.to for message in mailoutbox] == [["liaison@example.cn"]]
    # the liaison's own account when there is one, else the unit's staff
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        staff.pk,
        liaison_user.pk,
    }
    sent_again = services.notification_send(
        recipients=[staff], title="x", key=f"liaison-meeting-{meeting.pk}-invitation-{unit.pk}"
    )
    assert sent_again == 0


def test_R2_2_only_the_programmes_office_schedules(unit, staff):
    with pytest.raises(PermissionDenied):
        services.liaison_meeting_schedule(
            user=staff,
            programme=unit.batch.programme,
            audience="zone",
            year=2026,
            period=1,
            scheduled_on=date(2026, 3, 20),
            place="长沙市",
            host=unit,
        )


def test_R2_2_project_meetings_are_half_yearly(unit):
    programme = unit.batch.programme
    project = CreationUnitFactory(batch=unit.batch, kind="project", host_organisation="文化馆")
    with pytest.raises(ValidationError) as error:
        services.liaison_meeting_schedule(
            user=_office_user(programme),
            programme=programme,
            audience="project",
            year=2026,
            period=3,
            scheduled_on=date(2026, 8, 20),
            place="长沙市",
            host=project,
        )
    assert "period" in error.value.message_dict


def test_R2_2_recording_marks_attendance_and_held(unit):
    programme = unit.batch.programme
    office = _office_user(programme)
    other = CreationUnitFactory(batch=unit.batch)
    meeting = services.liaison_meeting_schedule(
        user=office, programme=programme, audience="zone", year=2026, period=1,
        scheduled_on=date(2026, 3, 20), place="长沙市", host=unit,
    )  # fmt: skip
    services.liaison_meeting_record(
        user=office, meeting=meeting, attended_unit_ids={unit.pk}, minutes=minutes_pdf()
    )
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert dict(meeting.attendances.values_list("unit_id", "attended")) == {
        unit.pk: True,
        other.pk: False,
    }
    records = {r.unit_id: r for r in host_records(programme=programme, audience="zone")}
    assert (records[unit.pk].times_hosted, records[unit.pk].last_hosted_on) == (
        1,
        date(2026, 3, 20),
    )
    assert records[other.pk].times_hosted == 0


def test_R1_3_saving_again_keeps_the_original_minutes_name(unit, staff):
    meeting = services.unit_record_save(
        user=staff,
        instance=Meeting(unit=unit),
        fields={
            "held_on": date(2026, 2, 1),
            "title": "例会",
            "attendees": "成员",
            "agenda": "议程",
            "minutes": minutes_pdf("原名.pdf"),
        },
    )
    again = services.unit_record_save(
        user=staff, instance=meeting, fields={"title": "改名", "minutes": meeting.minutes}
    )
    assert Meeting.objects.get(pk=again.pk).minutes_name == "原名.pdf"


def test_R1_3_deleting_a_meeting_removes_its_minutes_file(
    unit, staff, django_capture_on_commit_callbacks
):
    meeting = services.unit_record_save(
        user=staff,
        instance=Meeting(unit=unit),
        fields={
            "held_on": date(2026, 2, 1),
            "title": "例会",
            "attendees": "成员",
            "agenda": "议程",
            "minutes": minutes_pdf(),
        },
    )
    storage, name = meeting.minutes.storage, meeting.minutes.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.unit_record_delete(user=staff, instance=meeting)
    assert not storage.exists(name)


def test_R2_2_a_meeting_date_must_fall_in_its_period_and_a_period_has_one_meeting(unit):
    programme = unit.batch.programme
    office = _office_user(programme)
    arguments = {
        "user": office, "programme": programme, "audience": "zone", "year": 2026, "period": 2,
        "place": "长沙市", "host": unit,
    }  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.liaison_meeting_schedule(scheduled_on=date(2026, 7, 2), **arguments)
    assert "scheduled_on" in error.value.message_dict
    services.liaison_meeting_schedule(scheduled_on=date(2026, 5, 20), **arguments)
    with pytest.raises(ValidationError):
        services.liaison_meeting_schedule(scheduled_on=date(2026, 6, 20), **arguments)


def test_read_only_accounts_edit_nothing_even_with_a_staff_role(unit):
    user = RoleAssignmentFactory(role=RoleAssignment.Role.UNIT_STAFF, unit=unit).user
    RoleAssignmentFactory(user=user, role=RoleAssignment.Role.API_CLIENT, unit=unit)
    with pytest.raises(PermissionDenied):
        services.unit_record_save(
            user=user, instance=LeadershipGroupFactory.build(unit=unit), fields={}
        )


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_C5_R2_1_term_end_is_validated_and_limited_to_the_unit_and_its_office(unit, staff):
    liaison = LiaisonFactory(unit=unit, started_on=date(2026, 3, 1))
    today = date(2026, 12, 1)

    def end(user, ended_on):
        return services.liaison_term_end(
            user=user, liaison=liaison, ended_on=ended_on, reason="调任", today=today
        )

    province = RoleAssignmentFactory(
        role=RoleAssignment.Role.PROVINCIAL_REVIEWER,
        province=unit.region.province_region,
        department=RoleAssignment.Department.CULTURE,
    ).user
    with pytest.raises(PermissionDenied):
        end(province, date(2026, 11, 30))
    with pytest.raises(ValidationError) as before:
        end(staff, date(2026, 2, 28))
    assert "ended_on" in before.value.message_dict
    with pytest.raises(ValidationError) as future:
        end(staff, date(2026, 12, 2))
    assert "ended_on" in future.value.message_dict
    office = RoleAssignmentFactory(
        role=RoleAssignment.Role.OFFICE_REVIEWER, programme=unit.batch.programme
    ).user
    ended = end(office, date(2026, 11, 30))
    assert (ended.ended_on, ended.end_reason) == (date(2026, 11, 30), "调任")
    assert not Liaison.objects.filter(unit=unit, ended_on__isnull=True).exists()
    with pytest.raises(ValidationError):
        end(staff, date(2026, 11, 30))  # already ended
    # a successor after the vacancy starts after the last term
    with pytest.raises(ValidationError) as overlap:
        services.liaison_appoint(
            user=staff, unit=unit, started_on=date(2026, 11, 30), **_contact(name="刘联络")
        )
    assert "started_on" in overlap.value.message_dict


def test_C5_R2_1_vacancy_reminds_the_unit_until_appointed(unit, staff):
    liaison = LiaisonFactory(unit=unit, started_on=date(2026, 1, 1))
    served = CreationUnitFactory()
    LiaisonFactory(unit=served)
    served_staff = RoleAssignmentFactory(role=RoleAssignment.Role.UNIT_STAFF, unit=served).user
    services.liaison_term_end(
        user=staff, liaison=liaison, ended_on=date(2026, 11, 20), today=date(2026, 12, 1)
    )
    day = datetime(2026, 12, 1, 8, 15, tzinfo=SHANGHAI)
    assert services.liaison_vacancy_remind(now=day) == 1
    assert services.liaison_vacancy_remind(now=day + timedelta(hours=3)) == 0  # same day
    [reminder] = Notification.objects.filter(recipient=staff)
    assert "2026-11-21" in reminder.body
    assert reminder.link.endswith("#liaison")
    # a week without a sweep leaves no backlog: one reminder on the next sweep
    assert services.liaison_vacancy_remind(now=day + timedelta(days=7)) == 1
    assert Notification.objects.filter(recipient=staff).count() == 2
    services.liaison_appoint(
        user=staff, unit=unit, started_on=date(2026, 12, 8), **_contact(name="刘联络")
    )
    assert services.liaison_vacancy_remind(now=day + timedelta(days=8)) == 0
    assert Notification.objects.filter(recipient=staff).count() == 2
    assert not Notification.objects.filter(recipient=served_staff).exists()
