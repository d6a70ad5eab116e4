"""Form widgets every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.forms.models import ModelChoiceIteratorValue
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    """The browser's date picker, with the format written beside it. Chromium lays out
    <input type=date> (its placeholder, its calendar's month names) in the browser's own language
    whatever the page's `lang` says, so a Chinese page in an English browser would show only
    mm/dd/yyyy; the hint says the order the portal means: 年-月-日."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<span class="date-hint">{}</span>', field, _("yyyy-mm-dd"))


def choices_read_once(field: forms.ModelChoiceField) -> list[Model]:
    """The objects of a filter's choice field, read once and kept as the choices its widget
    renders, so that the page may show them elsewhere without reading them again."""
    choices = list(iter(field.choices))  # iter: the iterator's len() would count them first
    field.widget.choices = choices
    return [
        value.instance for value, _label in choices if isinstance(value, ModelChoiceIteratorValue)
    ]
