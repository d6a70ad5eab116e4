"""Fonts and the PDF engine of generated documents.

Official documents (GB/T 9704) are set in 仿宋 (body), 黑体 (first-level headings), 楷体
(second-level headings) and 小标宋 (title). Where a machine has those fonts (a Windows font folder
copied to the server, say) they are used; everywhere else the Noto Serif SC and Noto Sans SC faces
that the `pylopdf-fonts-zh-cn` package installs with the project's dependencies stand in, so that a
fresh machine renders Chinese without any system package and never shows empty boxes.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0 libpangoft2-1.0-0). Where it cannot
load, `pdf_unavailable()` says why; Word documents still work.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Family stacks: installed official fonts first, then the packaged faces, then any CJK font.
SERIF_FAMILY = "Noto Serif SC"
SANS_FAMILY = "Noto Sans SC"
BODY_STACK = (
    f'"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "{SERIF_FAMILY}", serif'
)
HEADING_STACK = f'"黑体", "SimHei", "Heiti SC", "{SANS_FAMILY}", sans-serif'
KAITI_STACK = f'"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "{SERIF_FAMILY}", serif'
TITLE_STACK = f'"方正小标宋简体", "FZXiaoBiaoSong-B05S", "宋体", "SimSun", "{SERIF_FAMILY}", serif'

# The names Word documents ask for; Word on the reader's machine substitutes what it has.
DOCX_FONTS = {
    "body": "仿宋",
    "heading": "黑体",
    "kaiti": "楷体",
    "title": "宋体",
    "latin": "Times New Roman",
}


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path


@functools.cache
def packaged_faces() -> tuple[FontFace, ...]:
    """The CJK faces installed from PyPI with the project, if the package is there."""
    try:
        import pylopdf_fonts_zh_cn as fonts
    except ImportError:
        return ()
    faces = (FontFace(SERIF_FAMILY, fonts.serif_path()), FontFace(SANS_FAMILY, fonts.sans_path()))
    return tuple(face for face in faces if face.path.is_file())


@functools.cache
def system_cjk_families() -> tuple[str, ...]:
    """Chinese-capable font families that fontconfig knows (empty without fc-list)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        result = subprocess.run(  # noqa: S603
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(
        sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line})
    )


def cjk_font_problem() -> str | None:
    """None when Chinese text can be set; otherwise what is missing."""
    if packaged_faces() or system_cjk_families():
        return None
    return (
        "No CJK font: install the project's dependencies (pip install -e .), which bring "
        "pylopdf-fonts-zh-cn, or a system font such as Debian's fonts-wqy-microhei."
    )


@functools.cache
def pdf_problem() -> str | None:
    """None when WeasyPrint loads; otherwise why PDFs cannot be made on this machine."""
    try:
        import weasyprint  # noqa: F401
    except ImportError as error:
        return f"WeasyPrint is not installed ({error}); run pip install -e ."
    except OSError as error:
        return (
            "WeasyPrint cannot load Pango from the system "
            f"({error}); on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        )
    return cjk_font_problem()


def font_face_css() -> str:
    """@font-face rules of the packaged faces, for the PDF layouts."""
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.as_uri()}"); }}'
        for face in packaged_faces()
    )


def allowed_font_urls() -> frozenset[str]:
    return frozenset(face.path.as_uri() for face in packaged_faces())


def fast_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset ≥ 4.1, well under a
    second for a 10-page CJK document) rather than fontTools (several seconds)."""
    if pdf_problem() is not None:
        return False
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))
