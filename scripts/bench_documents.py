"""Benchmark of generated documents: the time to render a 10-page CJK PDF in the official layout,
and a summary report as PDF and Word. Not a test: it prints figures.

    .venv/bin/python scripts/bench_documents.py                # synthetic content, no database
    .venv/bin/python scripts/bench_documents.py --unit 3       # also the real report of unit 3
    .venv/bin/python scripts/bench_documents.py --fonttools    # also with fontTools subsetting

Goal on the 2-core machine: at most 2 s for 10 pages. What matters (see reporting/documents.py):
fonts are subset with HarfBuzz (libharfbuzz-subset, which WeasyPrint uses when the system has
HarfBuzz ≥ 4.1) instead of fontTools, and one FontConfiguration per process, so that the 10 MB
CJK faces are copied and scanned once, not for every document.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django

django.setup()

from django.utils import translation  # noqa: E402

from places.selectors import (  # noqa: E402
    BrandFigure,
    CommunityTeams,
    HonourFigure,
    ItemAmount,
    KindFigure,
    PlaceFigures,
    StaffFigure,
)
from places.summary_report import (  # noqa: E402
    PART_HEADINGS,
    SUMMARY_REPORT,
    events_blocks,
    facilities_blocks,
    honours_blocks,
    money_blocks,
    staff_blocks,
    teams_blocks,
)
from reporting import documents, fonts  # noqa: E402

TEMPLATE = "reporting/pdf/summary_report.html"
PARAGRAPH = (
    "坚持以满足人民群众日益增长的精神文化需求为宗旨，以打造平台、建设队伍、丰富活动为抓手，"
    "逐步形成了区、街道、社区三级公共文化服务网络，全力打造15分钟文化活动圈，"
    "公共文化服务的覆盖面和群众满意度不断提高。"
)


def synthetic_figures(communities: int = 30) -> PlaceFigures:
    teams = [CommunityTeams(f"第{n}社区", 3, 60 + n) for n in range(communities)]
    staff = [StaffFigure(label, 10, 5, 100) for label in ("区县", "街道、乡镇", "社区、村")]
    return PlaceFigures(
        facilities=[
            KindFigure(label, 5, Decimal(500))
            for label in ("文化服务中心", "文化站", "社区文化活动室", "农家文化屋场")
        ],
        facility_count=20,
        floor_area=Decimal(2000),
        teams=teams,
        team_count=3 * communities,
        team_members=sum(row.members for row in teams),
        event_count=120,
        performances=300,
        audience=90000,
        brands=[BrandFigure(f"品牌活动{n}", 2, 10, 5000) for n in range(12)],
        staff=staff,
        full_time=30,
        part_time=15,
        volunteers=300,
        course_count=12,
        trainees=480,
        investments=[ItemAmount(f"建设项目{n}", Decimal("120.5")) for n in range(15)],
        invested=Decimal("1807.5"),
        honours=[
            HonourFigure(f"先进单位{n}", "省级", date(2026, 1, 1), "省文化厅") for n in range(10)
        ],
    )


def synthetic_context(sections: int) -> dict:
    figures = synthetic_figures()
    blocks: list = []
    for number in range(sections):
        blocks.append(documents.Heading(str(PART_HEADINGS[number % 5])))
        blocks += [documents.Paragraph(PARAGRAPH * 2) for _ in range(3)]
        blocks += [
            facilities_blocks,
            teams_blocks,
            events_blocks,
            staff_blocks,
            money_blocks,
            honours_blocks,
        ][number % 6](figures)
    return {
        "unit": SimpleNamespace(name="长沙市开福区"),
        "document_title": "长沙市开福区创建公共文化服务体系示范区总结汇报材料",
        "blocks": blocks,
        "signed_on": date(2026, 11, 27),
    }


def page_count(content: bytes) -> int:
    return content.count(b"/Type /Page\n") or content.count(b"/Type /Page") - content.count(
        b"/Type /Pages"
    )


def timed(render, runs: int) -> tuple[float, list[float], bytes]:
    start = time.perf_counter()
    content = render()
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return first, times, content


def ten_page_context() -> dict:
    """As many sections as make ten pages."""
    for sections in range(4, 40):
        context = synthetic_context(sections)
        pages = _pages(documents.pdf_render(template=TEMPLATE, context=context))
        if pages >= 10:
            return context
    return context


def _pages(content: bytes) -> int:
    from io import BytesIO

    try:
        from pypdf import PdfReader

        return len(PdfReader(BytesIO(content)).pages)
    except ImportError:  # pypdf is a dev dependency
        return page_count(content)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report(label: str, first: float, times: list[float], extra: str = "") -> None:
    say(
        f"{label:<46} first {first:5.2f} s   then median {statistics.median(times):5.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs){extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unit", type=int, help="also render this unit's real summary report")
    parser.add_argument("--fonttools", action="store_true", help="also time fontTools subsetting")
    args = parser.parse_args()
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every table it subsets
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    problem = fonts.pdf_problem()
    say(
        f"CPU cores: {os.cpu_count()}; fonts: {[str(face.path.name) for face in fonts.packaged_faces()]}"
    )
    with translation.override("zh-hans"):
        if problem:
            say(f"PDF unavailable: {problem}")
        else:
            say(
                "font subsetting: "
                + (
                    "HarfBuzz"
                    if fonts.fast_subsetting()
                    else "fontTools (libharfbuzz-subset missing)"
                )
            )
            # The first document of a process also sets the fonts up: timed on its own.
            start = time.perf_counter()
            documents.pdf_render(template=TEMPLATE, context=synthetic_context(1))
            say(
                f"{'first document of the process (font set-up)':<46} {time.perf_counter() - start:5.2f} s"
            )
            context = ten_page_context()
            first, times, content = timed(
                lambda: documents.pdf_render(template=TEMPLATE, context=context), args.runs
            )
            pages = _pages(content)
            report(
                f"{pages}-page CJK PDF (HarfBuzz subsetting)",
                first,
                times,
                f", {len(content) // 1024} KB",
            )
            if args.fonttools:
                import weasyprint.pdf.fonts as pdf_fonts

                saved, pdf_fonts.harfbuzz_subset = pdf_fonts.harfbuzz_subset, None
                try:
                    first, times, _ = timed(
                        lambda: documents.pdf_render(template=TEMPLATE, context=context), 2
                    )
                    report(f"{pages}-page CJK PDF (fontTools subsetting)", first, times)
                finally:
                    pdf_fonts.harfbuzz_subset = saved
            summary = synthetic_context(6)
            first, times, content = timed(
                lambda: documents.pdf_render(template=TEMPLATE, context=summary), args.runs
            )
            report(f"summary report, PDF ({_pages(content)} pages, synthetic)", first, times)
        from places.summary_report import summary_report_docx

        summary = synthetic_context(6)
        first, times, _ = timed(
            lambda: documents.docx_bytes(summary_report_docx(summary)), args.runs
        )
        report("summary report, Word (synthetic)", first, times)
        if args.unit:
            for format in ("pdf", "docx") if not problem else ("docx",):
                first, times, content = timed(
                    lambda format=format: (
                        documents.document_render(
                            kind=SUMMARY_REPORT, params={"unit": args.unit}, format=format
                        ).content
                    ),
                    args.runs,
                )
                report(f"summary report of unit {args.unit}, {format}", first, times)


if __name__ == "__main__":
    main()
