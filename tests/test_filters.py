"""The choices of a filter on related rows (portal.filters.ModelChoiceFilter): read in one plain
query, in the order and with the labels the filter gives."""

from __future__ import annotations

from unittest import mock

import django_filters
from django import forms
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from creation.models import Programme, Region
from portal.filters import ListedModelChoiceField, ModelChoiceFilter


class ProvinceFilter(django_filters.FilterSet):
    province = ModelChoiceFilter(
        field_name="province",
        queryset=Region.objects.provinces().order_by("code"),
        empty_label="All provinces",
        null_label="No province",
    )


def test_choices_come_in_one_query_without_a_cursor(world) -> None:
    field = ProvinceFilter(queryset=Region.objects.all()).form.fields["province"]
    with (
        mock.patch.object(QuerySet, "iterator", side_effect=AssertionError("a cursor")),
        CaptureQueriesContext(connection) as queries,
    ):
        choices = [(str(value), str(label)) for value, label in field.choices]
    assert len(queries) == 1
    provinces = list(Region.objects.provinces().order_by("code"))
    assert choices == [
        ("", "All provinces"),
        ("null", "No province"),
        *[(str(province.pk), str(province)) for province in provinces],
    ]
    assert len(field.choices) == len(choices)
    assert {world.province_own.pk, world.province_other.pk} <= {p.pk for p in provinces}


def test_a_chosen_row_filters_and_a_stranger_is_refused(world) -> None:
    own = ProvinceFilter({"province": world.province_own.pk}, queryset=Region.objects.all())
    assert set(own.qs) == set(Region.objects.filter(province=world.province_own))
    assert own.qs.exists()
    stranger = ProvinceFilter({"province": 10**9}, queryset=Region.objects.all())
    assert not stranger.is_valid()
    assert "province" in stranger.errors


class ProgrammeForm(forms.Form):
    programme = ListedModelChoiceField(queryset=Programme.objects.order_by("pk"), required=False)


def test_a_forms_choice_of_rows_comes_in_one_query_without_a_cursor(world) -> None:
    field = ProgrammeForm().fields["programme"]
    with (
        mock.patch.object(QuerySet, "iterator", side_effect=AssertionError("a cursor")),
        CaptureQueriesContext(connection) as queries,
    ):
        choices = [(str(value), str(label)) for value, label in field.choices]
    assert len(queries) == 1
    programmes = list(Programme.objects.order_by("pk"))
    assert programmes
    assert choices == [("", "---------"), *[(str(p.pk), str(p)) for p in programmes]]
    assert len(field.choices) == len(choices)
    chosen = ProgrammeForm({"programme": programmes[0].pk})
    assert chosen.is_valid()
    assert chosen.cleaned_data["programme"] == programmes[0]
