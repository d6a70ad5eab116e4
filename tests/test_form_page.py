"""Pages with one form share templates/portal/form_page.html: title, notes, the error summary
(every problem, each linking to its field) and the message again at the field, Save and Cancel."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("route", "data", "first_field"),
    [
        ("creation:meeting-create", {}, "id_kind"),
        # the claim page binds its form only to a non-empty POST
        ("scoring:claim-create", {"outlet_name": "长沙晚报"}, "id_outlet"),
    ],
)
def test_form_page_missing_fields_show_the_summary_linking_to_each_field(
    client, world, route, data, first_field
):
    client.cookies["django_language"] = "en"
    client.force_login(world.users["unit_staff"])
    page = reverse(route, kwargs={"pk": world.objects["units"]["own"].pk})
    response = client.post(page, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "portal/form_page.html" in [t.name for t in response.templates]
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert f'href="#{first_field}"' in summary
    assert "This field is required." in summary
    assert f'id="{first_field}_error"' in html  # the message again at the field
    assert html.index('id="error-summary"') < html.index(f'id="{first_field}"')
