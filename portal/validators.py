"""Formats of contact details entered on forms and through the API."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A mainland mobile number: 11 digits from 13–19, optionally after +86 / 0086, with spaces or
# hyphens between the groups as people type them ("139 0731 1001", "+86 139-0731-1001").
mobile_validator = RegexValidator(
    r"^(?:\+86|0086)?[\s-]?1[3-9]\d(?:[\s-]?\d){8}$",
    _("Enter an 11-digit mobile number starting with 13–19, for example 139 0731 1001."),
    code="invalid_mobile",
)

# An office (landline) number: an area code and a number, or a mobile; digits with spaces,
# hyphens, parentheses or a leading +, an extension after "转" or "ext"; 7 to 20 digits in all.
phone_validator = RegexValidator(
    r"^(?=(?:\D*\d){7,20}\D*$)\+?[\d\s()-]+(?:(?:转|ext\.?|x)\s*\d{1,6})?$",
    _(
        "Enter a telephone number such as 0731-8888 8888 (digits, spaces and hyphens; "
        "an extension after 转)."
    ),
    code="invalid_phone",
)
