"""Supervision services (R4): the inspection loop with its rectification workflow and event log,
the written feedback letter (PDF and Word), permissions, deadline reminders exactly once, and the
half-yearly self-inspection through the reporting workflow."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from creation.models import RoleAssignment
from creation.tests.factories import (
    CityFactory,
    CreationUnitFactory,
    MeetingFactory,
    RoleAssignmentFactory,
    minutes_pdf,
)
from inspections import services
from inspections.letter import INSPECTION_LETTER
from inspections.models import (
    Inspection,
    InspectionSettings,
    Rectification,
    RectificationEvent,
    RectificationReminder,
)
from inspections.rules import Coverage
from inspections.selectors import (
    inspection_plan_rows,
    province_self_inspections,
    self_inspection_comparison,
)
from inspections.tests.factories import (
    FindingFactory,
    InspectionFactory,
    RectificationFactory,
    SelfInspectionObligationFactory,
    indicators_for,
    inspection_people,
)
from portal.models import Notification
from reporting import fonts
from reporting.documents import document_render
from reporting.models import Submission

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
Role = RoleAssignment.Role

needs_pdf = pytest.mark.skipif(
    fonts.pdf_problem() is not None,
    reason=f"PDF rendering is unavailable here: {fonts.pdf_problem()}",
)


@pytest.fixture
def people():
    return inspection_people()


def _plan(people, **overrides) -> Inspection:
    fields = {
        "planned_start": date(2026, 5, 11),
        "planned_end": date(2026, 5, 13),
        "leader_name": "李明",
        "leader_position": "公共服务司副司长",
        "scope": "组织领导、设施网络、服务供给和经费保障",
        **overrides,
    }
    return services.inspection_plan(
        user=people["office"],
        unit=people["unit"],
        fields=fields,
        members=[("王芳", "专家委员会委员"), ("赵强", "财务处处长")],
    )


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


# --- R4.1 plan ----------------------------------------------------------------------------------


def test_R4_1_plan_flags_units_without_inspection_and_with_more_than_two(people):
    unit = people["unit"]
    sibling = CreationUnitFactory(batch=unit.batch, region=CityFactory(parent=people["province"]))
    third = CreationUnitFactory(batch=unit.batch, region=CityFactory(parent=people["province"]))
    for month in (3, 6, 9):
        InspectionFactory(
            unit=sibling, planned_start=date(2026, month, 1), planned_end=date(2026, month, 2)
        )
    InspectionFactory(unit=third, planned_start=date(2026, 4, 1), planned_end=date(2026, 4, 2))
    InspectionFactory(unit=unit, planned_start=date(2025, 4, 1), planned_end=date(2025, 4, 2))
    rows = {row.unit.pk: row for row in inspection_plan_rows(user=people["office"], year=2026)}
    assert rows[unit.pk].count == 0
    assert rows[unit.pk].coverage == Coverage.NONE
    assert rows[sibling.pk].count == 3
    assert rows[sibling.pk].coverage == Coverage.TOO_MANY
    assert rows[third.pk].coverage == Coverage.OK


def test_R4_1_plan_limits_come_from_the_programme_settings(people):
    unit = people["unit"]
    InspectionSettings.objects.create(
        programme=unit.batch.programme, min_per_year=2, max_per_year=3
    )
    InspectionFactory(unit=unit)
    row = next(r for r in inspection_plan_rows(user=people["office"], year=2026) if r.unit == unit)
    assert (row.minimum, row.maximum, row.coverage) == (2, 3, Coverage.NONE)


def test_R4_1_plan_validates_date_order(people):
    with pytest.raises(ValidationError) as error:
        _plan(people, planned_end=date(2026, 5, 1))
    assert "planned_end" in error.value.message_dict


def test_only_the_programme_office_plans(people):
    with pytest.raises(PermissionDenied):
        services.inspection_plan(
            user=people["other_office"], unit=people["unit"], fields={}, members=[]
        )
    with pytest.raises(PermissionDenied):
        services.inspection_plan(user=people["staff"], unit=people["unit"], fields={}, members=[])


# --- The whole loop ------------------------------------------------------------------------------


@needs_pdf
def test_R4_1_whole_loop_inspection_finding_rectification_letter(people):
    office, staff = people["office"], people["staff"]
    inspection = _plan(people)
    indicators = indicators_for(people["unit"], 2)
    assert services.checklist_from_standard(user=office, inspection=inspection) == 2
    inspection = services.inspection_start(
        user=office, inspection=inspection, held_start=date(2026, 5, 11)
    )
    finding = services.finding_add(
        user=office,
        inspection=inspection,
        fields={
            "severity": "major",
            "rule_id": "R1.3",
            "indicator": indicators[0],
            "description": "领导小组例会未按季度召开",
            "requirement": "每季度至少召开一次领导小组例会并形成纪要",
        },
        owner="区文化旅游体育局",
        deadline=date(2026, 7, 31),
        evidence=[minutes_pdf("检查记录.pdf")],
    )
    rectification = finding.rectification
    assert rectification.status == "open"
    with pytest.raises(PermissionDenied):
        services.rectification_verify(user=staff, rectification=rectification)

    services.rectification_submit(
        user=staff,
        rectification=rectification,
        report="已召开第二季度例会",
        evidence=[minutes_pdf("例会纪要.pdf")],
    )
    with pytest.raises(ValidationError):
        services.rectification_reopen(user=office, rectification=rectification, reason=" ")
    services.rectification_reopen(user=office, rectification=rectification, reason="纪要未盖章")
    assert Notification.objects.filter(recipient=staff, body="纪要未盖章").exists()
    services.rectification_submit(
        user=staff,
        rectification=rectification,
        report="已补充盖章纪要",
        evidence=[minutes_pdf("盖章纪要.pdf")],
    )
    verified = services.rectification_verify(user=office, rectification=rectification)
    assert verified.status == "verified"
    events = list(
        RectificationEvent.objects.filter(rectification=rectification).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert events == [
        ("", "open", office.pk),
        ("open", "submitted", staff.pk),
        ("submitted", "reopened", office.pk),
        ("reopened", "submitted", staff.pk),
        ("submitted", "verified", office.pk),
    ]
    assert verified.evidence.count() == 2

    inspection = services.inspection_complete(
        user=office, inspection=inspection, held_end=date(2026, 5, 13)
    )
    letter = services.letter_send(
        user=office,
        inspection=inspection,
        document_number="办公共函〔2026〕12号",
        sent_on=date(2026, 6, 1),
    )
    assert letter.local_government == "长沙市开福区人民政府"
    assert letter.provincial_government == "湖南省人民政府"
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.FEEDBACK_SENT

    params = {"unit": people["unit"].pk, "inspection": inspection.pk}
    pdf = _pdf_text(document_render(kind=INSPECTION_LETTER, params=params, format="pdf").content)
    docx = _docx_text(document_render(kind=INSPECTION_LETTER, params=params, format="docx").content)
    for text in (pdf, docx.replace("\n", "").replace(" ", "")):
        assert "长沙市开福区人民政府" in text
        assert "湖南省人民政府" in text
        assert "领导小组例会未按季度召开" in text
        assert "每季度至少召开一次领导小组例会并形成纪要" in text
        # the deadline in the Chinese form of official text, not ISO
        assert "2026年7月31日" in text
        assert "李明" in text
        assert "王芳" in text
        assert "办公共函〔2026〕12号" in text


def test_R4_1_letter_content_lists_every_finding_and_both_addressees(people):
    inspection = InspectionFactory(
        unit=people["unit"],
        status=Inspection.Status.COMPLETED,
        held_start=date(2026, 5, 11),
        held_end=date(2026, 5, 13),
    )
    for text in ("文化站免费开放时间不足", "经费使用台账不完整"):
        RectificationFactory(finding=FindingFactory(inspection=inspection, description=text))
    params = {"unit": people["unit"].pk, "inspection": inspection.pk}
    text = _docx_text(document_render(kind=INSPECTION_LETTER, params=params, format="docx").content)
    assert "长沙市开福区人民政府、湖南省人民政府：" in text
    assert "文化站免费开放时间不足" in text
    assert "经费使用台账不完整" in text
    assert "区文化旅游体育局" in text


def test_R4_1_letter_only_after_completion(people):
    inspection = _plan(people)
    with pytest.raises(ValidationError):
        services.letter_send(
            user=people["office"],
            inspection=inspection,
            document_number="x",
            sent_on=date(2026, 6, 1),
        )


def test_finding_deadline_must_follow_the_inspection(people):
    inspection = services.inspection_start(
        user=people["office"], inspection=_plan(people), held_start=date(2026, 5, 11)
    )
    with pytest.raises(ValidationError) as error:
        services.finding_add(
            user=people["office"],
            inspection=inspection,
            fields={"severity": "minor", "rule_id": "R2.1", "description": "d", "requirement": "r"},
            owner="o",
            deadline=date(2026, 5, 1),
        )
    assert "deadline" in error.value.message_dict


def test_rectification_submit_needs_evidence(people):
    rectification = RectificationFactory(finding__inspection__unit=people["unit"])
    with pytest.raises(ValidationError) as error:
        services.rectification_submit(
            user=people["staff"], rectification=rectification, report="done"
        )
    assert "evidence" in error.value.message_dict
    rectification.refresh_from_db()
    assert rectification.status == "open"
    assert not RectificationEvent.objects.filter(rectification=rectification).exists()


def test_unit_staff_cannot_verify_or_reopen(people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], status="submitted"
    )
    with pytest.raises(PermissionDenied):
        services.rectification_verify(user=people["staff"], rectification=rectification)
    with pytest.raises(PermissionDenied):
        services.rectification_reopen(user=people["staff"], rectification=rectification, reason="x")


def test_office_of_another_programme_cannot_act(people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], status="submitted"
    )
    other = people["other_office"]
    with pytest.raises(PermissionDenied):
        services.rectification_verify(user=other, rectification=rectification)
    with pytest.raises(PermissionDenied):
        services.rectification_reopen(user=other, rectification=rectification, reason="")
    with pytest.raises(PermissionDenied):
        services.inspection_start(
            user=other, inspection=rectification.finding.inspection, held_start=date(2026, 5, 1)
        )


def test_staff_of_another_unit_cannot_submit(people):
    rectification = RectificationFactory(finding__inspection__unit=people["unit"])
    stranger = RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=CreationUnitFactory()).user
    with pytest.raises(PermissionDenied):
        services.rectification_submit(
            user=stranger, rectification=rectification, report="x", evidence=[minutes_pdf()]
        )


def test_province_only_reads(people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], status="submitted"
    )
    with pytest.raises(PermissionDenied):
        services.rectification_verify(user=people["culture"], rectification=rectification)


def test_verified_is_final(people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], status="verified"
    )
    with pytest.raises(ValidationError):
        services.rectification_reopen(
            user=people["office"], rectification=rectification, reason="x"
        )


# --- Reminders -----------------------------------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)


def test_R4_1_rectification_reminders_go_out_exactly_once(people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], deadline=date(2026, 7, 31)
    )
    done = RectificationFactory(
        finding__inspection__unit=people["unit"], deadline=date(2026, 7, 31), status="verified"
    )
    staff = people["staff"]
    assert services.rectification_reminder_sweep(now=_at(date(2026, 7, 20))) == 0
    assert services.rectification_reminder_sweep(now=_at(date(2026, 7, 24))) == 1
    assert services.rectification_reminder_sweep(now=_at(date(2026, 7, 24))) == 0
    assert services.rectification_reminder_sweep(now=_at(date(2026, 7, 25))) == 0
    assert services.rectification_reminder_sweep(now=_at(date(2026, 7, 30))) == 1
    assert services.rectification_reminder_sweep(now=_at(date(2026, 8, 1))) == 1
    assert services.rectification_reminder_sweep(now=_at(date(2026, 8, 1))) == 0
    assert (
        services.rectification_reminder_send(
            rectification_id=rectification.pk, kind="after-1", now=_at(date(2026, 8, 1))
        )
        is None
    )
    kinds = set(
        RectificationReminder.objects.filter(rectification=rectification).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"before-7", "before-1", "after-1"}
    assert not RectificationReminder.objects.filter(rectification=done).exists()
    assert Notification.objects.filter(recipient=staff).count() == 3


def _rectifications_due(count: int) -> list[Rectification]:
    rectifications = []
    for number in range(count):
        unit = CreationUnitFactory(region=CityFactory())
        RoleAssignmentFactory(role=Role.UNIT_STAFF, unit=unit, user__username=f"staff{number}")
        rectifications.append(
            RectificationFactory(finding__inspection__unit=unit, deadline=date(2026, 7, 31))
        )
    return rectifications


def test_R4_1_rectification_reminders_of_many_units_go_out_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    rectifications = _rectifications_due(30)
    with django_assert_max_num_queries(12):
        assert services.rectification_reminder_sweep(now=_at(date(2026, 7, 30))) == 30
    assert set(RectificationReminder.objects.values_list("rectification_id", "kind")) == {
        (rectification.pk, "before-1") for rectification in rectifications
    }
    assert Notification.objects.count() == 30


@pytest.mark.django_db(transaction=True)
def test_R4_1_rectification_reminders_exactly_once_under_two_concurrent_sweeps():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sweeps need row locks; CI runs this on PostgreSQL")
    _rectifications_due(30)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.rectification_reminder_sweep(now=_at(date(2026, 7, 30))))
        except Exception as error:  # asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(results) == 30
    assert RectificationReminder.objects.count() == 30
    assert Notification.objects.count() == 30


def test_rectification_reminder_task_runs_the_sweep(people):
    from inspections.tasks import rectification_reminder_sweep_task

    RectificationFactory(
        finding__inspection__unit=people["unit"],
        deadline=(datetime.now(SHANGHAI) + timedelta(days=1)).date(),
    )
    assert rectification_reminder_sweep_task() == 1
    assert rectification_reminder_sweep_task() == 0


def test_rectification_reminder_sweep_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "inspections.tasks.rectification_reminder_sweep_task" in tasks


# --- R4.2 self-inspection -------------------------------------------------------------------------


def test_R4_2_self_inspection_is_the_half_yearly_obligation_and_copied_to_the_province(people):
    from reporting.rules import ObligationType, period_months
    from reporting.selectors import province_copied_reports

    assert period_months("zone", ObligationType.SELF_INSPECTION) == 6
    assert period_months("project", ObligationType.SELF_INSPECTION) == 6
    unit, staff = people["unit"], people["staff"]
    indicators_for(unit, 2)
    obligation = SelfInspectionObligationFactory(unit=unit)
    meeting = MeetingFactory(unit=unit)
    self_inspection = services.self_inspection_save(
        user=staff, obligation=obligation, summary="逐项自查", meeting=meeting
    )
    items = list(self_inspection.items.all())
    assert len(items) == 2
    # a draft is the unit's own
    assert not province_self_inspections(user=people["culture"]).exists()
    with pytest.raises(ValidationError):
        services.self_inspection_submit(user=staff, self_inspection=self_inspection)
    services.self_inspection_save(
        user=staff,
        obligation=obligation,
        summary="逐项自查",
        meeting=meeting,
        results={items[0].pk: ("met", ""), items[1].pk: ("partly", "设施开放时间不足")},
    )
    submission = services.self_inspection_submit(
        user=staff, self_inspection=self_inspection, now=_at(date(2026, 7, 10))
    )
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.obligation == obligation
    assert submission.is_late is False
    assert "设施开放时间不足" in submission.body
    for reviewer in ("culture", "finance"):
        user = people[reviewer]
        assert list(province_self_inspections(user=user)) == [self_inspection]
        assert submission in province_copied_reports(user=user)
    with pytest.raises(ValidationError):
        services.self_inspection_save(user=staff, obligation=obligation, summary="改")


def test_R4_2_self_inspection_meeting_must_be_the_units(people):
    obligation = SelfInspectionObligationFactory(unit=people["unit"])
    with pytest.raises(ValidationError):
        services.self_inspection_save(
            user=people["staff"],
            obligation=obligation,
            summary="s",
            meeting=MeetingFactory(),
        )


def test_R4_2_only_unit_staff_write_the_self_inspection(people):
    obligation = SelfInspectionObligationFactory(unit=people["unit"])
    with pytest.raises(PermissionDenied):
        services.self_inspection_save(user=people["office"], obligation=obligation, summary="s")


def test_comparison_lists_items_side_by_side_and_missed_findings(people):
    unit, staff = people["unit"], people["staff"]
    indicators = indicators_for(unit, 2)
    inspection = InspectionFactory(unit=unit, status=Inspection.Status.COMPLETED)
    services.checklist_from_standard(user=people["office"], inspection=inspection)
    missed = FindingFactory(inspection=inspection, indicator=indicators[0])
    FindingFactory(inspection=inspection, indicator=indicators[1])
    self_inspection = services.self_inspection_save(
        user=staff, obligation=SelfInspectionObligationFactory(unit=unit), summary="s"
    )
    first, second = self_inspection.items.all()
    services.self_inspection_save(
        user=staff,
        obligation=self_inspection.obligation,
        summary="s",
        results={first.pk: ("met", ""), second.pk: ("not_met", "")},
    )
    comparison = self_inspection_comparison(self_inspection=self_inspection, inspection=inspection)
    assert [(item.own is not None, item.office is not None) for item in comparison.items] == [
        (True, True),
        (True, True),
    ]
    assert comparison.missed == [missed]


def test_rectification_status_labels_exist():
    assert set(Rectification.Status.values) == {
        "open",
        "in_progress",
        "submitted",
        "reopened",
        "verified",
    }


def test_R4_2_a_started_self_inspection_keeps_its_obligation_in_the_calendar(people):
    from reporting.models import Obligation, Submission
    from reporting.services import obligations_sync

    unit = people["unit"]
    obligations_sync(unit=unit)
    obligation = Obligation.objects.filter(unit=unit, type="self_inspection").first()
    services.self_inspection_save(user=people["staff"], obligation=obligation, summary="自查")
    draft = Submission.objects.get(obligation=obligation)
    assert draft.status == Submission.Status.DRAFT
    assert "自查" in draft.body
    unit.start_date = unit.batch.cycle_end - timedelta(days=10)
    unit.save(update_fields=["start_date"])
    obligations_sync(unit=unit)
    assert Obligation.objects.filter(pk=obligation.pk).exists()


def test_R4_2_returned_self_inspection_can_be_changed_and_resubmitted(people):
    from reporting.services import submission_return

    unit, staff = people["unit"], people["staff"]
    obligation = SelfInspectionObligationFactory(unit=unit)
    self_inspection = services.self_inspection_save(user=staff, obligation=obligation, summary="s")
    submission = services.self_inspection_submit(user=staff, self_inspection=self_inspection)
    submission_return(reviewer=people["office"], submission=submission, comment="请补充")
    services.self_inspection_save(user=staff, obligation=obligation, summary="补充后的总结")
    resubmitted = services.self_inspection_submit(user=staff, self_inspection=self_inspection)
    assert resubmitted.status == "submitted"
    assert "补充后的总结" in resubmitted.body
