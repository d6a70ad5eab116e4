"""The portal's form renderer (portal.widgets.FormRenderer) writes a <select> in Python: the HTML
must be what Django's own templates write, character for character, whatever the select holds."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from portal.widgets import SELECT_TEMPLATE, FormRenderer


class Choices(forms.Form):
    plain = forms.ChoiceField(
        choices=[
            ("", "---"),
            ("x", 'A <b>"label"</b> & more'),
            (7, 2025),
            ("lazy", gettext_lazy("Language")),
            ("Group & co", [("g1", "G1"), ("g2", mark_safe("<i>G2</i>"))]),
            ('quote"d', "Quoted value"),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "one"), ("2", "two"), ("3", "three")],
        widget=forms.SelectMultiple(attrs={"class": 'c"q', "data-on": True, "hidden": False}),
    )
    empty = forms.ChoiceField(choices=[], required=False)


class OwnOptions(forms.Select):
    option_template_name = "django/forms/widgets/input_option.html"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "data",
    [{}, {"plain": "g2", "many": ["1", "3"]}, {"plain": 'quote"d', "many": ["2"]}],
    ids=["unbound", "grouped-chosen", "quoted-chosen"],
)
def test_a_select_is_written_as_djangos_templates_write_it(data, language) -> None:
    form = Choices(data=data or None)
    with override(language):
        for name, field in form.fields.items():
            context = field.widget.get_context(
                name, form[name].value(), {"id": f"id_{name}", "required": name == "many"}
            )
            expected = DjangoTemplates().render(SELECT_TEMPLATE, context)
            assert FormRenderer().render(SELECT_TEMPLATE, context) == expected
            assert expected.startswith(f'<select name="{name}"')


def test_the_portal_renders_its_forms_with_it_and_leaves_other_option_templates_alone() -> None:
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    widget = OwnOptions(choices=[("a", "A"), ("b", "B")])
    context = widget.get_context("own", "b", {"id": "id_own"})
    # Options of another template: the templates write them (here as <input> options).
    written = renderer.render(SELECT_TEMPLATE, context)
    assert written == DjangoTemplates().render(SELECT_TEMPLATE, context)
    assert "<option" not in written


def test_a_select_of_rows_is_written_as_djangos_templates_write_it(world) -> None:
    from creation.models import Region

    class ProvinceForm(forms.Form):
        province = forms.ModelChoiceField(
            queryset=Region.objects.provinces().order_by("code"), required=False
        )

    chosen = Region.objects.provinces().order_by("code").last()
    form = ProvinceForm(data={"province": str(chosen.pk)})
    widget, value = form.fields["province"].widget, form["province"].value()
    written = widget.render("province", value, {"id": "id_province"}, renderer=FormRenderer())
    expected = widget.render("province", value, {"id": "id_province"}, renderer=DjangoTemplates())
    assert written == expected
    assert f'<option value="{chosen.pk}" selected>{chosen}</option>' in written
