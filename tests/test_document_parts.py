"""A long bulletin laid out in parts at once (reporting.pdf_parts) is one archival document: its
pages numbered on across the parts, on the side of the page they fall on, the opening once at the
start and the signature once at the end, one structure tree whose table cells point at the pages
of the joined file, one XMP packet and output intent, each part's font subset under a name of
its own. The rows are split into runs of about as many rows, a run ending before a batch's
heading where one is near."""

from __future__ import annotations

import io
import multiprocessing
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import translation

from reporting import documents, fonts, pdf_parts
from reporting.documents import Heading, Paragraph, Table, split_blocks, table_rows

needs_pdf = pytest.mark.skipif(
    fonts.pdf_problem() is not None,
    reason=f"PDF rendering is unavailable here: {fonts.pdf_problem()}",
)

HEADERS = ("排名", "单位", "基础分", "采用分", "总分")
PAGE_NUMBER = re.compile(r"— (\d+) —")


def _table(first: int, rows: int) -> Table:
    return Table(
        headers=HEADERS,
        rows=tuple(
            (str(n), f"第{n}号示范区", "50", str(n % 7), str(50 + n % 7))
            for n in range(first, first + rows)
        ),
        text_columns=(1,),
        widths=(12, 40, 16, 16, 16),
    )


def _unit_names(blocks: list) -> list[str]:
    return [row[1] for block in blocks if isinstance(block, Table) for row in block.rows]


# --- splitting the blocks ------------------------------------------------------------------------


def test_split_blocks_keeps_every_row_in_order_in_runs_of_about_equal_rows():
    blocks = [
        Paragraph("引言"),
        Heading("第一批"),
        _table(1, 900),
        Heading("第二批"),
        _table(901, 100),
    ]
    runs = split_blocks(blocks, 2)
    assert len(runs) == 2
    assert _unit_names([b for run in runs for b in run]) == _unit_names(blocks)
    assert [table_rows(run) for run in runs] == [500, 500]
    # the second run continues the first batch's table, under its own header row
    assert isinstance(runs[1][0], Table)
    assert runs[1][0].headers == HEADERS


def test_split_blocks_ends_a_run_before_a_batch_heading_near_its_share():
    blocks = [Heading("第一批"), _table(1, 480), Heading("第二批"), _table(481, 520)]
    runs = split_blocks(blocks, 2)
    assert runs == [blocks[:2], blocks[2:]]


def test_split_blocks_of_one_part_is_the_blocks():
    blocks = [Heading("第一批"), _table(1, 50)]
    assert split_blocks(blocks, 1) == [blocks]


# --- the joined document ------------------------------------------------------------------------


def _render_in_parts(shares: list[float]) -> bytes:
    blocks = [Paragraph("各单位得分如下。"), Heading("第一批"), _table(1, 110)]
    blocks += [Heading("第二批"), _table(111, 40)]
    context = {
        "bulletin": SimpleNamespace(number="文公共〔2026〕9号"),
        "document_title": "关于宣传工作得分情况的通报",
        "blocks": blocks,
        "signed_on": date(2026, 7, 25),
        "issuer": "示范区创建工作领导小组办公室",
    }
    with translation.override("zh-hans"):
        return documents.pdf_render(
            template="reporting/pdf/publicity_bulletin.html",
            context=context,
            in_parts=True,
            progress=shares.append,
        )


@pytest.fixture
def in_two_parts(monkeypatch):
    """Documents of more than 10 rows laid out in two parts, whatever this machine's cores."""
    monkeypatch.setattr(pdf_parts, "pdf_processes", lambda: 2)
    monkeypatch.setattr(documents, "PDF_PARTS_MIN_ROWS", 10)


@pytest.fixture
def bulletin_in_parts(in_two_parts):
    """A bulletin of 150 rows in two batches, laid out in two parts, with the progress it
    reported."""
    shares: list[float] = []
    content = _render_in_parts(shares)
    return content, shares


@needs_pdf
def test_bulletin_in_parts_numbers_its_pages_on_across_the_parts(bulletin_in_parts):
    from pypdf import PdfReader

    content, shares = bulletin_in_parts
    reader = PdfReader(io.BytesIO(content))
    width = float(reader.pages[0].mediabox.width)
    numbers, sides = [], []
    for page in reader.pages:
        found: list[tuple[str, float]] = []

        def visit(text, cm, tm, font, size, found=found):
            if PAGE_NUMBER.search(text) or text.strip() == "—":
                found.append((text, tm[4] * cm[0] + cm[4]))

        text = page.extract_text(visitor_text=visit)
        numbers.append(int(PAGE_NUMBER.findall(text)[-1]))
        sides.append("right" if found and found[0][1] > width / 2 else "left")
    assert numbers == list(range(1, len(reader.pages) + 1))
    # GB/T 9704: odd pages carry the number on the right, even pages on the left
    assert sides == ["right" if n % 2 else "left" for n in numbers]
    text = "".join(page.extract_text() for page in reader.pages)
    assert text.count("文公共〔2026〕9号") == 1
    assert text.count("示范区创建工作领导小组办公室") == 1
    assert "示范区创建工作领导小组办公室" in reader.pages[-1].extract_text()
    # every row once, in order, and the header row at the top of every page
    positions = [text.find(f"第{n}号示范区") for n in range(1, 151)]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)
    page_texts = [page.extract_text() for page in reader.pages]
    assert all("排名" in page for page in page_texts if "号示范区" in page)
    # the layout reported its progress as the parts went, in order
    assert shares == sorted(shares)
    assert len(shares) == 4
    assert shares[-1] == 1


@needs_pdf
def test_bulletin_in_parts_is_one_archival_tagged_document(bulletin_in_parts):
    import pikepdf

    content, _ = bulletin_in_parts
    pdf = pikepdf.open(io.BytesIO(content))
    root = pdf.Root
    assert b'pdfaid:part="2"' in root.Metadata.read_bytes() or b"<pdfaid:part>2<" in (
        root.Metadata.read_bytes()
    )
    assert len(root.OutputIntents) == 1
    assert root.Lang == "zh-CN"
    assert root.MarkInfo.Marked
    tree = root.StructTreeRoot
    [document] = list(tree.K) if isinstance(tree.K, pikepdf.Array) else [tree.K]
    pages = {page.objgen for page in pdf.pages}
    tags: dict[str, int] = {}
    pages_with_cells: set = set()

    def walk(element, parent):
        assert element.P.objgen == parent.objgen
        tag = str(element.S)
        tags[tag] = tags.get(tag, 0) + 1
        if "/Pg" in element:
            assert element.Pg.objgen in pages
            if tag == "/TD":
                pages_with_cells.add(element.Pg.objgen)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, element)

    for kid in document.K:
        walk(kid, document)
    assert tags["/TD"] == 150 * 5
    # the header row, tagged as header cells on every page a table runs onto
    assert tags["/TH"] % 5 == 0
    assert tags["/TH"] >= 5 * len(pages_with_cells)
    # a table cell on every page but the title's first lines
    assert len(pages_with_cells) >= len(pdf.pages) - 1
    # the parent tree holds each page's marked content under the page's own key
    nums = tree.ParentTree.Nums
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert sorted(int(page.obj.StructParents) for page in pdf.pages) == sorted(set(keys))
    assert int(tree.ParentTreeNextKey) == max(keys) + 1
    # each part's subset of a font under its own name
    names = {}
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            names.setdefault(str(font.BaseFont), set()).add(font.objgen)
    assert names
    assert all(len(objects) == 1 for objects in names.values()), names


def _render_in_a_daemon(pipe) -> None:
    try:
        pipe.send(len(_render_in_parts([])))
    except BaseException as error:
        pipe.send(repr(error))


@needs_pdf
def test_bulletin_in_parts_is_made_inside_a_daemon_process_as_a_celery_worker_is(in_two_parts):
    # A Celery worker's pool processes are daemons, which multiprocessing forbids children.
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    daemon = context.Process(target=_render_in_a_daemon, args=(child_end,), daemon=True)
    daemon.start()
    answer = parent_end.recv() if parent_end.poll(120) else "no answer"
    daemon.join(10)
    assert isinstance(answer, int), answer
    assert answer > 10_000
