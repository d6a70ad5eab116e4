"""Hostile form input: every create/edit page a unit's staff or the office uses, posted with
impossible dates, bad sums of money, numbers beyond any column and text over its maximum
length, re-renders with the errors and what was typed (never a server error, never a save), in
Chinese and in English."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from tests.scope_cases import ROUTE_CASES

pytestmark = pytest.mark.django_db

BAD_DATES = ("2026-02-30", "2026-13-01", "99999-01-01", "0000-00-00", "明天", "2026-01-01\x00")
BAD_MONEY = ("-1", "abc", "1e400", "NaN", "Infinity", "123456789012345678.99", "1.999", "9" * 40)
BAD_NUMBERS = ("-99999999999999999999999", "9" * 40, "abc", "1.5e308")


def _form_routes() -> list[str]:
    return sorted(
        route
        for route, case in ROUTE_CASES.items()
        if not route.startswith("api:")
        and case.kind in ("detail", "form")
        and (route.endswith(("-create", "-edit", "-new")) or case.editors_only)
        and not route.endswith("-delete")
    )


def _url(world, role, route):
    case = ROUTE_CASES[route]
    if case.kind != "detail":
        return reverse(route)
    keys = sorted(key for key in world.expected[role].get(case.model, set()))
    if case.editors_only:
        keys = [key for key in keys if world.can_edit(role, case.model, key)] or keys
    return reverse(route, kwargs={"pk": world.objects[case.model][keys[0]].pk}) if keys else None


def _initial(form: forms.BaseForm) -> dict[str, str]:
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def _bad_sets(form: forms.BaseForm, index: int) -> dict[str, dict[str, str]]:
    """For one post, the fields of each kind set to one of that kind's bad values."""
    dates, money, numbers, lengths = {}, {}, {}, {}
    for name, field in form.fields.items():
        if isinstance(field, forms.DateField):
            dates[name] = BAD_DATES[index % len(BAD_DATES)]
        elif isinstance(field, forms.DecimalField | forms.FloatField):
            # An acceptance indicator's measured value may be below zero (a change, a growth
            # rate): only the values that are bad for any number go there.
            values = BAD_MONEY[1:] if name.startswith("indicator_") else BAD_MONEY
            money[name] = values[index % len(values)]
        elif isinstance(field, forms.IntegerField):
            numbers[name] = BAD_NUMBERS[index % len(BAD_NUMBERS)]
        elif isinstance(field, forms.CharField) and field.max_length and not field.widget.is_hidden:
            lengths[name] = "长" * (field.max_length + 1)
    return {
        "dates": dates,
        "money": money,
        "numbers": numbers,
        "lengths": lengths,
        "nul": dict.fromkeys(lengths, "含\x00空字符"),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_form_refuses_bad_values_and_keeps_what_was_typed(world, language):
    problems, posts = [], 0
    for role in ("unit_staff", "office"):
        client = Client(raise_request_exception=False)
        client.cookies["django_language"] = language
        client.force_login(world.users[role])
        for route in _form_routes():
            url = _url(world, role, route)
            if url is None:
                continue
            page = client.get(url)
            form = page.context.get("form") if page.status_code == 200 and page.context else None
            if not isinstance(form, forms.BaseForm):
                continue
            for index in range(2):
                for kind, bad in _bad_sets(form, index).items():
                    if not bad:
                        continue
                    posts += 1
                    response = client.post(url, {**_initial(form), **bad})
                    where = (role, route, kind, bad)
                    if response.status_code >= 500:
                        problems.append(("server error", *where))
                    elif response.status_code != 200:
                        problems.append((f"accepted ({response.status_code})", *where))
                    else:
                        shown = response.context.get("form") if response.context else None
                        errors = shown.errors if isinstance(shown, forms.BaseForm) else {}
                        if not set(bad) & set(errors):
                            problems.append(("no field error", *where))
    assert posts > 50
    assert not problems, "\n".join(map(repr, problems))
