"""R6.3: the bulletin of a closed period, as PDF (CJK font embedded) and Word, lists every unit in
rank order with its base, adoption points and total."""

import io
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creation.models import RoleAssignment
from creation.tests.factories import BatchFactory, CreationUnitFactory, RoleAssignmentFactory
from reporting import documents, fonts
from reporting.models import DocumentJob
from reporting.services import document_job_run
from scoring import services
from scoring.bulletin import BULLETIN
from scoring.models import PeriodScore
from scoring.rules import HalfYear
from scoring.tests.factories import AdoptionClaimFactory, outlet
from scoring.tests.helpers import office_of, report, staff_of

pytestmark = pytest.mark.django_db

needs_pdf = pytest.mark.skipif(
    fonts.pdf_problem() is not None,
    reason=f"PDF rendering is unavailable here: {fonts.pdf_problem()}",
)


@pytest.fixture
def bulletin():
    batch = BatchFactory(cycle_start=date(2026, 1, 1), cycle_end=date(2027, 12, 31))
    # 湘潭市 190, 长沙市 90, 株洲市 0 (a late update, no adoption)
    units = {
        name: CreationUnitFactory(batch=batch, name=name) for name in ("长沙市", "株洲市", "湘潭市")
    }
    for name, tiers in (
        ("长沙市", ["人民日报"]),
        ("湘潭市", ["求是", "新华社", "光明日报", "文化部网站"]),
    ):
        for n, outlet_name in enumerate(tiers):
            AdoptionClaimFactory(
                unit=units[name], outlet=outlet(outlet_name), title=f"稿件{n}", status="verified"
            )
    report(units["株洲市"], date(2026, 3, 5), late=True)
    office = office_of(batch.programme)
    period = services.period_ensure(
        programme=batch.programme, kind="zone", half_year=HalfYear(2026, 1)
    )
    period = services.period_close(
        period=period, user=office, now=datetime(2026, 7, 20, tzinfo=UTC)
    )
    return services.bulletin_publish(
        period=period, user=office, number="文公共〔2026〕7号", published_on=date(2026, 7, 25)
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
    return "".join(parts).replace(" ", "")


def _render(bulletin, format):
    return documents.document_render(kind=BULLETIN, params={"bulletin": bulletin.pk}, format=format)


def _in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(p) for p in parts]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


@needs_pdf
def test_R6_3_bulletin_pdf_lists_units_in_rank_order_and_embeds_a_cjk_font(bulletin):
    from pypdf import PdfReader

    rendered = _render(bulletin, "pdf")
    assert rendered.content.startswith(b"%PDF")
    text = _pdf_text(rendered.content)
    assert "文公共〔2026〕7号" in text
    # rank, unit, base, bonus, total per row
    assert _in_order(text, ["1湘潭市50140190", "2长沙市504090", "3株洲市000"]), text
    reader = PdfReader(io.BytesIO(rendered.content))
    embedded = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Subtype"] == "/Type0"
            for descendant in font["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                embedded.append(any(key.startswith("/FontFile") for key in descriptor))
    assert embedded
    assert all(embedded)


def test_R6_3_bulletin_docx_lists_units_in_rank_order(bulletin):
    rendered = _render(bulletin, "docx")
    assert rendered.filename.endswith(".docx")
    text = _docx_text(rendered.content)
    assert "文公共〔2026〕7号" in text
    assert _in_order(text, ["1湘潭市50140190", "2长沙市504090", "3株洲市000"]), text


def test_R6_3_bulletin_document_job_belongs_to_the_programme(bulletin):
    unit = bulletin.period.scores.get(unit__name="株洲市").unit
    staff = staff_of(unit)
    with mock.patch("reporting.tasks.document_job_run_task.delay"):
        job = services.bulletin_document_request(bulletin=bulletin, user=staff, format="docx")
    assert (job.programme_id, job.unit_id) == (bulletin.period.programme_id, None)
    job = document_job_run(job_id=job.pk)
    assert job.status == DocumentJob.Status.DONE
    # every unit of the programme sees it; a unit of another programme does not
    assert DocumentJob.objects.visible_to(staff).filter(pk=job.pk).exists()
    stranger = staff_of(CreationUnitFactory())
    assert not DocumentJob.objects.visible_to(stranger).filter(pk=job.pk).exists()
    with pytest.raises(PermissionDenied):
        services.bulletin_document_request(bulletin=bulletin, user=stranger, format="pdf")
    client = RoleAssignmentFactory(
        role=RoleAssignment.Role.API_CLIENT, programme=bulletin.period.programme
    ).user
    with pytest.raises(PermissionDenied):
        services.bulletin_document_request(bulletin=bulletin, user=client, format="pdf")


def test_R6_3_bulletin_cannot_be_asked_for_through_the_generic_document_request(bulletin):
    from django.core.exceptions import ValidationError

    from reporting.services import document_job_request

    staff = staff_of(CreationUnitFactory())  # a unit of another programme
    with pytest.raises(ValidationError):
        document_job_request(
            user=staff, kind=BULLETIN, format="pdf", params={"bulletin": bulletin.pk}
        )
    assert not DocumentJob.objects.exists()


def test_R6_3_bulletin_job_reports_its_stages_and_finishes_with_the_document(bulletin, client):
    from reporting import services as reporting_services
    from reporting.views.documents import job_status

    staff = staff_of(bulletin.period.scores.first().unit)
    with mock.patch("reporting.tasks.document_job_run_task.delay"):
        job = services.bulletin_document_request(bulletin=bulletin, user=staff, format="docx")
    seen = []
    real_progress = reporting_services._job_progress

    def watching(running, percent, stage):
        real_progress(running, percent, stage)
        stored = DocumentJob.objects.get(pk=running.pk)
        seen.append((stored.progress, stored.stage, job_status(stored)["status_label"]))

    with mock.patch("reporting.services._job_progress", side_effect=watching):
        job = document_job_run(job_id=job.pk)
    assert [(percent, stage) for percent, stage, _label in seen] == [
        (40, "layout"),
        (90, "storing"),
    ]
    # what the page's status line says meanwhile, in the language the job was asked in
    assert [label for _percent, _stage, label in seen] == [
        "生成中：正在排版",
        "生成中：正在保存文件",
    ]
    assert job.status == DocumentJob.Status.DONE
    client.force_login(staff)
    page = client.get(reverse("reporting:document-job", kwargs={"pk": job.pk}))
    state = page.context["state"]
    assert state["download_url"] == reverse(
        "reporting:document-job-download", kwargs={"pk": job.pk}
    )
    assert state["download_url"] in page.content.decode()
    download = client.get(state["download_url"])
    assert "文公共〔2026〕7号" in _docx_text(b"".join(download.streaming_content))


def _add_scored_units(bulletin, count):
    """`count` more units in a second batch, with frozen scores in the bulletin's period."""
    period = bulletin.period
    batch = BatchFactory(programme=period.programme, cycle_start=date(2026, 1, 1))
    units = CreationUnitFactory.create_batch(count, batch=batch)
    PeriodScore.objects.bulk_create(
        PeriodScore(
            period=period, unit=unit, all_on_time=True, base=50, bonus=0, total=50, rank=rank
        )
        for rank, unit in enumerate(units, start=1)
    )


def test_R6_3_bulletin_figures_take_the_same_queries_for_any_number_of_units(
    bulletin, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as small:
        _render(bulletin, "docx")
    _add_scored_units(bulletin, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        rendered = _render(bulletin, "docx")
    assert bulletin.period.scores.count() == 33
    assert _docx_text(rendered.content).count("50050") >= 30  # base 50, bonus 0, total 50
