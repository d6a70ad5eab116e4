"""Template filters of the funds pages."""

from decimal import Decimal

from django import template

from funds.rules import money

register = template.Library()


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    """An amount of yuan with two decimals and thousands separated by commas, as finance
    documents write it, whatever the page's language (1,234,567.80)."""
    if value is None or value == "":
        return "—"
    return f"{money(value):,.2f}"
