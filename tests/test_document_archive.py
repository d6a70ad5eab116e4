"""Documents fit for the archive: every registered kind, as PDF and as Word, made from the demo
database. PDFs are PDF/A-2b and tagged, with the issuing office, title, language and creation date
in their metadata; Word files use heading styles, declare zh-CN and repeat table header rows; the
text writes dates and periods as official Chinese text does; the command line takes each kind's
own options and refuses others'."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from creation.models import CreationUnit
from inspections.models import FeedbackLetter, Inspection
from inspections.tests.factories import FeedbackLetterFactory
from reporting import documents, fonts
from reporting.documents import (
    document_kinds,
    document_render,
    official_date,
    official_date_range,
    official_period,
)
from scoring.models import Bulletin

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PERIOD_CODE = re.compile(r"\d{4}H[12]|\bH[12]\b")

needs_pdf = pytest.mark.skipif(
    fonts.pdf_problem() is not None,
    reason=f"PDF rendering is unavailable here: {fonts.pdf_problem()}",
)


# --- dates as official text writes them ----------------------------------------------------------


def test_official_date_writes_year_month_day_in_chinese():
    assert official_date(date(2026, 8, 24)) == "2026年8月24日"
    assert official_date(date(2026, 1, 2)) == "2026年1月2日"


def test_official_date_range_in_one_month_names_the_month_once():
    assert official_date_range(date(2026, 8, 24), date(2026, 8, 26)) == "2026年8月24日至26日"


def test_official_date_range_across_months_names_the_year_once():
    assert official_date_range(date(2026, 8, 24), date(2026, 9, 2)) == "2026年8月24日至9月2日"


def test_official_date_range_across_years_writes_both_in_full():
    assert (
        official_date_range(date(2025, 12, 30), date(2026, 1, 2)) == "2025年12月30日至2026年1月2日"
    )


def test_official_date_range_of_one_day_is_that_day():
    assert official_date_range(date(2026, 8, 24), date(2026, 8, 24)) == "2026年8月24日"


def test_official_period_writes_half_years_in_words():
    assert official_period("2025H2") == "2025年下半年"
    assert official_period("2026H1") == "2026年上半年"
    assert official_period("第一周期") == "第一周期"


# --- every kind, both formats ------------------------------------------------------------------


def _params(kind: documents.DocumentKind) -> dict[str, Any]:
    """Parameters naming demo records, from the parameters the kind declares."""
    names = {param.name for param in kind.params}
    if "inspection" in names:
        inspection = Inspection.objects.order_by("pk").first()
        assert inspection is not None, "the demo data have no inspection"
        return {"unit": inspection.unit_id, "inspection": inspection.pk}
    if "bulletin" in names:
        bulletin = Bulletin.objects.order_by("pk").first()
        assert bulletin is not None, "the demo data have no bulletin"
        return {"bulletin": bulletin.pk}
    unit = CreationUnit.objects.filter(kind=CreationUnit.Kind.PROJECT).order_by("pk").first()
    return {"unit": unit.pk}


def _check_text(text: str, kind: str) -> None:
    assert not ISO_DATE.search(text), (kind, ISO_DATE.search(text).group())
    assert not PERIOD_CODE.search(text), (kind, PERIOD_CODE.search(text).group())


def _check_pdf(content: bytes, kind: str) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="2"|<pdfaid:part>2<', xmp), kind
    assert re.search(r'pdfaid:conformance="B"|<pdfaid:conformance>B<', xmp), kind
    assert "dc:title" in xmp, kind
    assert "dc:creator" in xmp, kind
    assert "xmp:CreateDate" in xmp, kind
    assert "/OutputIntents" in catalog, kind
    assert "/StructTreeRoot" in catalog, kind
    assert catalog["/MarkInfo"]["/Marked"], kind
    assert catalog["/Lang"] == "zh-CN", kind
    text = "".join(page.extract_text() for page in reader.pages)
    _check_text(text, kind)


def _check_docx(content: bytes, kind: str) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(content))
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings, kind
    for level in (1, 2):
        style = document.styles[f"Heading {level}"]
        style_fonts = style.element.rPr.find(qn("w:rFonts"))
        assert (
            style_fonts.get(qn("w:eastAsia"))
            == fonts.DOCX_FONTS["heading" if level == 1 else "kaiti"]
        ), kind
        # theme fonts would win over the names in Word
        assert not [name for name in style_fonts.attrib if name.lower().endswith("theme")], kind
    language = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert language.get(qn("w:val")) == "zh-CN", kind
    assert language.get(qn("w:eastAsia")) == "zh-CN", kind
    assert document.core_properties.language == "zh-CN", kind
    assert document.core_properties.author, kind
    assert document.tables, kind
    for table in document.tables:
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None, kind
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for t in document.tables for row in t.rows for cell in row.cells)
    _check_text(text, kind)


@needs_pdf
def test_every_document_kind_is_archival_pdf_and_structured_word(demo_data):
    kinds = document_kinds()
    assert {"summary-report", "inspection-letter", "publicity-bulletin"} <= {
        kind.slug for kind in kinds
    }
    for kind in kinds:
        params = _params(kind)
        _check_pdf(document_render(kind=kind.slug, params=params, format="pdf").content, kind.slug)
        _check_docx(
            document_render(kind=kind.slug, params=params, format="docx").content, kind.slug
        )


@pytest.mark.django_db
def test_summary_report_of_a_project_speaks_of_places_not_communities():
    from creation.tests.factories import CreationUnitFactory
    from places.selectors import place_figures
    from places.summary_report import teams_blocks
    from places.tests.factories import ArtTeamFactory

    project = CreationUnitFactory(kind=CreationUnit.Kind.PROJECT, host_organisation="市文化馆")
    zone = CreationUnitFactory(kind=CreationUnit.Kind.ZONE)
    for unit in (project, zone):
        ArtTeamFactory(unit=unit, community="东风社区", members=20)
    project_text = teams_blocks(place_figures(unit=project), is_project=True)[1].text
    zone_text = teams_blocks(place_figures(unit=zone), is_project=False)[1].text
    assert project_text.startswith("项目共有群众文艺团队1支")
    assert "社区" not in project_text
    assert zone_text.startswith("1个社区共有群众文艺团队1支")


# --- the command line ------------------------------------------------------------------------


def test_render_document_command_renders_every_kind_with_its_options(demo_data, tmp_path):
    for kind in document_kinds():
        params = _params(kind)
        if (
            "inspection" in params
            and not FeedbackLetter.objects.filter(inspection_id=params["inspection"]).exists()
        ):
            # Sent, so that the command renders it without a user of the office (C7).
            FeedbackLetterFactory(inspection_id=params["inspection"])
        out = tmp_path / f"{kind.slug}.docx"
        call_command("render_document", kind.slug, format="docx", out=str(out), **params)
        assert out.stat().st_size > 0, kind.slug


def test_render_document_command_refuses_options_of_another_kind(demo_data, tmp_path):
    bulletin = Bulletin.objects.order_by("pk").first()
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match=r"does not take --unit: it takes --bulletin"):
        call_command(
            "render_document", "publicity-bulletin", bulletin=bulletin.pk, unit=1, out=str(out)
        )
    with pytest.raises(CommandError, match=r"needs --inspection"):
        call_command("render_document", "inspection-letter", unit=1, out=str(out))
    assert not out.exists()


def test_render_document_help_of_each_kind_lists_its_own_options():
    import argparse

    from reporting.management.commands.render_document import Command

    parser = Command().create_parser("manage.py", "render_document")
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {slug: sub.format_help() for slug, sub in subparsers.choices.items()}
    assert "--unit" in helps["summary-report"]
    assert "--bulletin" not in helps["summary-report"]
    assert "--inspection" in helps["inspection-letter"]
    assert "--bulletin" in helps["publicity-bulletin"]
    assert "--unit" not in helps["publicity-bulletin"]


def test_keep_dates_whole_wraps_each_date_and_escapes_the_rest():
    from reporting.templatetags.reporting_tags import keep_dates_whole

    html = keep_dates_whole("<b>2026年8月24日至26日，2025年下半年</b>")
    assert html == (
        '&lt;b&gt;<span class="nowrap">2026年8月24日</span>至<span class="nowrap">26日</span>，'
        '<span class="nowrap">2025年下半年</span>&lt;/b&gt;'
    )


def test_docx_signature_of_a_long_office_fits_on_one_line():
    from docx.shared import Pt

    from reporting.documents import LINE_CHARS, docx_signature, official_docx

    document = official_docx(title="通报")
    office = "国家公共文化服务体系示范区创建工作领导小组办公室"  # 24 characters
    docx_signature(document, (office, "2026年8月24日"))
    name, day = document.paragraphs[-2:]
    assert len(office) + name.paragraph_format.right_indent / Pt(16) <= LINE_CHARS
    assert day.paragraph_format.right_indent == Pt(16 * 4)
    assert name.paragraph_format.keep_with_next
