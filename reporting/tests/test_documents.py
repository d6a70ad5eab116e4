"""The document machinery and the summary report: the text of the generated PDF and Word file
holds the unit's name, the five part headings and the figures of its records; the PDF embeds a
CJK font; jobs run once, record failures and tell who asked; files are served within the scope."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from creation.tests.factories import (
    CreationUnitFactory,
    GroupMemberFactory,
    GroupOfficeFactory,
    LeadershipGroupFactory,
)
from places.models import StaffCount
from places.summary_report import PART_HEADINGS, SUMMARY_REPORT
from places.tests.factories import (
    ArtTeamFactory,
    CulturalEventFactory,
    FacilityFactory,
    HonourFactory,
    InvestmentFactory,
    StaffCountFactory,
    SummaryTextFactory,
    TrainingCourseFactory,
)
from portal.models import Notification
from reporting import documents, fonts
from reporting.models import DocumentJob
from reporting.services import document_job_request, document_job_run
from reporting.tests.document_factories import DocumentJobFactory

pytestmark = pytest.mark.django_db

needs_pdf = pytest.mark.skipif(
    fonts.pdf_problem() is not None,
    reason=f"PDF rendering is unavailable here: {fonts.pdf_problem()}",
)


@pytest.fixture
def unit():
    """A zone with records whose figures are easy to find in the text."""
    unit = CreationUnitFactory(name="长沙市开福区")
    FacilityFactory(
        unit=unit, kind="service_centre", name="综合文化服务中心", floor_area=Decimal("1000.5")
    )
    FacilityFactory(unit=unit, kind="community_room", floor_area=Decimal("60"))
    FacilityFactory(unit=unit, kind="community_room", floor_area=Decimal("70"))
    ArtTeamFactory(unit=unit, community="东风社区", members=23)
    ArtTeamFactory(unit=unit, community="东风社区", members=17)
    ArtTeamFactory(unit=unit, community="新河社区", members=31)
    CulturalEventFactory(unit=unit, name="社区艺术节", performances=12, audience=3456)
    CulturalEventFactory(unit=unit, name="广场文化节", performances=7, audience=2100)
    CulturalEventFactory(unit=unit, name="送戏进社区", is_brand=False, performances=1, audience=444)
    StaffCountFactory(
        unit=unit, level=StaffCount.Level.COUNTY, full_time=11, part_time=5, volunteers=61
    )
    StaffCountFactory(
        unit=unit, level=StaffCount.Level.TOWNSHIP, full_time=9, part_time=3, volunteers=120
    )
    TrainingCourseFactory(unit=unit, trainees=41)
    TrainingCourseFactory(unit=unit, course="广场舞辅导员培训", trainees=38)
    InvestmentFactory(unit=unit, item="文化站提质改造", amount=Decimal("120.50"))
    InvestmentFactory(unit=unit, item="农家文化屋场建设", amount=Decimal("80.25"))
    HonourFactory(unit=unit, title="全国文化先进单位", level="national")
    SummaryTextFactory(unit=unit, aims="坚持公益性、基本性、均等性、便利性。")
    group = LeadershipGroupFactory(unit=unit, name="开福区创建工作领导小组")
    GroupMemberFactory(group=group, name="王某甲", duty="全面领导创建工作")
    GroupOfficeFactory(unit=unit, placed_in="开福区文化旅游体育局")
    return unit


# Figures of the fixture, as the report must print them.
FIGURES = [
    "1130.5",  # floor area: 1000.5 + 60 + 70
    "3",  # facilities
    "71",  # team members 23 + 17 + 31
    "6000",  # audience 3456 + 2100 + 444
    "20",  # performances 12 + 7 + 1
    "79",  # trainees 41 + 38
    "200.75",  # money 120.50 + 80.25
    "181",  # volunteers 61 + 120
    "3456",
    "全国文化先进单位",
    "王某甲",
    "开福区文化旅游体育局",
    "坚持公益性、基本性、均等性、便利性。",
]


def _render(unit, format):
    return documents.document_render(kind=SUMMARY_REPORT, params={"unit": unit.pk}, format=format)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    # Table cells and wrapped lines come out with line breaks; compare without them.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _squeeze(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


@needs_pdf
def test_summary_report_pdf_holds_the_unit_the_five_parts_and_the_figures(unit):
    rendered = _render(unit, "pdf")
    assert rendered.content.startswith(b"%PDF")
    assert rendered.filename.endswith(".pdf")
    assert "长沙市开福区" in rendered.filename
    text = _pdf_text(rendered.content)
    assert "长沙市开福区" in text
    for heading in PART_HEADINGS:
        assert _squeeze(str(heading)) in text
    for figure in FIGURES:
        assert figure in text, figure


@needs_pdf
def test_summary_report_pdf_embeds_a_cjk_font(unit):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(_render(unit, "pdf").content))
    cjk_fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Subtype"] == "/Type0", font["/BaseFont"]  # CID-keyed, as CJK fonts are
            for descendant in font["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                embedded = [key for key in descriptor if key.startswith("/FontFile")]
                assert embedded, f"{font['/BaseFont']} is not embedded"
                ordering = descendant.get_object()["/CIDSystemInfo"]
                cjk_fonts.append((str(font["/BaseFont"]), ordering))
    names = " ".join(name for name, _ordering in cjk_fonts)
    families = [face.family.replace(" ", "-") for face in fonts.packaged_faces()]
    families += [family.replace(" ", "-") for family in fonts.system_cjk_families()]
    assert any(family in names for family in families), names


def test_summary_report_docx_holds_the_unit_the_five_parts_and_the_figures(unit):
    rendered = _render(unit, "docx")
    assert rendered.content.startswith(b"PK")
    text = _docx_text(rendered.content)
    assert "长沙市开福区" in text
    for heading in PART_HEADINGS:
        assert str(heading) in text
    for figure in FIGURES:
        assert figure in text, figure


def test_summary_report_docx_is_laid_out_as_an_official_document(unit):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document(io.BytesIO(_render(unit, "docx").content))
    section = document.sections[0]
    measures = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    # Word keeps lengths in twips: compare in whole millimetres
    assert [round(length.mm) for length in measures] == [210, 297, 37, 35, 28, 26]
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer


def test_summary_report_without_records_says_so_and_still_has_five_parts():
    unit = CreationUnitFactory(name="空白示范区")
    text = _docx_text(_render(unit, "docx").content)
    for heading in PART_HEADINGS:
        assert str(heading) in text
    assert "No facilities are recorded." in text or "未登记" in text


def test_document_of_an_unknown_unit_is_refused():
    with pytest.raises(documents.DocumentParamsError):
        documents.document_render(kind=SUMMARY_REPORT, params={"unit": 999999}, format="docx")
    with pytest.raises(documents.DocumentParamsError):
        documents.document_render(kind="no-such-kind", params={}, format="docx")


@needs_pdf
def test_pdf_layouts_load_no_file_but_the_fonts():
    fetcher = documents._fetcher()
    with pytest.raises(ValueError, match="may not load"):
        fetcher.fetch("file:///etc/passwd")
    for url in fonts.allowed_font_urls():
        assert fetcher.fetch(url).read(4)


@needs_pdf
def test_pdf_default_stylesheet_is_the_documents_own_and_keeps_list_markers():
    """The hook that sets documents' default stylesheet (markers for list items only, no
    notes) is still WeasyPrint's, and lists keep their bullets and numbers. Set in the
    documents' own faces, as the layouts set them: a machine's default font may be one whose
    subset pypdf cannot read back."""
    from pypdf import PdfReader
    from weasyprint import HTML

    assert "_ua_stylesheets" in vars(HTML)
    html_class = documents._document_html_class()
    style = f"{fonts.font_face_css()} body {{ font-family: {fonts.BODY_STACK}; }}"
    document = html_class(
        string=f"<style>{style}</style><ul><li>一</li></ul><ol><li>甲</li></ol>",
        url_fetcher=documents._fetcher(),
    )
    pdf = document.write_pdf(font_config=documents._font_config())
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "•" in text
    assert "1." in text
    assert document._ua_stylesheets() != HTML(string="")._ua_stylesheets()


def test_table_with_column_widths_is_laid_out_from_them():
    from django.template.loader import render_to_string

    table = documents.Table(headers=("名次", "单位"), rows=(("1", "湘潭市"),), widths=(30, 70))
    html = render_to_string("reporting/pdf/includes/_blocks.html", {"blocks": [table]})
    assert '<table class="fixed">' in html
    assert '<col style="width: 30%"><col style="width: 70%">' in html
    html = render_to_string(
        "reporting/pdf/includes/_blocks.html",
        {"blocks": [documents.Table(headers=("名次",), rows=(("1",),))]},
    )
    assert "<table>" in html
    assert "colgroup" not in html


def test_pdf_problem_names_pango_when_weasyprint_cannot_load(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    fonts.pdf_problem.cache_clear()
    monkeypatch.setattr(builtins, "__import__", failing_import)
    try:
        problem = fonts.pdf_problem()
        assert "Pango" in problem
        assert "libpango-1.0-0" in problem
        with pytest.raises(documents.DocumentUnavailable):
            documents.pdf_render(template="reporting/pdf/summary_report.html", context={})
    finally:
        monkeypatch.undo()
        fonts.pdf_problem.cache_clear()


def test_render_document_command_writes_the_file(unit, tmp_path):
    out = tmp_path / "report.docx"
    call_command("render_document", SUMMARY_REPORT, unit=unit.pk, format="docx", out=str(out))
    assert "长沙市开福区" in _docx_text(out.read_bytes())


@needs_pdf
def test_render_document_command_writes_a_pdf(unit, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("render_document", SUMMARY_REPORT, unit=unit.pk, format="pdf", out=str(out))
    assert "长沙市开福区" in _pdf_text(out.read_bytes())


def test_render_document_command_refuses_an_unknown_unit(tmp_path):
    from django.core.management.base import CommandError
    from django.utils import translation

    # the command speaks the portal's language (Chinese unless configured otherwise)
    with (
        translation.override("en"),
        pytest.raises(CommandError, match=r"没有该创建单位|no such creation unit"),
    ):
        call_command(
            "render_document", SUMMARY_REPORT, unit=999999, format="docx", out=str(tmp_path / "x")
        )


# --- Jobs ---------------------------------------------------------------------------------------


def test_document_job_request_queues_the_task_after_commit(
    world, django_capture_on_commit_callbacks
):
    unit = world.objects["units"]["own"]
    with (
        mock.patch("portal.tasks.enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = document_job_request(
            user=world.users["unit_staff"],
            kind=SUMMARY_REPORT,
            format="docx",
            params={"unit": unit.pk},
        )
    from reporting.tasks import document_job_run_task

    enqueue.assert_called_once_with(document_job_run_task, job.pk)
    assert (job.status, job.progress, job.unit, job.requested_by) == (
        DocumentJob.Status.QUEUED,
        0,
        unit,
        world.users["unit_staff"],
    )
    assert job.programme == unit.batch.programme


@pytest.mark.parametrize(
    ("role", "unit_key", "error"),
    [
        ("unit_staff", "other", "ValidationError"),  # outside the scope: an unknown unit
        ("api_client", "own", "PermissionDenied"),  # read-only accounts change nothing
        ("outsider", "own", "ValidationError"),
    ],
)
def test_document_job_request_refuses_units_outside_the_scope(world, role, unit_key, error):
    unit = world.objects["units"][unit_key]
    before = DocumentJob.objects.count()
    with pytest.raises((ValidationError, PermissionDenied)) as raised:
        document_job_request(
            user=world.users[role], kind=SUMMARY_REPORT, format="pdf", params={"unit": unit.pk}
        )
    assert type(raised.value).__name__ == error
    assert DocumentJob.objects.count() == before


def test_document_job_request_refuses_an_unknown_kind_or_format(world):
    user, unit = world.users["unit_staff"], world.objects["units"]["own"]
    with pytest.raises(ValidationError) as raised:
        document_job_request(user=user, kind="nope", format="pdf", params={"unit": unit.pk})
    assert "kind" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        document_job_request(user=user, kind=SUMMARY_REPORT, format="odt", params={"unit": unit.pk})
    assert "format" in raised.value.message_dict


def test_document_job_run_stores_the_file_and_tells_who_asked(unit, world):
    user = world.users["superuser"]
    job = DocumentJob.objects.create(
        kind=SUMMARY_REPORT,
        format="docx",
        params={"unit": unit.pk},
        unit=unit,
        language="en",
        requested_by=user,
    )
    done = document_job_run(job_id=job.pk)
    assert (done.status, done.progress, done.error) == (DocumentJob.Status.DONE, 100, "")
    assert done.file_name == "长沙市开福区 summary report.docx"
    assert done.started_at <= done.finished_at
    with done.file.open("rb") as handle:
        assert "长沙市开福区" in _docx_text(handle.read())
    notification = Notification.objects.get(recipient=user, key=f"document-job-{job.pk}")
    assert notification.link == reverse("reporting:document-job", kwargs={"pk": job.pk})
    # a second delivery of the task changes nothing
    again = document_job_run(job_id=job.pk)
    assert (again.status, again.file.name) == (DocumentJob.Status.DONE, done.file.name)


def test_document_job_run_records_a_failure(world):
    unit = world.objects["units"]["own"]
    job = DocumentJob.objects.create(
        kind=SUMMARY_REPORT,
        format="docx",
        params={"unit": 999999},
        unit=unit,
        language="en",
        requested_by=world.users["unit_staff"],
    )
    failed = document_job_run(job_id=job.pk)
    assert failed.status == DocumentJob.Status.FAILED
    assert failed.error == "There is no such creation unit."
    assert not failed.file
    assert Notification.objects.filter(
        recipient=world.users["unit_staff"], key=f"document-job-{job.pk}"
    ).exists()


def test_document_job_run_hides_unexpected_errors_from_the_user(world):
    unit = world.objects["units"]["own"]
    job = DocumentJobFactory(unit=unit, status=DocumentJob.Status.QUEUED, file=None, format="docx")
    with mock.patch("reporting.services.document_render", side_effect=RuntimeError("secret path")):
        failed = document_job_run(job_id=job.pk)
    assert failed.status == DocumentJob.Status.FAILED
    assert "secret" not in failed.error
    assert failed.error


def test_document_job_progress_moves_while_rendering(unit, world):
    job = DocumentJob.objects.create(
        kind=SUMMARY_REPORT,
        format="docx",
        params={"unit": unit.pk},
        unit=unit,
        language="en",
        requested_by=world.users["superuser"],
    )
    seen = []
    real_render = documents.document_render

    def watching_render(**kwargs):
        def progress(percent, stage):
            kwargs_progress(percent, stage)
            stored = DocumentJob.objects.get(pk=job.pk)
            seen.append((stored.progress, stored.stage))

        kwargs_progress = kwargs.pop("progress")
        return real_render(**kwargs, progress=progress)

    with mock.patch("reporting.services.document_render", side_effect=watching_render):
        document_job_run(job_id=job.pk)
    assert seen == [(40, "layout"), (90, "storing")]


# --- Pages and API of jobs ----------------------------------------------------------------------


def test_job_page_shows_the_progress_bar_and_status_json(client, world):
    job = DocumentJobFactory(
        unit=world.objects["units"]["own"],
        status=DocumentJob.Status.RUNNING,
        progress=40,
        file=None,
    )
    client.force_login(world.users["province_culture"])
    page = client.get(reverse("reporting:document-job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="document-progress"' in page
    assert 'value="40"' in page
    status = client.get(reverse("reporting:document-job-status", kwargs={"pk": job.pk})).json()
    assert (status["status"], status["progress"], status["download_url"]) == ("running", 40, "")
    assert (
        client.get(reverse("reporting:document-job-download", kwargs={"pk": job.pk})).status_code
        == 404
    )  # not done yet


def test_job_download_serves_the_file_within_the_scope(client, world):
    job = world.objects["document_jobs"]["own"]
    client.force_login(world.users["office"])
    response = client.get(reverse("reporting:document-job-download", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    other = world.objects["document_jobs"]["provincial"]
    assert (
        client.get(reverse("reporting:document-job-download", kwargs={"pk": other.pk})).status_code
        == 404
    )


def test_api_document_job_create_answers_202_and_the_job(api_client, world):
    unit = world.objects["units"]["own"]
    api_client.force_authenticate(world.users["unit_staff"])
    with mock.patch("reporting.tasks.document_job_run_task.delay"):
        response = api_client.post(
            reverse("api:document-job-list"),
            {"kind": SUMMARY_REPORT, "format": "docx", "params": {"unit": unit.pk}},
            format="json",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["unit"], body["download_url"]) == ("queued", unit.pk, None)
    assert response["Location"] == reverse("api:document-job-detail", kwargs={"pk": body["id"]})


def test_api_document_job_create_refuses_other_units_and_read_only_clients(api_client, world):
    api_client.force_authenticate(world.users["unit_staff"])
    other = world.objects["units"]["other"]
    response = api_client.post(
        reverse("api:document-job-list"),
        {"kind": SUMMARY_REPORT, "format": "pdf", "params": {"unit": other.pk}},
        format="json",
    )
    assert response.status_code == 400
    assert "params" in response.json()["fields"]
    api_client.force_authenticate(world.users["api_client"])
    response = api_client.post(
        reverse("api:document-job-list"),
        {
            "kind": SUMMARY_REPORT,
            "format": "pdf",
            "params": {"unit": world.objects["units"]["own"].pk},
        },
        format="json",
    )
    assert response.status_code == 403


def test_api_document_job_download(api_client, world):
    job = world.objects["document_jobs"]["own"]
    api_client.force_authenticate(world.users["api_client"])
    response = api_client.get(reverse("api:document-job-download", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    # bytes, as the schema says; the file name tells the type
    assert response["Content-Type"] == "application/octet-stream"
    assert ".pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_document_job_list_queries_constant(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["superuser"])
    url = reverse("reporting:document-job-list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for unit in world.objects["units"].values():
        DocumentJobFactory.create_batch(5, unit=unit, requested_by=world.users["office"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count("data-document-job-id") == 24
    assert len(many) == len(few)


def test_api_document_job_list_queries_constant(api_client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api_client.force_authenticate(world.users["superuser"])
    url = reverse("api:document-job-list")
    api_client.get(url)  # the first request reads the user's scope once
    with CaptureQueriesContext(connection) as few:
        api_client.get(url)
    for unit in world.objects["units"].values():
        DocumentJobFactory.create_batch(5, unit=unit)
    with CaptureQueriesContext(connection) as many:
        assert api_client.get(url).json()["count"] == 24
    assert len(many) == len(few)


def test_summary_report_page_asks_for_a_report_and_goes_to_its_progress(client, world):
    unit = world.objects["units"]["own"]
    client.force_login(world.users["province_culture"])
    page = client.get(reverse("place:summary-report", kwargs={"pk": unit.pk}))
    assert page.status_code == 200
    with mock.patch("reporting.tasks.document_job_run_task.delay"):
        response = client.post(
            reverse("place:summary-report-request", kwargs={"pk": unit.pk}), {"format": "docx"}
        )
    job = DocumentJob.objects.filter(unit=unit).latest("created_at")
    assert response.status_code == 302
    assert response.url == reverse("reporting:document-job", kwargs={"pk": job.pk})
    assert (job.format, job.requested_by) == ("docx", world.users["province_culture"])


def test_summary_report_page_says_when_pdf_is_unavailable(client, world, monkeypatch):
    monkeypatch.setattr(
        "places.views.pdf_problem", lambda: "WeasyPrint cannot load Pango from the system"
    )
    client.force_login(world.users["unit_staff"])
    page = client.get(
        reverse("place:summary-report", kwargs={"pk": world.objects["units"]["own"].pk})
    ).content.decode()
    assert "WeasyPrint cannot load Pango from the system" in page
    assert 'value="pdf" class="primary" disabled' in page


def test_place_figures_sum_the_records(unit):
    from places.selectors import place_figures

    figures = place_figures(unit=unit)
    assert (figures.facility_count, figures.floor_area) == (3, Decimal("1130.5"))
    assert [(row.community, row.teams, row.members) for row in figures.teams] == [
        ("新河社区", 1, 31),
        ("东风社区", 2, 40),
    ] or [(row.community, row.teams, row.members) for row in figures.teams] == [
        ("东风社区", 2, 40),
        ("新河社区", 1, 31),
    ]
    assert (figures.event_count, figures.performances, figures.audience) == (3, 20, 6000)
    assert [brand.name for brand in figures.brands] == ["社区艺术节", "广场文化节"]
    assert (figures.full_time, figures.part_time, figures.volunteers) == (20, 8, 181)
    assert (figures.course_count, figures.trainees) == (2, 79)
    assert figures.invested == Decimal("200.75")
    assert [honour.title for honour in figures.honours] == ["全国文化先进单位"]
    assert figures.honours[0].awarded_on == date(2026, 6, 1)


def test_document_job_request_survives_a_broker_that_is_down(
    world, django_capture_on_commit_callbacks, settings
):
    import socket

    from tests.faults import redis_connection_attempts

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed.getsockname()[1]}/0"
    unit = world.objects["units"]["own"]
    with (
        redis_connection_attempts() as attempts,
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = document_job_request(
            user=world.users["unit_staff"],
            kind=SUMMARY_REPORT,
            format="docx",
            params={"unit": unit.pk},
        )
    assert len(attempts) == 1, attempts  # no connection or publish retries
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.QUEUED
