"""The words of the Chinese interface: people by their names, values in words, stored text laid
out, dates with their format beside the picker."""

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import translation

from portal.people import person_name
from portal.templatetags.text import outline
from portal.widgets import DateInput

User = get_user_model()


def test_a_person_is_named_by_their_name_else_their_username():
    assert person_name(User(username="office", first_name="王办公")) == "王办公"
    assert person_name(User(username="office")) == "office"
    assert person_name(None) == ""
    rendered = Template("{% load people %}{{ user|person }}|{{ nobody|person }}").render(
        Context({"user": User(username="finance", first_name="李财政"), "nobody": None})
    )
    assert rendered == "李财政|—"


@pytest.mark.django_db
def test_the_change_history_shows_people_by_name_and_values_in_words(world, client):
    from funds.services import fund_plan_version_submit

    version = world.objects["draft_versions"]["own"]
    staff = world.users["unit_staff"]
    staff.first_name = "张专员"
    staff.save(update_fields=["first_name"])
    fund_plan_version_submit(user=staff, version=version)
    client.force_login(staff)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(f"/funds/plans/{version.plan_id}/").content.decode()
    history = html[html.index("data-history") :]
    change = history[history.index("报送人") :][:200]
    assert "— → 张专员" in change
    assert "None" not in history
    assert f"→ {staff.username}<" not in history


def test_stored_text_with_indented_items_is_laid_out_as_paragraphs_and_lists():
    text = "一票否决基本要求（R6.6）：\n  [合规] 建立领导小组\n  [未达标] <缺报>\n总分：75"
    assert str(outline(text)) == (
        "<p>一票否决基本要求（R6.6）：</p>"
        "<ul><li>[合规] 建立领导小组</li><li>[未达标] &lt;缺报&gt;</li></ul>"
        "<p>总分：75</p>"
    )


def test_a_date_field_says_its_format_beside_the_picker_in_chinese():
    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override("zh-hans"):
        html = str(Form()["day"])
    assert 'type="date"' in html
    assert '<span class="date-hint">年-月-日</span>' in html


def test_a_status_decision_names_the_previous_status_in_words():
    from scoring.models import UnitStatusDecision

    with translation.override("zh-hans"):
        decision = UnitStatusDecision(previous_status="creating")
        assert decision.previous_status_label not in ("creating", "")
