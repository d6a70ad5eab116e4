"""The unit lists' rows (creation.templatetags.unit_tables) say what the template loop they
replace said, in both languages: the reference below is that loop."""

from __future__ import annotations

import re

import pytest
from django.template import engines
from django.utils.translation import override

from creation.models import CreationUnit

TEMPLATE_LOOP = """{% load i18n %}{% for unit in units %}
    <tr data-unit-id="{{ unit.pk }}">
      <td><a href="{% url 'creation:unit-home' unit.pk %}">{{ unit.name }}</a></td>
      <td>{{ unit.get_kind_display }}</td>
      <td>{{ unit.region.province_region.name }}{% if unit.region.province_region != unit.region %} · {{ unit.region.name }}{% endif %}</td>
      <td>{{ unit.batch.programme.name }} · {% blocktranslate with number=unit.batch.number %}batch {{ number }}{% endblocktranslate %}</td>
      <td><span class="status status-{{ unit.status }}">{{ unit.get_status_display }}</span></td>
      <td>{{ unit.start_date|date:"Y-m-d" }}</td>
    </tr>
  {% endfor %}"""


def _tight(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_unit_rows_write_what_the_template_loop_wrote(world, language) -> None:
    units = list(
        CreationUnit.objects.select_related("region__province", "batch__programme").order_by("pk")
    )
    assert len(units) >= 2
    # One unit in a region below its province, one in the province itself.
    units[0].region = next(u.region for u in units if u.region.province_region != u.region)
    units[1].region = units[1].region.province_region
    first = units[0]
    first.name = 'A "quoted" <unit> & co'
    first.status = CreationUnit.Status.WITHDRAWN
    django = engines["django"]
    context = {"units": units}
    with override(language):
        expected = django.from_string(TEMPLATE_LOOP).render(context)
        written = django.from_string("{% load unit_tables %}{% unit_rows units %}").render(context)
    assert _tight(written) == _tight(expected)
    assert "&quot;quoted&quot; &lt;unit&gt; &amp; co" in written
