"""R6.3: the bulletin of a closed period, as PDF (CJK font embedded) and Word, lists every unit in
rank order with its base, adoption points and total."""

import io
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from creation.models import RoleAssignment
from creation.tests.factories import BatchFactory, CreationUnitFactory, RoleAssignmentFactory
from reporting import documents, fonts
from reporting.models import DocumentJob
from reporting.services import document_job_run
from scoring import services
from scoring.bulletin import BULLETIN
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
