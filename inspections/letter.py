"""The written feedback of an inspection (书面反馈, R4.1): a letter in official-document layout to
the local people's government of the unit and to the provincial people's government, listing the
inspection (dates, team, scope) and every finding with its rectification requirement and
deadline. PDF and Word from one list of blocks (reporting.documents)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import FeedbackLetter, Inspection
from inspections.services import letter_addressees
from reporting.documents import (
    UNIT_PARAM,
    Block,
    DocumentKind,
    DocumentParam,
    DocumentParamsError,
    Heading,
    Paragraph,
    Table,
    docx_blocks,
    docx_paragraph,
    docx_signature,
    docx_title,
    official_date,
    official_date_range,
    official_docx,
    paragraphs,
)

INSPECTION_LETTER = "inspection-letter"
CHINESE_NUMERALS = "一二三四五六七八九十"


def _day(value: Any) -> str:
    return official_date(value) if value else "—"


def _days(start: Any, end: Any) -> str:
    return official_date_range(start, end) if start and end else "—"


def _ordinal(index: int) -> str:
    if index <= len(CHINESE_NUMERALS):
        return f"（{CHINESE_NUMERALS[index - 1]}）"
    return f"（{index}）"


def letter_blocks(inspection: Inspection, findings: list[Any]) -> list[Block]:
    unit = inspection.unit
    start = inspection.held_start or inspection.planned_start
    end = inspection.held_end or inspection.planned_end
    blocks: list[Block] = [
        Paragraph(
            _(
                "In %(dates)s, the inspection team of %(office)s inspected the creation work "
                "of %(unit)s. The findings and the rectification required are set out below."
            )
            % {
                "dates": _days(start, end),
                "office": unit.batch.programme.office_name,
                "unit": unit.name,
            }
        ),
        Heading(_("1. The inspection")),
        Paragraph(
            _("Planned: %(planned)s; held: %(held)s.")
            % {
                "planned": _days(inspection.planned_start, inspection.planned_end),
                "held": _days(inspection.held_start, inspection.held_end),
            }
        ),
        Table(
            (_("Name"), _("Position"), _("Role in the team")),
            (
                (inspection.leader_name, inspection.leader_position, _("Team leader")),
                *(
                    (member.name, member.position, _("Member"))
                    for member in inspection.members.all()
                ),
            ),
            text_columns=(0, 1),
        ),
        Heading(_("(1) Scope"), level=2),
        *paragraphs(inspection.scope),
        Heading(_("2. Findings and rectification required")),
    ]
    if not findings:
        blocks.append(Paragraph(_("The team found no problems that require rectification.")))
    for index, finding in enumerate(findings, start=1):
        rectification = getattr(finding, "rectification", None)
        basis = finding.rule_id or ""
        if finding.indicator_id:
            indicator = finding.indicator
            basis = f"{basis} {indicator.code} {indicator.name}".strip()
        blocks.append(
            Heading(
                f"{_ordinal(index)}{finding.get_severity_display()} · {basis}",
                level=2,
            )
        )
        blocks.extend(paragraphs(finding.description))
        blocks.append(
            Paragraph(_("Rectification required: %(text)s") % {"text": finding.requirement})
        )
        if rectification is not None:
            blocks.append(
                Paragraph(
                    _("Responsible: %(owner)s; deadline: %(deadline)s.")
                    % {"owner": rectification.owner, "deadline": _day(rectification.deadline)}
                )
            )
    blocks += [
        Heading(_("3. Requirements")),
        Paragraph(
            _(
                "Please have the rectification carried out item by item within the deadlines, "
                "and submit the rectification report with its evidence through the portal."
            )
        ),
    ]
    return blocks


def _param(params: dict[str, Any], name: str) -> int | None:
    try:
        return int(params.get(name))
    except (TypeError, ValueError):
        return None


def inspection_letter_context(params: dict[str, Any]) -> dict[str, Any]:

    inspection = (
        Inspection.objects.select_related(
            "unit__region__province", "unit__region__parent", "unit__batch__programme"
        )
        .filter(pk=_param(params, "inspection"), unit_id=_param(params, "unit"))
        .first()
    )
    if inspection is None:
        raise DocumentParamsError(_("There is no such inspection."))
    letter = FeedbackLetter.objects.filter(inspection=inspection).first()
    if letter is not None:
        addressees = (letter.local_government, letter.provincial_government)
    else:
        addressees = letter_addressees(inspection.unit)
    findings = list(inspection.findings.select_related("indicator", "rectification").order_by("pk"))
    return {
        "unit": inspection.unit,
        "inspection": inspection,
        "letter": letter,
        "addressees": addressees,
        "addressee_line": "、".join(addressees) + "：",
        "document_title": _("Feedback on the inspection of the creation work of %(unit)s")
        % {"unit": inspection.unit.name},
        "blocks": letter_blocks(inspection, findings),
        "signed_by": inspection.unit.batch.programme.office_name,
        "issuer": inspection.unit.batch.programme.office_name,
        "signed_on": letter.sent_on if letter else timezone.localdate(),
    }


def inspection_letter_is_draft(params: dict[str, Any]) -> bool:
    # C7: a letter is the unit's (and the province's) to read only once the office has sent it;
    # until then it is the office's draft. An inspection that is not there has no sent letter.
    return not FeedbackLetter.objects.filter(
        inspection_id=_param(params, "inspection"),
        inspection__unit_id=_param(params, "unit"),
    ).exists()


def inspection_letter_docx(context: dict[str, Any]) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = official_docx(title=context["document_title"], author=context["signed_by"])
    if context["letter"] is not None:
        number = document.add_paragraph(context["letter"].document_number)
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx_title(document, context["document_title"])
    addressee = docx_paragraph(document, context["addressee_line"])
    addressee.paragraph_format.first_line_indent = None
    docx_blocks(document, context["blocks"])
    docx_signature(document, (context["signed_by"], official_date(context["signed_on"])))
    return document


INSPECTION_LETTER_KIND = DocumentKind(
    slug=INSPECTION_LETTER,
    title=gettext_lazy("Inspection feedback letter (书面反馈)"),
    template="reporting/pdf/inspection_letter.html",
    context=inspection_letter_context,
    docx=inspection_letter_docx,
    is_draft=inspection_letter_is_draft,
    params=(UNIT_PARAM, DocumentParam("inspection", "id of the inspection (of that unit)")),
    filename=lambda context: (
        _("%(unit)s inspection feedback %(date)s")
        % {"unit": context["unit"].name, "date": context["signed_on"].isoformat()}
    ),
)
