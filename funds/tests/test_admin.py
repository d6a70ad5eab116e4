"""The funds admin: scoped lists, the office keeps the categories, nothing else changes here."""

import pytest
from django.urls import reverse

from creation import services
from creation.models import RoleAssignment
from funds.models import FundCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(world):
    user = world.users["office"]
    services.role_assign(
        user=user, role=RoleAssignment.Role.OFFICE_REVIEWER, programme=world.national
    )
    return user


def test_office_admin_lists_only_the_programmes_plans(client, world, office):
    client.force_login(office)
    response = client.get(reverse("admin:funds_fundplan_changelist"))
    assert response.status_code == 200
    shown = {plan.pk for plan in response.context["cl"].result_list}
    plans = world.objects["fund_plans"]
    assert shown == {plans[key].pk for key in plans if not key.startswith("provincial/")}


def test_office_cannot_change_spending_in_the_admin(client, world, office):
    client.force_login(office)
    expenditure = world.objects["expenditures"]["own"]
    url = reverse("admin:funds_expenditure_change", args=[expenditure.pk])
    assert client.get(url).status_code == 200  # a read-only page
    response = client.post(url, {"amount": "1.00"})
    assert response.status_code == 403
    expenditure.refresh_from_db()
    assert str(expenditure.amount) == "1200.00"


def test_R3_1_office_adds_a_local_only_category(client, world, office):
    client.force_login(office)
    response = client.post(
        reverse("admin:funds_fundcategory_add"),
        {"code": "equipment", "name": "设备购置", "central_allowed": "", "sort_order": 200},
    )
    assert response.status_code == 302
    assert FundCategory.objects.get(code="equipment").central_allowed is False
