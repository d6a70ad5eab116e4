"""Form widgets every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
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


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    """Django's form renderer (settings.FORM_RENDERER), except that a <select> is written here
    rather than through Django's templates, in the same HTML. Those include two more templates
    per option (the option, its attributes): on a list page's filters (every province, every
    batch, every status) that was 2-3 ms of the page, more than its queries. A select whose
    options use another template is left to the templates."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            widget = context["widget"]
            groups = widget["optgroups"]
            if all(
                o["template_name"] == OPTION_TEMPLATE for _n, options, _i in groups for o in options
            ):
                return select_html(widget)
        return super().render(template_name, context, request)


def _text(value: Any) -> str:
    # `{{ value }}` with autoescape on, as the template would write it (localized, escaped).
    return render_value_in_context(value, _AUTOESCAPE)


def _as_string(value: Any) -> str:
    # `{{ value|stringformat:'s' }}`: the value's text, escaped unless it is already safe.
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name.
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_as_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/select.html with its options (select_option.html), as Django's
    templates write it once stripped."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


_AUTOESCAPE = Context(autoescape=True)
