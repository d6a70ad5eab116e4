"""The summary report of a creating place (创建总结汇报材料, docs/rules.md §7), in the five-part layout
of the source reports: 1 facilities and activities; 2 aims and principles; 3 leadership and
responsibilities; 4 measures taken; 5 problems and next steps. Figures come from the unit's
records; the narrative parts are the text the unit writes in the portal (SummaryText).

Both formats are built from one list of blocks, so that the PDF and the Word file say the same.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from creation.models import CreationUnit, GroupMember, GroupOffice, LeadershipGroup
from places.models import SummaryText
from places.selectors import PlaceFigures, place_figures
from reporting.documents import (
    Block,
    DocumentKind,
    DocumentParamsError,
    Heading,
    Paragraph,
    Table,
    docx_blocks,
    docx_signature,
    docx_title,
    official_date,
    official_docx,
    paragraphs,
    plain_number,
)

SUMMARY_REPORT = "summary-report"

PART_HEADINGS = (
    gettext_lazy("1. Facilities and activities"),
    gettext_lazy("2. Aims and principles"),
    gettext_lazy("3. Leadership and responsibilities"),
    gettext_lazy("4. Measures taken"),
    gettext_lazy("5. Problems and next steps"),
)


def summary_report_title(unit: CreationUnit) -> str:
    if unit.kind == CreationUnit.Kind.PROJECT:
        return _(
            "%(unit)s: summary report on creating a public cultural service demonstration project"
        ) % {"unit": unit.name}
    return _(
        "%(unit)s: summary report on creating a public cultural service demonstration zone"
    ) % {"unit": unit.name}


def _unwritten(text: str) -> list[Paragraph]:
    return paragraphs(text) or [Paragraph(_("(Not written yet.)"))]


def facilities_blocks(figures: PlaceFigures) -> list[Block]:
    blocks: list[Block] = [Heading(_("(1) Facilities"), level=2)]
    if not figures.facilities:
        return [*blocks, Paragraph(_("No facilities are recorded."))]
    blocks.append(
        Paragraph(
            _(
                "The place has %(count)s public cultural facilities with a total floor area of "
                "%(area)s m²."
            )
            % {"count": figures.facility_count, "area": plain_number(figures.floor_area)}
        )
    )
    rows = [(row.label, str(row.count), plain_number(row.floor_area)) for row in figures.facilities]
    rows.append(
        (_("Total"), str(figures.facility_count), plain_number(figures.floor_area)),
    )
    blocks.append(
        Table((_("Type"), _("Count"), _("Floor area (m²)")), tuple(rows), text_columns=(0,))
    )
    return blocks


def teams_blocks(figures: PlaceFigures, *, is_project: bool = False) -> list[Block]:
    blocks: list[Block] = [Heading(_("(2) Amateur art teams"), level=2)]
    if not figures.teams:
        return [*blocks, Paragraph(_("No amateur art teams are recorded."))]
    # A zone has communities under it; a project does not, its teams are active at places.
    if is_project:
        sentence = _(
            "The project has %(teams)s amateur art teams with %(members)s members, active at "
            "%(communities)s places."
        )
    else:
        sentence = _(
            "%(teams)s amateur art teams with %(members)s members are active in "
            "%(communities)s communities."
        )
    blocks.append(
        Paragraph(
            sentence
            % {
                "teams": figures.team_count,
                "members": figures.team_members,
                "communities": len(figures.teams),
            }
        )
    )
    rows = [(row.community, str(row.teams), str(row.members)) for row in figures.teams]
    place = _("Place of activity") if is_project else _("Community")
    blocks.append(Table((place, _("Teams"), _("Members")), tuple(rows), text_columns=(0,)))
    return blocks


def events_blocks(figures: PlaceFigures) -> list[Block]:
    blocks: list[Block] = [Heading(_("(3) Events and brands"), level=2)]
    if not figures.event_count:
        return [*blocks, Paragraph(_("No events are recorded."))]
    blocks.append(
        Paragraph(
            _(
                "%(events)s events were held, with %(performances)s performances and an audience "
                "of %(audience)s person-times."
            )
            % {
                "events": figures.event_count,
                "performances": figures.performances,
                "audience": figures.audience,
            }
        )
    )
    if figures.brands:
        rows = [
            (row.name, str(row.editions), str(row.performances), str(row.audience))
            for row in figures.brands
        ]
        blocks.append(
            Table(
                (_("Brand"), _("Editions"), _("Performances"), _("Audience")),
                tuple(rows),
                text_columns=(0,),
            )
        )
    return blocks


def staff_blocks(figures: PlaceFigures) -> list[Block]:
    blocks: list[Block] = [Heading(_("(4) Staff and training"), level=2)]
    if figures.staff:
        blocks.append(
            Paragraph(
                _(
                    "The place has %(full_time)s full-time and %(part_time)s part-time cultural "
                    "staff and %(volunteers)s volunteers."
                )
                % {
                    "full_time": figures.full_time,
                    "part_time": figures.part_time,
                    "volunteers": figures.volunteers,
                }
            )
        )
        rows = [
            (row.label, str(row.full_time), str(row.part_time), str(row.volunteers))
            for row in figures.staff
        ]
        rows.append(
            (
                _("Total"),
                str(figures.full_time),
                str(figures.part_time),
                str(figures.volunteers),
            )
        )
        blocks.append(
            Table(
                (_("Level"), _("Full-time"), _("Part-time"), _("Volunteers")),
                tuple(rows),
                text_columns=(0,),
            )
        )
    else:
        blocks.append(Paragraph(_("No staff figures are recorded.")))
    blocks.append(
        Paragraph(
            _("%(courses)s training courses trained %(trainees)s people.")
            % {"courses": figures.course_count, "trainees": figures.trainees}
        )
    )
    return blocks


def money_blocks(figures: PlaceFigures) -> list[Block]:
    blocks: list[Block] = [Heading(_("(5) Money invested"), level=2)]
    if not figures.investments:
        return [*blocks, Paragraph(_("No investments are recorded."))]
    blocks.append(
        Paragraph(
            _("In total %(amount)s (10,000 yuan) were invested.")
            % {"amount": plain_number(figures.invested)}
        )
    )
    rows = [(row.item, plain_number(row.amount)) for row in figures.investments]
    rows.append((_("Total"), plain_number(figures.invested)))
    blocks.append(Table((_("Item"), _("Amount (10,000 yuan)")), tuple(rows), text_columns=(0,)))
    return blocks


def honours_blocks(figures: PlaceFigures) -> list[Block]:
    blocks: list[Block] = [Heading(_("(6) Honours"), level=2)]
    if not figures.honours:
        return [*blocks, Paragraph(_("No honours are recorded."))]
    blocks.append(
        Paragraph(_("The place won %(count)s honours.") % {"count": len(figures.honours)})
    )
    rows = [
        (row.title, row.level, official_date(row.awarded_on), row.awarded_by or "—")
        for row in figures.honours
    ]
    blocks.append(
        Table(
            (_("Honour"), _("Level"), _("Date"), _("Awarded by")),
            tuple(rows),
            text_columns=(0, 3),
        )
    )
    return blocks


def leadership_blocks(unit: CreationUnit) -> list[Block]:
    """Part 3 from the R1.1/R1.2 records, when present."""
    blocks: list[Block] = []
    group = LeadershipGroup.objects.filter(unit=unit).first()
    if group is None:
        blocks.append(Paragraph(_("No leadership group is recorded.")))
    else:
        established = _("%(group)s was established on %(date)s.") % {
            "group": group.name,
            "date": official_date(group.established_on),
        }
        if group.document_number:
            established = _("%(group)s was established on %(date)s (%(number)s).") % {
                "group": group.name,
                "date": official_date(group.established_on),
                "number": group.document_number,
            }
        blocks.append(Paragraph(established))
        members = list(GroupMember.objects.filter(group=group).select_related("department"))
        if members:
            rows = [
                (
                    member.name,
                    member.position,
                    member.get_role_display(),
                    member.department.name if member.department else "—",
                    member.duty or "—",
                )
                for member in members
            ]
            blocks.append(
                Table(
                    (_("Name"), _("Position"), _("Role"), _("Department"), _("Duty")),
                    tuple(rows),
                    text_columns=(0, 1, 4),
                )
            )
    office = GroupOffice.objects.filter(unit=unit).first()
    if office is not None:
        blocks.append(
            Paragraph(
                _(
                    "The office of the leadership group is placed in %(placed)s; its director is "
                    "%(name)s (%(position)s)."
                )
                % {
                    "placed": office.placed_in,
                    "name": office.director_name,
                    "position": office.director_position,
                }
            )
        )
    return blocks


def summary_report_blocks(
    unit: CreationUnit, figures: PlaceFigures, text: SummaryText
) -> list[Block]:
    one, two, three, four, five = (str(heading) for heading in PART_HEADINGS)
    return [
        Heading(one),
        *paragraphs(text.overview),
        *facilities_blocks(figures),
        *teams_blocks(figures, is_project=unit.kind == CreationUnit.Kind.PROJECT),
        *events_blocks(figures),
        *staff_blocks(figures),
        *money_blocks(figures),
        *honours_blocks(figures),
        Heading(two),
        *_unwritten(text.aims),
        Heading(three),
        *leadership_blocks(unit),
        *paragraphs(text.leadership),
        Heading(four),
        *_unwritten(text.measures),
        Heading(five),
        *_unwritten(text.problems),
    ]


def summary_report_context(params: dict[str, Any]) -> dict[str, Any]:
    unit_id = _unit_id(params)
    unit = CreationUnit.objects.with_related().filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise DocumentParamsError(_("There is no such creation unit."))
    figures = place_figures(unit=unit)
    text = SummaryText.objects.filter(unit=unit).first() or SummaryText(unit=unit)
    return {
        "unit": unit,
        "figures": figures,
        "document_title": summary_report_title(unit),
        "blocks": summary_report_blocks(unit, figures, text),
        "signed_on": timezone.localdate(),
        "issuer": unit.batch.programme.office_name,
    }


def _unit_id(params: dict[str, Any]) -> int | None:
    try:
        return int(params.get("unit"))
    except (TypeError, ValueError):
        return None


def summary_report_docx(context: dict[str, Any]) -> Any:
    document = official_docx(title=context["document_title"], author=context["issuer"])
    docx_title(document, context["document_title"])
    docx_blocks(document, context["blocks"])
    docx_signature(document, (context["unit"].name, official_date(context["signed_on"])))
    return document


SUMMARY_REPORT_KIND = DocumentKind(
    slug=SUMMARY_REPORT,
    title=gettext_lazy("Summary report (创建总结汇报材料)"),
    template="reporting/pdf/summary_report.html",
    context=summary_report_context,
    docx=summary_report_docx,
    filename=lambda context: _("%(unit)s summary report") % {"unit": context["unit"].name},
)
