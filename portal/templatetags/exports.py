"""Links that download the list on the current page, with the page's filters."""

from django import template

from portal.exports import EXPORT_FORMATS

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context: template.Context, fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise template.TemplateSyntaxError(f"Unknown export format {fmt!r}")
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["format"] = fmt
    return "?" + query.urlencode()
