"""A long PDF (a bulletin of thousands of rows) laid out in parts at once, one process per core,
and joined into one archival file.

WeasyPrint lays out, draws and writes on one core, 4–5 ms of processor time for each row of a
table; a bulletin of 5,000 units would take over 20 s. Each part is a whole HTML document of the same layout
(the opening only in the first part, the closing only in the last, see the layout's `part_first`
and `part_last`) and starts on a new page. The page numbers run on across parts: a part lays out
its pages, tells the parent how many it has, and is told how many pages come before it, before
it sets its page numbers (WeasyPrint sets margin boxes only once every page is laid out). The
parent then joins the files with pikepdf: the pages, one structure tree (the tagged tables of
every part under the first part's Document element, the parent tree renumbered), the bookmarks;
the first part's catalogue keeps the one XMP packet, output intent, language and title.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from typing import Any


class PartFailed(Exception):
    """A part could not be rendered; the message says why."""


def pdf_processes() -> int:
    """The cores this process may use: the worker renders one long document on all of them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- rendering the parts -----------------------------------------------------------------------


def render_parts(
    htmls: Sequence[str],
    write: Callable[[str, Callable[[Any], None]], bytes],
    progress: Callable[[float], None],
) -> list[bytes]:
    """Render each HTML document in a process of its own, its pages numbered on from the parts
    before it; `write(html, prepare)` renders one (in the child), calling `prepare(document)`
    before the layout; `progress(share)` is told how far the whole has got (0–1). Returns each
    part's PDF, in order.

    The processes are forked with os.fork, not multiprocessing: a Celery worker's pool process
    is a daemon, which multiprocessing forbids to have children."""
    pipes, children = [], []
    try:
        for html in htmls:
            parent_end, child_end = multiprocessing.Pipe()
            pid = os.fork()
            if pid == 0:  # the part's process: render, answer, and leave without clean-ups
                code = 1
                try:
                    parent_end.close()
                    _part_main(html, child_end, write)
                    code = 0
                finally:
                    os._exit(code)
            child_end.close()
            pipes.append(parent_end)
            children.append(pid)
        steps = 2 * len(htmls)
        done = 0
        offset = 0
        for pipe in pipes:
            pages = _expect(pipe, "pages")
            pipe.send(offset)
            offset += pages
            done += 1
            progress(done / steps)
        results = []
        for pipe in pipes:
            results.append(_expect(pipe, "pdf"))
            done += 1
            progress(done / steps)
        return results
    finally:
        for pipe in pipes:
            pipe.close()
        for pid in children:
            _end(pid)


def _end(pid: int) -> None:
    # A part that answered has ended or is ending; one still at work (the parent failed, or a
    # part before it did) is stopped.
    for _ in range(500):
        ended, _status = os.waitpid(pid, os.WNOHANG)
        if ended:
            return
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _expect(pipe: Any, what: str) -> Any:
    try:
        kind, value = pipe.recv()
    except EOFError:
        raise PartFailed("the process ended without a word") from None
    if kind == "error":
        raise PartFailed(value)
    if kind != what:
        raise PartFailed(f"sent {kind} instead of {what}")
    return value


def _part_main(html: str, pipe: Any, write: Callable[[str, Callable[[Any], None]], bytes]) -> None:
    try:
        pipe.send(("pdf", write(html, _PageOffset(pipe).install)))
    except BaseException as error:
        pipe.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        pipe.close()


class _PageOffset:
    """Installed in a part's process (forked, thrown away after) in place of WeasyPrint's
    make_margin_boxes, which is first called once every page is laid out: then the part says
    how many pages it has, learns how many come before it, and numbers its pages on from there,
    on the side (left or right) of the page in the whole document."""

    def __init__(self, pipe: Any) -> None:
        self.pipe = pipe
        self.offset: int | None = None

    def install(self, html: Any) -> None:
        from weasyprint import layout

        original = layout.make_margin_boxes

        def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
            if self.offset is None:
                self.offset = self._offset(context)
                for entry in context.page_maker[1:]:
                    counters = entry[3][1]
                    counters["page"] = [value + self.offset for value in counters.get("page", [0])]
            if self.offset % 2:
                self._flip_side(page, html, context)
            return original(context, page, state)

        layout.make_margin_boxes = make_margin_boxes

    def _offset(self, context: Any) -> int:
        # page_maker[i] holds where page i + 1 resumes; after the last page, nowhere (None).
        pages = next(
            (i for i, entry in enumerate(context.page_maker) if i and entry[0] is None),
            len(context.page_maker) - 1,
        )
        self.pipe.send(("pages", pages))
        return self.pipe.recv()

    @staticmethod
    def _flip_side(page: Any, html: Any, context: Any) -> None:
        from weasyprint.layout.page import set_page_type_computed_styles

        side = "left" if page.page_type.side == "right" else "right"
        page.page_type = page.page_type._replace(side=side)
        set_page_type_computed_styles(page.page_type, html, context.style_for)


# --- joining the parts -------------------------------------------------------------------------


def join_parts(parts: Sequence[bytes]) -> bytes:
    """One PDF of the parts' pages, with the first part's catalogue (XMP, output intent,
    language, title) and one structure tree."""
    import pikepdf

    whole = pikepdf.open(io.BytesIO(parts[0]))
    tree = whole.Root.StructTreeRoot
    document = _document_element(tree)
    nums = tree.ParentTree.Nums
    next_key = _next_key(nums)
    outline_pages: list[tuple[Any, int]] = []
    for number, content in enumerate(parts[1:], start=1):
        part = pikepdf.open(io.BytesIO(content))
        _retag_fonts(part, number)
        first_page = len(whole.pages)
        outline_pages.extend(_outline_items(part, first_page))
        whole.pages.extend(part.pages)
        for page in whole.pages[first_page:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + next_key
        # The part's structure tree copied whole, in one call (qpdf maps its references to
        # the pages just copied); its Document element's kids then move under ours.
        part_tree = whole.copy_foreign(part.Root.StructTreeRoot)
        part_document = _document_element(part_tree)
        for kid in part_document.K:
            kid.P = document
            document.K.append(kid)
        part_nums = part_tree.ParentTree.Nums
        for index in range(0, len(part_nums), 2):
            nums.append(int(part_nums[index]) + next_key)
            nums.append(_replaced(part_nums[index + 1], part_document, document))
        next_key += _next_key(part_nums)
    tree.ParentTreeNextKey = next_key
    _append_outline(whole, outline_pages)
    out = io.BytesIO()
    # Object streams, as WeasyPrint writes them: the tens of thousands of structure elements
    # compressed (PDF/A-2 allows them), a file of half the size, written faster.
    whole.save(
        out,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        # WeasyPrint's XMP packet as it is: it already names the file's version
        fix_metadata_version=False,
    )
    return out.getvalue()


def _document_element(tree: Any) -> Any:
    import pikepdf

    document = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
    if not isinstance(document.K, pikepdf.Array):
        document.K = pikepdf.Array([document.K])
    return document


def _replaced(value: Any, old: Any, new: Any) -> Any:
    """A parent tree's entry (an element, or an array of them) pointing to `new` for `old`."""
    import pikepdf

    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_replaced(item, old, new) for item in value])
    if isinstance(value, pikepdf.Dictionary) and value.is_indirect and value.objgen == old.objgen:
        return new
    return value


def _next_key(nums: Any) -> int:
    keys = [int(nums[index]) for index in range(0, len(nums), 2)]
    return max(keys, default=-1) + 1


def _retag_fonts(part: Any, number: int) -> None:
    """Each part embeds its own subset of a font, under the tag WeasyPrint derives from the
    font alone; in one file, different subsets must have different names."""
    import pikepdf

    def retag(name: Any) -> Any:
        text = str(name)[1:]
        if "+" not in text:
            return name
        tag, rest = text.split("+", 1)
        tag = "".join(chr(65 + (ord(letter) - 65 + number) % 26) for letter in tag)
        return pikepdf.Name(f"/{tag}+{rest}")

    # The fonts the pages use, and those of their form XObjects: a few dozen objects to look
    # at, not every object of the file.
    seen: set[tuple[int, int]] = set()
    resources = [page.obj.get("/Resources") for page in part.pages]
    while resources:
        resource = resources.pop()
        if not isinstance(resource, pikepdf.Dictionary) or resource.objgen in seen:
            continue
        if resource.is_indirect:
            seen.add(resource.objgen)
        for font in (resource.get("/Font") or {}).values():
            for face in [font, *(font.get("/DescendantFonts") or [])]:
                if face.objgen in seen:
                    continue
                seen.add(face.objgen)
                if "/BaseFont" in face:
                    face.BaseFont = retag(face.BaseFont)
                descriptor = face.get("/FontDescriptor")
                if descriptor is not None and descriptor.objgen not in seen:
                    seen.add(descriptor.objgen)
                    descriptor.FontName = retag(descriptor.FontName)
            resources.append(font.get("/Resources"))  # Type 3 fonts' glyphs
        for xobject in (resource.get("/XObject") or {}).values():
            resources.append(xobject.get("/Resources"))


def _outline_items(part: Any, first_page: int) -> list[tuple[Any, int]]:
    """The part's bookmarks (title, page in the whole document), nested ones flattened under
    their parent's level by the order they come in."""
    pages = {page.objgen: index for index, page in enumerate(part.pages)}
    items = []
    with part.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            destination = item.destination
            page = destination[0] if destination is not None and len(destination) else None
            if page is not None and page.objgen in pages:
                items.append((item, first_page + pages[page.objgen]))
            stack.extend(reversed(item.children))
    return items


def _append_outline(whole: Any, items: list[tuple[Any, int]]) -> None:
    """The later parts' bookmarks (their headings) under the first part's last top bookmark
    (the title), as one document's outline nests them."""
    if not items:
        return
    import pikepdf

    with whole.open_outline() as outline:
        parent = outline.root[-1].children if outline.root else outline.root
        for item, page in items:
            parent.append(pikepdf.OutlineItem(item.title, page))
