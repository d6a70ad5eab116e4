"""One place for every generated document: PDF from an HTML layout with WeasyPrint, Word with
python-docx, both in the official-document layout of GB/T 9704.

A document kind is registered once, usually in its app's `AppConfig.ready()`:

    document_kind_register(DocumentKind(
        slug="inspection-letter",
        title=gettext_lazy("Inspection feedback letter"),
        template="reporting/pdf/inspection_letter.html",  # extends reporting/pdf/base.html
        context=letter_context,      # (params) -> dict; raises DocumentParamsError
        docx=letter_docx,            # (context) -> docx.Document, e.g. built on official_docx()
        filename=lambda context: f"{context['unit'].name}督查反馈意见",
    ))

Then `document_render(kind=..., params=..., format="pdf")` gives the bytes (the command
`render_document` does this), and `reporting.services.document_job_request` queues a job that
a worker renders (`document_job_run`), with its progress, for a page that shows a progress bar
and then the download. Who may have a document made and read is decided in one place,
`reporting.services.document_access` (pages, API and the command line alike), and files are
served to whoever sees the job's unit, a draft only to the office (DocumentJob.visible_to).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reporting import fonts, pdf_parts

PDF = "pdf"
DOCX = "docx"
FORMATS = (PDF, DOCX)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# How far a document has got: (percent, stage), the stage one of DocumentJob.Stage's values.
Progress = Callable[[int, str], None]
STAGE_FIGURES, STAGE_LAYOUT, STAGE_STORING = "figures", "layout", "storing"

# WeasyPrint logs every layout step at INFO; the job's progress tells the user what they need.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class DocumentError(Exception):
    """A document cannot be made; the message says why, for the person who asked."""


class DocumentParamsError(DocumentError):
    """The parameters name nothing that can be rendered (e.g. an unknown unit)."""


class DocumentUnavailable(DocumentError):
    """This machine lacks what the format needs (Pango for PDF, a CJK font)."""


@dataclass(frozen=True)
class DocumentParam:
    """A parameter a document kind takes: ids on the command line (`--unit 3`) and in jobs."""

    name: str
    help: str


UNIT_PARAM = DocumentParam("unit", "id of the creation unit")


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    title: str | Promise
    template: str
    context: Callable[[dict[str, Any]], dict[str, Any]]
    docx: Callable[[dict[str, Any]], Any]
    filename: Callable[[dict[str, Any]], str]
    # The parameter that holds the id of the creation unit the document is about (its scope).
    unit_param: str | None = "unit"
    # Whether the document, as its data stand now, is a draft that only the office of the
    # unit's programme may have made and read (an inspection letter not yet sent, C7).
    # None: a document for everyone who sees its unit.
    is_draft: Callable[[dict[str, Any]], bool] | None = None
    # The parameters the kind takes, all integer ids (the render_document command's options).
    params: tuple[DocumentParam, ...] = (UNIT_PARAM,)
    # Whether a long PDF of the kind may be laid out in parts at once (pdf_render): its layout
    # shows its opening only where `part_first` and its closing only where `part_last`.
    pdf_in_parts: bool = False

    def draft(self, params: dict[str, Any]) -> bool:
        return self.is_draft is not None and self.is_draft(params)


_KINDS: dict[str, DocumentKind] = {}


def document_kind_register(kind: DocumentKind) -> DocumentKind:
    _KINDS[kind.slug] = kind
    return kind


def document_kind_get(slug: str) -> DocumentKind:
    try:
        return _KINDS[slug]
    except KeyError:
        raise DocumentParamsError(f"Unknown document kind {slug!r}.") from None


def document_kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.slug)


@dataclass(frozen=True)
class RenderedDocument:
    content: bytes
    filename: str
    content_type: str


def document_render(
    *, kind: str, params: dict[str, Any], format: str, progress: Progress | None = None
) -> RenderedDocument:
    """Render a registered document; `progress(percent, stage)` is told how far it has got."""
    if format not in FORMATS:
        raise DocumentParamsError(f"Unknown format {format!r}: choose pdf or docx.")
    document_kind = document_kind_get(kind)
    report = progress or (lambda percent, stage: None)
    context = document_kind.context(params)
    report(40, STAGE_LAYOUT)
    if format == PDF:
        content = pdf_render(
            template=document_kind.template,
            context=context,
            in_parts=document_kind.pdf_in_parts,
            progress=lambda share: report(40 + int(50 * share), STAGE_LAYOUT),
        )
    else:
        content = docx_bytes(document_kind.docx(context))
    report(90, STAGE_STORING)
    name = _safe_filename(document_kind.filename(context))
    return RenderedDocument(content, f"{name}.{format}", CONTENT_TYPES[format])


def _safe_filename(stem: str) -> str:
    cleaned = "".join("_" if ch in '/\\:*?"<>|\x00' or ord(ch) < 32 else ch for ch in stem)
    return cleaned.strip(" .")[:150] or "document"


# --- Content blocks: one list, both formats ------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: 一、 in 黑体; 2: （一） in 楷体


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # columns of free text, aligned left; the others (figures) are centred
    text_columns: tuple[int, ...] = ()
    # The columns' shares of the width in per cent, for tables of thousands of rows: the PDF then
    # sizes the columns from these alone, not by measuring every cell's text first.
    widths: tuple[int, ...] = ()


Block = Heading | Paragraph | Table


def paragraphs(text: str) -> list[Paragraph]:
    """A text as written in a form: each non-empty line is a paragraph."""
    return [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]


def _chinese_text() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def official_language() -> str:
    """The document's language as a BCP 47 tag: zh-CN for the Chinese text."""
    language = get_language() or "zh-hans"
    return "zh-CN" if language.lower().startswith("zh") else language


def official_date(value: date | datetime | None) -> str:
    """2026年8月24日, as official text writes a date (GB/T 9704); ISO in other languages."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not _chinese_text():
        return value.isoformat()
    return f"{value.year}年{value.month}月{value.day}日"


def official_date_range(start: date | None, end: date | None) -> str:
    """2026年8月24日至26日, 2026年8月24日至9月2日, 2025年12月30日至2026年1月2日: the end says
    only what differs from the start."""
    if start is None or end is None or start == end:
        return official_date(start or end)
    if not _chinese_text():
        return f"{start.isoformat()} – {end.isoformat()}"
    if start.year != end.year:
        tail = official_date(end)
    elif start.month != end.month:
        tail = f"{end.month}月{end.day}日"
    else:
        tail = f"{end.day}日"
    return f"{official_date(start)}至{tail}"


_HALF_YEAR = re.compile(r"^(\d{4})H([12])$")


def official_period(label: str) -> str:
    """A scoring period as text says it: 2025年下半年 for 2025H2; other labels as they are."""
    match = _HALF_YEAR.match(label or "")
    if match is None:
        return label
    year, half = match.groups()
    if not _chinese_text():
        return f"{'first' if half == '1' else 'second'} half of {year}"
    return f"{year}年{'上' if half == '1' else '下'}半年"


def plain_number(value: Any) -> str:
    """1000 for 1000.00, 12.5 for 12.50: the figures as a reader writes them."""
    if isinstance(value, Decimal):
        text = format(value.quantize(Decimal("0.01")), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def docx_blocks(document: Any, blocks: Sequence[Block]) -> Any:
    """Add blocks to an official_docx() document."""
    for block in blocks:
        if isinstance(block, Heading):
            docx_heading(document, block.text, level=block.level)
        elif isinstance(block, Paragraph):
            docx_paragraph(document, block.text)
        else:
            docx_table(document, block.headers, block.rows)
    return document


# --- PDF ----------------------------------------------------------------------------------------


PDF_VARIANT = "pdf/a-2b"  # archival (GB/T 33190 and the archives' rules accept PDF/A-2)


def portal_name() -> str:
    return _("Demonstration Zone Creation Portal")


def official_context() -> dict[str, Any]:
    """What reporting/pdf/base.html needs: the font faces and family stacks, and the metadata an
    archive reads (author: the issuing office in the kind's context as `issuer`, else the
    portal; the moment of creation; the language)."""
    return {
        "issuer": portal_name(),
        "created": timezone.localtime().isoformat(timespec="seconds"),
        "font_faces": fonts.font_face_css(),
        "fonts": {
            "body": fonts.BODY_STACK,
            "heading": fonts.HEADING_STACK,
            "kaiti": fonts.KAITI_STACK,
            "title": fonts.TITLE_STACK,
        },
        "language": official_language(),
    }


@functools.cache
def _font_config() -> Any:
    # One per process: WeasyPrint copies each @font-face file once into its configuration, so
    # reusing it spares every later document that work.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    allowed = fonts.allowed_font_urls()

    class FontsOnlyFetcher(URLFetcher):
        """Layouts load nothing but the packaged fonts: no network, no other local file."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.split("?")[0] not in allowed:
                raise ValueError(f"Documents may not load {url}")
            return super().fetch(url, headers)

    return FontsOnlyFetcher(allowed_protocols=("file",))


# WeasyPrint's default stylesheet styles the pseudo-elements ::marker, ::footnote-call,
# ::footnote-marker, ::note-call, ::note-marker and ::note-callback of *every* element, and their
# styles are computed element by element, never shared: six extra styles for each cell of a
# table, two thirds of the time a bulletin of thousands of rows spends on styles. Documents use no
# footnotes or notes, and markers only in lists, so their stylesheet says just that.
_UNIVERSAL_PSEUDO_RULE = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}$", re.MULTILINE)


@functools.cache
def _document_html_class() -> type:
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    rules = _UNIVERSAL_PSEUDO_RULE.sub("", UA).replace("\n::marker {", "\nli::marker {")
    stylesheet = CSS(string=rules, counter_style=CounterStyle())

    _pdf_page_references_remembered()

    class DocumentHTML(HTML):
        # The hook WeasyPrint's own HTML class uses to choose its default stylesheets (the
        # version is pinned in pyproject.toml; a document test fails if the hook is gone).
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [stylesheet]

    return DocumentHTML


def _pdf_page_references_remembered() -> None:
    """pydyf builds the tuple of every page's reference each time a PDF's `page_references` is
    read, and WeasyPrint's tagging reads it for each structure element it writes: time in the
    square of the pages, seconds for a bulletin of 200 pages. The tuple is kept while the PDF
    has the same pages (pages are only ever added)."""
    import pydyf

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        remembered = pdf.__dict__.get("_page_references")
        if remembered is None or remembered[0] != len(kids):
            references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
            remembered = pdf.__dict__["_page_references"] = (len(kids), references)
        return remembered[1]

    pydyf.PDF.page_references = property(page_references)


# A layout of fewer table rows is made in one process: quicker than starting and joining parts.
PDF_PARTS_MIN_ROWS = 600


def pdf_render(
    *,
    template: str,
    context: dict[str, Any],
    in_parts: bool = False,
    progress: Callable[[float], None] | None = None,
) -> bytes:
    """An HTML layout (templates/reporting/pdf/) rendered to PDF. With `in_parts`, a layout of
    many table rows is laid out in parts on every core (reporting.pdf_parts), `progress` told
    how far it has got (0–1)."""
    problem = fonts.pdf_problem()
    if problem:
        raise DocumentUnavailable(problem)
    context = {**official_context(), "part_first": True, "part_last": True, **context}
    context["issuer"] = context["issuer"] or portal_name()
    blocks = context.get("blocks") or ()
    processes = pdf_parts.pdf_processes()
    if in_parts and processes > 1 and table_rows(blocks) >= PDF_PARTS_MIN_ROWS:
        runs = split_blocks(blocks, processes)
        htmls = [
            render_to_string(
                template,
                {**context, "blocks": run, "part_first": i == 0, "part_last": i == len(runs) - 1},
            )
            for i, run in enumerate(runs)
        ]
        pdf_fonts_ready()
        try:
            contents = pdf_parts.render_parts(htmls, _pdf_write, progress or (lambda share: None))
        except pdf_parts.PartFailed as error:
            raise DocumentError(_("The document could not be made.")) from error
        return pdf_parts.join_parts(contents)
    return _pdf_write(render_to_string(template, context))


@functools.cache
def pdf_fonts_ready() -> None:
    """Load the packaged faces into this process's font configuration, once per process. The
    first PDF of a process does it anyway (about 0.8 s); the parts of a long document call it
    first, so that each forked part inherits the loaded faces instead of loading them again."""
    _pdf_write(f'<html lang="zh-CN"><style>{fonts.font_face_css()}</style><p>字</p></html>')


def _pdf_write(html: str, prepare: Callable[[Any], None] | None = None) -> bytes:
    # Fonts are subset with HarfBuzz where the system's libharfbuzz-subset allows (fast); the
    # default fontTools subsetting of a 10 MB CJK face takes seconds.
    document = _document_html_class()(string=html, url_fetcher=_fetcher(), base_url="file:///")
    if prepare is not None:
        prepare(document)
    with _cyclic_gc_paused():
        # PDF/A-2b for the archive, tagged (headings, paragraphs, tables) for screen readers.
        return document.write_pdf(
            font_config=_font_config(), pdf_variant=PDF_VARIANT, pdf_tags=True
        )


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # The layout makes millions of objects (boxes, styles, PDF objects) that live until the file
    # is written; Python's cyclic collector would walk them all again and again as they grow:
    # a third of the time of a 2,500-row table, for no memory given back (the peak is the same).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def table_rows(blocks: Sequence[Block]) -> int:
    return sum(len(block.rows) for block in blocks if isinstance(block, Table))


def split_blocks(blocks: Sequence[Block], parts: int) -> list[list[Block]]:
    """The blocks in up to `parts` runs of about as many table rows each. A run ends after a
    table that ends near its share (the next batch then starts on a new page), else inside a
    table, which the next run continues under its header row."""
    share = table_rows(blocks) / parts
    # Within a tenth of the share a batch starts on a new page; further off, the runs would be
    # so uneven that the longer one keeps the document waiting.
    slack = share / 10
    runs: list[list[Block]] = [[]]
    rows = 0  # table rows in the current run
    queue = list(blocks)
    while queue:
        block = queue.pop(0)
        if (
            isinstance(block, Table)
            and len(runs) < parts
            and rows + len(block.rows) > share + slack
        ):
            cut = round(share - rows)
            if cut > slack or not runs[-1]:
                runs[-1].append(replace(block, rows=block.rows[:cut]))
                queue.insert(0, replace(block, rows=block.rows[cut:]))
            else:  # near enough already: the run ends before this table (and its heading)
                heading = runs[-1].pop() if isinstance(runs[-1][-1], Heading) else None
                queue[:0] = [heading, block] if heading else [block]
            runs.append([])
            rows = 0
            continue
        runs[-1].append(block)
        if isinstance(block, Table):
            rows += len(block.rows)
            if len(runs) < parts and rows >= share - slack and queue:
                runs.append([])
                rows = 0
    return [run for run in runs if run]


# --- Word, in the official-document layout -----------------------------------------------------

# GB/T 9704: A4, type area 156 × 225 mm from 37 mm top and 28 mm left; body 3号 (16 pt) with 22
# lines a page; title 2号 (22 pt); page numbers 4号 (14 pt) "— 1 —".
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BODY_PT = 16
TITLE_PT = 22
TABLE_PT = 12
PAGE_NUMBER_PT = 14
LINE_PT = 225 / 22 * 72 / 25.4  # 22 lines in the 225 mm type area
LINE_CHARS = 27  # whole 3号 characters in the 156 mm type area (27.6)


def _east_asian(run_or_style: Any, name: str) -> None:
    """Set the font of Chinese text (w:eastAsia), which python-docx's font.name leaves alone."""
    from docx.oxml.ns import qn

    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    properties = element.get_or_add_rPr()
    fonts_element = properties.find(qn("w:rFonts"))
    if fonts_element is None:
        fonts_element = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts_element)
    fonts_element.set(qn("w:eastAsia"), name)


# Heading styles by level, in the fonts of the visual levels: 一、 黑体, （一） 楷体, 1. 仿宋; all 3号.
HEADING_FONTS = {1: "heading", 2: "kaiti", 3: "body"}


def _language(style: Any, tag: str) -> None:
    """Declare the language of a style's text (w:lang), for spelling, hyphenation, and readers."""
    from docx.oxml.ns import qn

    properties = style.element.get_or_add_rPr()
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    element = properties.makeelement(
        qn("w:lang"), {qn("w:val"): tag, qn("w:eastAsia"): tag, qn("w:bidi"): "ar-SA"}
    )
    properties.append(element)


def _plain_fonts(style: Any, east_asian: str) -> None:
    """Fixed font names for a style: theme fonts (which Word prefers) and colour removed."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    properties = style.element.get_or_add_rPr()
    fonts_element = properties.find(qn("w:rFonts"))
    if fonts_element is not None:
        for attribute in list(fonts_element.attrib):
            if attribute.lower().endswith("theme"):
                del fonts_element.attrib[attribute]
    style.font.name = fonts.DOCX_FONTS["latin"]
    _east_asian(style, east_asian)
    style.font.color.rgb = RGBColor(0, 0, 0)


def _official_styles(document: Any, language: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = document.styles["Normal"]
    normal.font.name = fonts.DOCX_FONTS["latin"]
    normal.font.size = Pt(BODY_PT)
    _east_asian(normal, fonts.DOCX_FONTS["body"])
    _language(normal, language)
    paragraph_format = normal.paragraph_format
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(LINE_PT)
    paragraph_format.space_before = paragraph_format.space_after = Pt(0)
    # The document defaults too, for text outside any style (headers, footers, table cells).
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None and run_defaults.find(qn("w:rPr")) is not None:
            properties = run_defaults.find(qn("w:rPr"))
            for old in properties.findall(qn("w:lang")):
                properties.remove(old)
            properties.append(
                properties.makeelement(
                    qn("w:lang"),
                    {qn("w:val"): language, qn("w:eastAsia"): language, qn("w:bidi"): "ar-SA"},
                )
            )
    for level, font in HEADING_FONTS.items():
        style = document.styles[f"Heading {level}"]
        _plain_fonts(style, fonts.DOCX_FONTS[font])
        style.font.size = Pt(BODY_PT)
        style.font.bold = False
        style.font.italic = False
        _language(style, language)
        heading_format = style.paragraph_format
        heading_format.first_line_indent = Pt(BODY_PT * 2)
        heading_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        heading_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        heading_format.line_spacing = Pt(LINE_PT)
        heading_format.space_before = heading_format.space_after = Pt(0)
        heading_format.keep_with_next = True
    title = document.styles["Title"]
    _plain_fonts(title, fonts.DOCX_FONTS["title"])
    title.font.size = Pt(TITLE_PT)
    title.font.bold = False
    _language(title, language)
    title_properties = title.element.get_or_add_pPr()
    for border in title_properties.findall(qn("w:pBdr")):
        title_properties.remove(border)  # the template's rule under the title
    title_format = title.paragraph_format
    title_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title_format.line_spacing = Pt(TITLE_PT * 1.5)
    title_format.space_before = Pt(0)
    title_format.space_after = Pt(LINE_PT)
    character = title.element.get_or_add_rPr()
    for name in ("w:spacing", "w:kern"):
        for element in character.findall(qn(name)):
            character.remove(element)


def official_docx(*, title: str = "", author: str = "") -> Any:
    """An empty Word document with the GB/T 9704 page, fonts and page numbers; heading styles
    (Heading 1–3, 标题 1–3 in Chinese Word) in the fonts of the heading levels; the language and,
    for the archive, the title, author (the issuing office, else the portal) and creation date."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document = Document()
    language = official_language()
    properties = document.core_properties
    properties.title = title
    properties.author = author or portal_name()
    properties.last_modified_by = properties.author
    properties.language = language
    properties.created = properties.modified = timezone.now()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(28)  # 7 mm below the type area, with 4号 digits
    _official_styles(document, language)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    return document


def _page_number(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def run(text: str = "") -> Any:
        added = paragraph.add_run(text)
        added.font.size = Pt(PAGE_NUMBER_PT)
        added.font.name = fonts.DOCX_FONTS["latin"]
        _east_asian(added, fonts.DOCX_FONTS["title"])
        return added

    run("— ")
    field = run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        field._r.append(element)
    run(" —")


def docx_title(document: Any, text: str) -> Any:
    return document.add_paragraph(text, style="Title")


def docx_heading(document: Any, text: str, *, level: int = 1) -> Any:
    """First level (一、) in 黑体, second level (（一）) in 楷体, indented two characters: the
    styles Heading 1 and Heading 2, so that Word's navigation and outline show them."""
    return document.add_paragraph(text, style=f"Heading {min(max(level, 1), 3)}")


def docx_signature(document: Any, lines: Sequence[str]) -> None:
    """The issuing office and the date, right-aligned, each kept on one line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for index, line in enumerate(lines):
        # Non-breaking spaces, and a right indent of four characters only where the line still
        # fits beside it: a long office name never wraps leaving one character alone.
        signature = document.add_paragraph(line.replace(" ", "\u00a0"))
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        indent = max(0, min(4, LINE_CHARS - len(line)))
        signature.paragraph_format.right_indent = Pt(BODY_PT * indent)
        if index == 0:
            signature.paragraph_format.space_before = Pt(LINE_PT)
        signature.paragraph_format.keep_together = True
        signature.paragraph_format.keep_with_next = index < len(lines) - 1


def docx_paragraph(document: Any, text: str) -> Any:
    from docx.shared import Pt

    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    return paragraph


def docx_table(document: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
    # The header row repeats at the top of every page the table runs onto.
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)
    for cell in table.rows[0].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.paragraph_format.first_line_indent = Pt(0)
            for run in paragraph.runs:
                run.font.size = Pt(TABLE_PT)
    if rows:
        # The body rows as one piece of XML, in the header's widths and format: python-docx's
        # cell by cell API takes seconds for the thousands of rows of a bulletin.
        widths = [cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w")) for cell in table.rows[0].cells]
        cell_xml = (
            '<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
            '<w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr>'
            '<w:r><w:rPr><w:sz w:val="' + str(TABLE_PT * 2) + '"/></w:rPr>'
            '<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'
        )
        body = "".join(
            "<w:tr>"
            + "".join(
                cell_xml.format(width=width, text=_xml_text(value))
                for width, value in zip(widths, values, strict=True)
            )
            + "</w:tr>"
            for values in rows
        )
        table._tbl.extend(parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>"))
    document.add_paragraph()
    return table


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(value: Any) -> str:
    # Control characters cannot appear in XML at all; the rest is escaped.
    from xml.sax.saxutils import escape

    return escape(_XML_UNSAFE.sub("", str(value)))


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
