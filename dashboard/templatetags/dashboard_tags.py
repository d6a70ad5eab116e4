"""The rows of the dashboards' per-unit tables (the heat map, the funds of the units of the page),
written out here rather than by loops of the templates: a page of the dashboard has 50 units ×
12 months of cells and 50 × 8 of funds, and the template engine spent several milliseconds of
every dashboard on resolving their half a dozen variables each."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from creation.models import CreationUnit
from funds.templatetags.funds_tags import yuan
from portal.choices import choice_label

register = template.Library()


@register.simple_tag
def heat_row(row: Any, nothing_due: str) -> SafeString:
    """A unit's row of the heat map (dashboard.selectors.HeatRow): its name, linking to its
    reporting calendar, its province and kind, then its cells."""
    unit = row.unit
    return format_html(
        '<tr data-unit-id="{}"><th scope="row"><a href="{}">{}</a> <span class="unit-meta">{} · '
        "{}</span></th>{}</tr>",
        unit.pk,
        row.calendar_url,
        unit.name,
        unit.region.province_region.name,
        choice_label(CreationUnit.Kind, unit.kind),
        heat_cells(row, nothing_due),
    )


def heat_cells(row: Any, nothing_due: str) -> SafeString:
    """The `<td>` of each month of a heat-map row (dashboard.selectors.HeatRow): the cell's
    traffic light, its link to the unit's calendar of the month and how many reports were due
    (a whole number, written as it is); an empty cell says that nothing was due. Every text is
    escaped as the template would; a label is escaped once per row."""
    empty = f'<td class="heat empty" data-light=""><span class="visually-hidden">{escape(nothing_due)}</span></td>'
    labels: dict[str, str] = {}
    cells = []
    for cell in row.cells:
        if not cell.light:
            cells.append(empty)
            continue
        light = escape(cell.light)
        label = labels.get(light)
        if label is None:
            label = labels[light] = escape(cell.label)
        total = int(cell.counts.total)
        cells.append(
            f'<td class="heat light-{light}" data-light="{light}"><a href="{escape(cell.url)}" '
            f'title="{label} ({total})"><span class="visually-hidden">{escape(cell.month_text)}: '
            f"{label}, </span>{total}</a></td>"
        )
    return mark_safe("".join(cells))  # noqa: S308 - every value above is escaped


@register.simple_tag
def fund_unit_rows(rows: Any) -> SafeString:
    """The fund panel's row of each unit of the page (dashboard.selectors.fund_units_panel):
    its filed plans, budget and spending in yuan, all and central, and its execution rate."""
    return format_html_join(
        "",
        '<tr data-fund-unit-id="{}"><td><a href="{}">{}</a></td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num"><a href="{}">{}</a></td></tr>',
        (
            (
                row.pk,
                row.funds_url,
                row.name,
                row.filed_plans,
                yuan(row.budget),
                yuan(row.spent),
                yuan(row.central_budget),
                yuan(row.central_spent),
                row.funds_url,
                "—" if row.rate is None else f"{row.rate}%",
            )
            for row in rows
        ),
    )
