"""The bulletin (通报) of a closed scoring period (R6.3): every unit's base, adoption points, total
and rank, batch by batch in rank order, in the official-document layout (reporting.documents).
Both formats are built from one list of blocks, so that the PDF and the Word file say the same."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creation.models import Batch
from reporting.documents import (
    Block,
    DocumentKind,
    DocumentParam,
    DocumentParamsError,
    Heading,
    Paragraph,
    Table,
    docx_blocks,
    docx_signature,
    docx_title,
    official_date,
    official_date_range,
    official_docx,
    official_period,
)
from scoring.models import Bulletin, ScoringSettings
from scoring.selectors import period_scores

BULLETIN = "publicity-bulletin"
# Rank, unit, base, adoption points, total: a unit's name of up to 14 characters on one line.
BULLETIN_COLUMN_WIDTHS = (12, 40, 16, 16, 16)


def bulletin_title(bulletin: Bulletin) -> str:
    period = bulletin.period
    return _(
        "Bulletin on the publicity scores of the %(kind)s of %(programme)s, period %(period)s"
    ) % {
        "kind": period.get_kind_display(),
        "programme": period.programme.name,
        "period": official_period(period.label),
    }


def bulletin_blocks(bulletin: Bulletin) -> list[Block]:
    period = bulletin.period
    settings = ScoringSettings.for_programme(period.programme_id)
    points = settings.tier_points()
    scores = period_scores(period=period)
    batches = {
        b.pk: b
        for b in Batch.objects.filter(pk__in={s.group[0] for s in scores}).select_related(
            "programme"
        )
    }
    blocks: list[Block] = [
        Paragraph(
            _(
                "Under the publicity scoring rules, each unit scores a base of %(base)s points "
                "when every work update and in-depth report due in the period was submitted on "
                "time, and for each verified adoption and publication %(t1)s, %(t2)s, %(t3)s, "
                "%(t4)s or %(t5)s points by the tier of the outlet. The results of %(period)s "
                "(%(dates)s) are circulated as follows."
            )
            % {
                "base": settings.base_points,
                "t1": points[1],
                "t2": points[2],
                "t3": points[3],
                "t4": points[4],
                "t5": points[5],
                "period": official_period(period.label),
                "dates": official_date_range(period.start, period.end),
            }
        )
    ]
    headers = (_("Rank"), _("Unit"), _("Base score"), _("Adoption points"), _("Total"))
    for batch_id, rows in groupby(scores, key=lambda s: s.group[0]):
        batch = batches.get(batch_id)
        blocks.append(Heading(str(batch) if batch else str(batch_id), level=1))
        blocks.append(
            Table(
                headers=headers,
                rows=tuple(
                    (str(s.rank), s.name, str(s.base), str(s.bonus), str(s.total)) for s in rows
                ),
                text_columns=(1,),
                widths=BULLETIN_COLUMN_WIDTHS,
            )
        )
    if not scores:
        blocks.append(Paragraph(_("No unit was scored in this period.")))
    return blocks


def bulletin_context(params: dict[str, Any]) -> dict[str, Any]:
    try:
        bulletin_id = int(params.get("bulletin"))
    except (TypeError, ValueError):
        bulletin_id = None
    bulletin = (
        Bulletin.objects.select_related("period__programme", "period__batch")
        .filter(pk=bulletin_id)
        .first()
        if bulletin_id
        else None
    )
    if bulletin is None:
        raise DocumentParamsError(_("There is no such bulletin."))
    return {
        "bulletin": bulletin,
        "document_title": bulletin_title(bulletin),
        "blocks": bulletin_blocks(bulletin),
        "signed_on": bulletin.published_on,
        "issuer": bulletin.period.programme.office_name,
    }


def bulletin_docx(context: dict[str, Any]) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = official_docx(title=context["document_title"], author=context["issuer"])
    number = document.add_paragraph(context["bulletin"].number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx_title(document, context["document_title"])
    docx_blocks(document, context["blocks"])
    docx_signature(document, (context["issuer"], official_date(context["signed_on"])))
    return document


BULLETIN_KIND = DocumentKind(
    slug=BULLETIN,
    title=gettext_lazy("Publicity scoring bulletin (通报)"),
    template="reporting/pdf/publicity_bulletin.html",
    context=bulletin_context,
    docx=bulletin_docx,
    filename=lambda context: (
        _("%(number)s publicity scoring bulletin %(period)s")
        % {
            "number": context["bulletin"].number,
            "period": official_period(context["bulletin"].period.label),
        }
    ),
    unit_param=None,
    params=(DocumentParam("bulletin", "id of the published bulletin"),),
    # thousands of rows: laid out on every core of the worker
    pdf_in_parts=True,
)
