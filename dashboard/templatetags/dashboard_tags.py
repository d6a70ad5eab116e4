"""The heat map's cells, written out here rather than by a loop of the template: a page of the
dashboard has 50 units × 12 months of them, and the template engine spent several milliseconds
of every dashboard on resolving their half a dozen variables each."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def heat_cells(row, nothing_due: str) -> SafeString:
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
