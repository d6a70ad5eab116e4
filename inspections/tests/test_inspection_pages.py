"""Supervision pages and API (R4): forms that validate and keep their input, permissions (403),
scope across units (404), and lists whose query count does not grow with their rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from creation.tests.factories import CreationUnitFactory, minutes_pdf
from inspections.models import Inspection, Rectification, RectificationEvent
from inspections.tests.factories import (
    FeedbackLetterFactory,
    FindingFactory,
    InspectionFactory,
    RectificationFactory,
    SelfInspectionFactory,
    SelfInspectionItemFactory,
    SelfInspectionObligationFactory,
    inspection_people,
)
from reporting.models import DocumentJob
from reporting.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return inspection_people()


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _constant(client, url: str, make) -> None:
    """The page or endpoint makes as many queries for 20 rows as for 1."""
    make(1)
    one = _count(client, url)
    make(19)
    assert _count(client, url) == one


# --- Query counts ----------------------------------------------------------------------------------


def _rectifications(unit, status="open"):
    def make(count):
        for _ in range(count):
            RectificationFactory(finding__inspection__unit=unit, status=status)
            RectificationEvent.objects.create(
                rectification=Rectification.objects.latest("pk"),
                at=timezone.now(),
                to_status=status,
            )

    return make


def _letters(unit):
    def make(count):
        for _ in range(count):
            FeedbackLetterFactory(inspection__unit=unit)

    return make


def _self_inspections(unit):
    def make(count):
        start = SelfInspectionFactory._meta.model.objects.count()
        for index in range(start, start + count):
            obligation = SelfInspectionObligationFactory(
                unit=unit,
                period_start=date(2000 + index, 1, 1),
                period_end=date(2000 + index, 6, 30),
                period_label=f"{2000 + index}H1",
            )
            self_inspection = SelfInspectionFactory(unit=unit, obligation=obligation)
            SelfInspectionItemFactory(self_inspection=self_inspection)
            SubmissionFactory(
                obligation=obligation,
                status="submitted",
                first_submitted_at=obligation.due_at,
                submitted_at=obligation.due_at,
                is_late=False,
            )

    return make


@pytest.mark.parametrize(
    ("role", "route", "maker"),
    [
        ("office", "inspections:inspection-list", "letters"),
        ("culture", "inspections:letter-list", "letters"),
        ("staff", "inspections:unit-rectifications", "rectifications"),
        ("staff", "inspections:unit-self-inspections", "self_inspections"),
        ("finance", "inspections:province-self-inspections", "self_inspections"),
        ("office", "api:inspection-list", "letters"),
        ("office", "api:finding-list", "rectifications"),
        ("staff", "api:rectification-list", "rectifications"),
        ("culture", "api:rectification-event-list", "rectifications"),
        ("culture", "api:feedback-letter-list", "letters"),
        ("finance", "api:self-inspection-list", "self_inspections"),
    ],
)
def test_list_queries_constant(client, people, role, route, maker):
    unit = people["unit"]
    client.force_login(people[role])
    url = (
        reverse(route, kwargs={"pk": unit.pk})
        if route.startswith("inspections:unit")
        else reverse(route)
    )
    makers = {
        "letters": _letters(unit),
        "rectifications": _rectifications(unit),
        "self_inspections": _self_inspections(unit),
    }
    _constant(client, url, makers[maker])


def test_plan_queries_constant(client, people):
    client.force_login(people["office"])
    unit = people["unit"]

    def make(count):
        for _ in range(count):
            InspectionFactory(
                unit=CreationUnitFactory(batch=unit.batch, region=unit.region, level="district"),
                planned_start=date(2026, 4, 1),
                planned_end=date(2026, 4, 2),
            )

    _constant(client, reverse("inspections:plan") + "?year=2026", make)


def test_inspection_detail_queries_constant(client, people):
    client.force_login(people["culture"])
    inspection = InspectionFactory(unit=people["unit"], status="completed")

    def make(count):
        for _ in range(count):
            RectificationFactory(finding=FindingFactory(inspection=inspection))

    _constant(client, reverse("inspections:inspection-detail", kwargs={"pk": inspection.pk}), make)


def test_rectification_detail_queries_constant(client, people):
    client.force_login(people["staff"])
    rectification = RectificationFactory(finding__inspection__unit=people["unit"])

    def make(count):
        for _ in range(count):
            RectificationEvent.objects.create(
                rectification=rectification, at=timezone.now(), to_status="open"
            )

    _constant(
        client, reverse("inspections:rectification-detail", kwargs={"pk": rectification.pk}), make
    )


# --- R4.1 plan page ---------------------------------------------------------------------------


def test_R4_1_plan_page_flags_units(client, people):
    unit = people["unit"]
    busy = CreationUnitFactory(batch=unit.batch, region=unit.region, level="district")
    for month in (2, 5, 8):
        InspectionFactory(
            unit=busy, planned_start=date(2026, month, 1), planned_end=date(2026, month, 2)
        )
    client.force_login(people["culture"])
    page = client.get(reverse("inspections:plan"), {"year": 2026}).content.decode()
    assert f'data-unit-id="{unit.pk}" class="coverage-none"' in page
    assert f'data-unit-id="{busy.pk}" class="coverage-too_many"' in page


def test_plan_page_is_for_office_and_province(client, people):
    client.force_login(people["staff"])
    assert client.get(reverse("inspections:plan")).status_code == 403


# --- Forms --------------------------------------------------------------------------------------


def test_inspection_form_keeps_input_and_says_what_is_wrong(client, people):
    client.force_login(people["office"])
    url = reverse("inspections:inspection-create", kwargs={"pk": people["unit"].pk})
    response = client.post(
        url,
        {
            "planned_start": "2026-05-13",
            "planned_end": "2026-05-11",
            "leader_name": "李明",
            "leader_position": "副司长",
            "scope": "检查范围文字",
            "members": "王芳",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "检查范围文字" in page
    assert Inspection.objects.count() == 0
    form = response.context["form"]
    assert "planned_end" in form.errors
    assert "members" in form.errors


def test_inspection_form_plans(client, people):
    client.force_login(people["office"])
    url = reverse("inspections:inspection-create", kwargs={"pk": people["unit"].pk})
    response = client.post(
        url,
        {
            "planned_start": "2026-05-11",
            "planned_end": "2026-05-13",
            "leader_name": "李明",
            "leader_position": "副司长",
            "scope": "范围",
            "members": "王芳，专家\n赵强, 处长",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert list(inspection.members.values_list("name", "position")) == [
        ("王芳", "专家"),
        ("赵强", "处长"),
    ]


def test_other_programme_office_cannot_plan(client, people):
    client.force_login(people["other_office"])
    url = reverse("inspections:inspection-create", kwargs={"pk": people["unit"].pk})
    assert client.get(url).status_code == 404  # the unit is not in its scope


def test_finding_form_refuses_a_deadline_before_the_inspection(client, people):
    inspection = InspectionFactory(
        unit=people["unit"],
        status="completed",
        held_start=date(2026, 5, 11),
        held_end=date(2026, 5, 13),
    )
    client.force_login(people["office"])
    response = client.post(
        reverse("inspections:finding-create", kwargs={"pk": inspection.pk}),
        {
            "severity": "major",
            "rule_id": "R1.3",
            "description": "问题描述",
            "requirement": "整改要求",
            "owner": "文旅局",
            "deadline": "2026-05-01",
        },
    )
    assert response.status_code == 200
    assert "deadline" in response.context["form"].errors
    assert "问题描述" in response.content.decode()


def test_finding_form_refuses_a_bad_rule_and_a_fake_file(client, people):
    inspection = InspectionFactory(
        unit=people["unit"], status="in_progress", held_start=date(2026, 5, 11)
    )
    client.force_login(people["office"])
    fake = SimpleUploadedFile("证据.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("inspections:finding-create", kwargs={"pk": inspection.pk}),
        {
            "severity": "major",
            "rule_id": "R9.9",
            "description": "d",
            "requirement": "r",
            "owner": "o",
            "deadline": "2026-08-01",
            "evidence": fake,
        },
    )
    errors = response.context["form"].errors
    assert "rule_id" in errors
    assert "evidence" in errors


def test_unit_submits_rectification_with_evidence_and_office_reopens_and_verifies(client, people):
    rectification = RectificationFactory(finding__inspection__unit=people["unit"])
    url = reverse("inspections:rectification-submit", kwargs={"pk": rectification.pk})
    client.force_login(people["staff"])
    response = client.post(url, {"report": "已整改"})
    assert response.status_code == 400
    assert "已整改" in response.content.decode()  # nothing lost
    response = client.post(url, {"report": "已整改", "evidence": minutes_pdf("纪要.pdf")})
    assert response.status_code == 302
    verify = reverse("inspections:rectification-verify", kwargs={"pk": rectification.pk})
    assert client.post(verify).status_code == 403  # unit staff cannot verify
    client.force_login(people["office"])
    client.post(
        reverse("inspections:rectification-reopen", kwargs={"pk": rectification.pk}),
        {"reason": "材料不全"},
    )
    rectification.refresh_from_db()
    assert rectification.status == "reopened"
    client.force_login(people["staff"])
    client.post(url, {"report": "已补充", "evidence": minutes_pdf("补充.pdf")})
    client.force_login(people["office"])
    assert client.post(verify).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == "verified"
    assert rectification.events.count() == 4


def test_other_programme_office_cannot_verify(client, people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], status="submitted"
    )
    client.force_login(people["other_office"])
    url = reverse("inspections:rectification-verify", kwargs={"pk": rectification.pk})
    assert client.post(url).status_code == 404


def test_province_reads_the_letter_but_cannot_send_it(client, people):
    inspection = InspectionFactory(
        unit=people["unit"],
        status="completed",
        held_start=date(2026, 5, 11),
        held_end=date(2026, 5, 13),
    )
    client.force_login(people["culture"])
    url = reverse("inspections:letter", kwargs={"pk": inspection.pk})
    page = client.get(url).content.decode()
    assert "长沙市开福区人民政府" in page
    assert "湖南省人民政府" in page
    assert client.post(url, {"document_number": "x", "sent_on": "2026-06-01"}).status_code == 403


def test_office_records_the_letter_and_the_unit_downloads_it(client, people):
    inspection = InspectionFactory(
        unit=people["unit"],
        status="completed",
        held_start=date(2026, 5, 11),
        held_end=date(2026, 5, 13),
    )
    client.force_login(people["office"])
    url = reverse("inspections:letter", kwargs={"pk": inspection.pk})
    response = client.post(
        url,
        {
            "document_number": "办公共函〔2026〕3号",
            "sent_on": "2026-05-01",
            "local_government": "长沙市开福区人民政府",
            "provincial_government": "湖南省人民政府",
        },
    )
    assert "sent_on" in response.context["form"].errors
    response = client.post(
        url,
        {
            "document_number": "办公共函〔2026〕3号",
            "sent_on": "2026-06-01",
            "local_government": "长沙市开福区人民政府",
            "provincial_government": "湖南省人民政府",
        },
    )
    assert response.status_code == 302
    client.force_login(people["staff"])
    letters = client.get(reverse("inspections:letter-list")).content.decode()
    assert "办公共函〔2026〕3号" in letters
    api = APIClient()
    api.force_authenticate(people["finance"])
    rows = api.get(reverse("api:feedback-letter-list")).json()["results"]
    assert [row["document_number"] for row in rows] == ["办公共函〔2026〕3号"]
    response = client.post(
        reverse("inspections:letter-document", kwargs={"pk": inspection.pk}), {"format": "docx"}
    )
    job = DocumentJob.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.format, job.unit_id) == ("inspection-letter", "docx", people["unit"].pk)


def test_unit_cannot_download_an_unsent_letter(client, people):
    inspection = InspectionFactory(unit=people["unit"], status="completed")
    client.force_login(people["staff"])
    response = client.post(reverse("inspections:letter-document", kwargs={"pk": inspection.pk}))
    assert response.status_code == 302
    assert not DocumentJob.objects.exists()


def test_across_units_everything_is_404(client, people):
    stranger = CreationUnitFactory()
    rectification = RectificationFactory(finding__inspection__unit=stranger)
    client.force_login(people["staff"])
    for route, pk in (
        ("inspections:inspection-detail", rectification.finding.inspection_id),
        ("inspections:rectification-detail", rectification.pk),
        ("inspections:unit-rectifications", stranger.pk),
        ("inspections:letter", rectification.finding.inspection_id),
    ):
        assert client.get(reverse(route, kwargs={"pk": pk})).status_code == 404, route
    api = APIClient()
    api.force_authenticate(people["staff"])
    assert (
        api.get(reverse("api:rectification-detail", kwargs={"pk": rectification.pk})).status_code
        == 404
    )


# --- R4.2 pages ----------------------------------------------------------------------------------


def test_R4_2_self_inspection_page_submits_through_reporting_and_province_sees_copy(client, people):
    unit = people["unit"]
    obligation = SelfInspectionObligationFactory(unit=unit)
    client.force_login(people["staff"])
    url = reverse("inspections:self-inspection-edit", kwargs={"pk": obligation.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"summary": "", "action": "submit"})
    assert response.status_code == 200
    assert "summary" in response.context["form"].errors
    response = client.post(url, {"summary": "半年自查总结", "action": "submit"})
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.submission.status == "submitted"
    for reviewer in ("culture", "finance"):
        client.force_login(people[reviewer])
        page = client.get(reverse("inspections:province-self-inspections")).content.decode()
        assert f'data-self-inspection-id="{obligation.self_inspection.pk}"' in page


def test_R4_2_draft_self_inspection_is_not_copied_yet(client, people):
    SelfInspectionFactory(unit=people["unit"])
    client.force_login(people["culture"])
    page = client.get(reverse("inspections:province-self-inspections")).content.decode()
    assert "data-self-inspection-id" not in page


def test_comparison_page_is_for_the_office(client, people):
    unit = people["unit"]
    self_inspection = SelfInspectionFactory(unit=unit)
    inspection = InspectionFactory(unit=unit, status="completed", held_start=date(2026, 5, 11))
    finding = FindingFactory(inspection=inspection, description="漏查的问题")
    url = reverse("inspections:self-inspection-compare", kwargs={"pk": self_inspection.pk})
    client.force_login(people["staff"])
    assert client.get(url).status_code == 403
    client.force_login(people["office"])
    page = client.get(url).content.decode()
    assert f'data-finding-id="{finding.pk}"' in page
    assert "漏查的问题" in page


def test_api_client_cannot_act(people):
    from creation.models import RoleAssignment
    from creation.tests.factories import RoleAssignmentFactory

    client_user = RoleAssignmentFactory(
        role=RoleAssignment.Role.API_CLIENT, unit=people["unit"]
    ).user
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], status="submitted"
    )
    api = APIClient()
    api.force_authenticate(client_user)
    url = reverse("api:rectification-verify", kwargs={"pk": rectification.pk})
    assert api.post(url, {}, format="json").status_code == 403
    assert api.get(reverse("api:rectification-list")).json()["count"] == 1


def test_api_rectification_actions(people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], deadline=timezone.localdate() + timedelta(days=3)
    )
    api = APIClient()
    api.force_authenticate(people["staff"])
    submit = reverse("api:rectification-submit", kwargs={"pk": rectification.pk})
    response = api.post(submit, {"report": "已整改", "files": [minutes_pdf()]}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    verify = reverse("api:rectification-verify", kwargs={"pk": rectification.pk})
    assert api.post(verify, {}, format="json").status_code == 403
    api.force_authenticate(people["office"])
    reopen = reverse("api:rectification-reopen", kwargs={"pk": rectification.pk})
    assert api.post(reopen, {}, format="json").status_code == 400
    assert api.post(reopen, {"reason": "不全"}, format="json").json()["status"] == "reopened"


def test_reopening_without_a_reason_shows_the_error_summary_in_the_reopen_form(client, people):
    rectification = RectificationFactory(
        finding__inspection__unit=people["unit"], status="submitted"
    )
    client.force_login(people["office"])
    response = client.post(
        reverse("inspections:rectification-reopen", kwargs={"pk": rectification.pk}),
        {"reason": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    reopen = html[html.index('reopen/"') :]
    summary = reopen.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_reason"' in summary
    rectification.refresh_from_db()
    assert rectification.status == "submitted"


def test_starting_an_inspection_without_a_date_shows_the_error_summary(client, people):
    inspection = InspectionFactory(unit=people["unit"])
    client.force_login(people["office"])
    response = client.post(
        reverse("inspections:inspection-start", kwargs={"pk": inspection.pk}), {"day": ""}
    )
    assert response.status_code == 200
    summary = response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_day"' in summary
    inspection.refresh_from_db()
    assert inspection.status == "planned"
