"""Shared reference data: the national catalogue of media outlets, the fund categories (R3.1) and
the departments (R1.1) are used by every programme, so only the national programme's office or a
superuser changes them. The office of a provincial programme keeps outlets of its own, seen and
used only within its programme. The write matrix has no provincial office among its roles: these
tests give one its rights through the role service, as in production, and try admin and API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from creation import services
from creation.models import Department, RoleAssignment
from funds.models import FundCategory
from scoring import services as scoring_services
from scoring.forms import ClaimForm
from scoring.models import MediaOutlet

pytestmark = pytest.mark.django_db

OFFICE = RoleAssignment.Role.OFFICE_REVIEWER


@pytest.fixture
def national_office(world):
    user = world.users["office"]
    services.role_assign(user=user, role=OFFICE, programme=world.national)
    return user


@pytest.fixture
def provincial_office(world):
    user = services.user_ensure(username="sichuan-office", password="x-unused-x")
    services.role_assign(user=user, role=OFFICE, programme=world.provincial)
    return user


def _outlet_form(outlet, **changes):
    data = {
        "name": outlet.name,
        "programme": outlet.programme_id or "",
        "tier": outlet.tier or "",
        "level": outlet.level,
        "generic": "on" if outlet.generic else "",
        "sort_order": outlet.sort_order,
        "active": "on" if outlet.active else "",
    }
    return {**data, **changes}


def test_reference_data_provincial_office_cannot_change_national_outlets_in_admin_or_api(
    client, api_client, world, provincial_office
):
    national = world.objects["media_outlets"]["人民日报"]
    client.force_login(provincial_office)
    url = reverse("admin:scoring_mediaoutlet_change", args=[national.pk])
    assert client.get(url).status_code == 200  # read only
    response = client.post(url, _outlet_form(national, tier=5))
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.tier == 2

    # the admin's add form asks for the programme: no outlet joins the national catalogue
    response = client.post(
        reverse("admin:scoring_mediaoutlet_add"),
        {"name": "四川电视台", "programme": "", "tier": 1, "level": "", "sort_order": 0},
    )
    assert response.status_code == 200
    assert "programme" in response.context["adminform"].form.errors

    api_client.force_authenticate(provincial_office)
    response = api_client.post(
        reverse("api:media-outlet-list"), {"name": "四川电视台", "tier": 1}, format="json"
    )
    assert response.status_code == 403
    assert not MediaOutlet.objects.filter(name="四川电视台").exists()


def test_reference_data_provincial_office_adds_its_own_outlet_scoped_to_its_programme(
    client, api_client, world, provincial_office
):
    api_client.force_authenticate(provincial_office)
    response = api_client.post(
        reverse("api:media-outlet-list"),
        {"name": "成都日报", "level": "city", "programme": world.provincial.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    added = MediaOutlet.objects.get(name="成都日报")
    assert added.programme == world.provincial
    assert response.json()["programme"] == world.provincial.pk

    # its office keeps it in the admin
    client.force_login(provincial_office)
    url = reverse("admin:scoring_mediaoutlet_change", args=[added.pk])
    response = client.post(url, _outlet_form(added, level="", tier=4))
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.tier == 4

    # … and on the outlets page, where a new one is its programme's too
    response = client.post(
        reverse("scoring:outlets"),
        {"name": "成都电视台", "programme": world.provincial.pk, "tier": 4, "level": ""},
    )
    assert response.status_code == 302
    assert MediaOutlet.objects.get(name="成都电视台").programme == world.provincial

    # seen within the provincial programme only: not by the national office or its units
    staff = world.users["unit_staff"]
    for user in (staff, world.users["office"]):
        api_client.force_authenticate(user)
        listed = api_client.get(reverse("api:media-outlet-list"), {"page_size": 200}).json()
        names = {row["name"] for row in listed["results"]}
        assert "人民日报" in names
        assert "成都日报" not in names
    # a unit of another programme can neither choose it nor claim it
    own = world.objects["units"]["own"]
    assert added not in ClaimForm(unit=own).fields["outlet"].queryset
    assert added in ClaimForm(unit=world.objects["units"]["provincial"]).fields["outlet"].queryset
    with pytest.raises(ValidationError) as refused:
        scoring_services.claim_create(
            unit=own,
            user=staff,
            outlet=added,
            title="长沙文化新闻",
            published_on=own.start_date,
            link="https://example.org/news",
        )
    assert "outlet" in refused.value.message_dict


def test_reference_data_national_office_cannot_add_outlets_to_a_provincial_programme(
    api_client, world, national_office
):
    api_client.force_authenticate(national_office)
    response = api_client.post(
        reverse("api:media-outlet-list"),
        {"name": "成都日报", "level": "city", "programme": world.provincial.pk},
        format="json",
    )
    assert response.status_code == 400  # the provincial programme is outside its scope
    assert not MediaOutlet.objects.filter(name="成都日报").exists()
    response = api_client.post(
        reverse("api:media-outlet-list"), {"name": "湖南日报", "level": "province"}, format="json"
    )
    assert response.status_code == 201
    assert MediaOutlet.objects.get(name="湖南日报").programme is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("provincial_office", False), ("national_office", True), ("superuser", True)],
)
def test_reference_data_only_national_office_or_superuser_change_fund_categories_and_departments(
    client, world, request, role, allowed
):
    user = world.users["superuser"] if role == "superuser" else request.getfixturevalue(role)
    client.force_login(user)
    category = FundCategory.objects.filter(central_allowed=True).first()
    department = Department.objects.first()
    before = (department.required_for_projects, department.sort_order)
    category_url = reverse("admin:funds_fundcategory_change", args=[category.pk])
    department_url = reverse("admin:creation_department_change", args=[department.pk])
    assert client.get(category_url).status_code == 200
    assert client.get(department_url).status_code == 200

    responses = [
        client.post(
            category_url,
            {"name": category.name, "description": "", "central_allowed": "", "sort_order": 1},
        ),
        client.post(
            department_url,
            {
                "name": department.name,
                "required_for_zones": "",
                "required_for_projects": "on",
                "sort_order": 1,
            },
        ),
        client.post(
            reverse("admin:funds_fundcategory_add"),
            {"code": "equipment", "name": "设备购置", "central_allowed": "", "sort_order": 200},
        ),
        client.post(
            reverse("admin:creation_department_add"),
            {"name": "宣传部", "required_for_zones": "on", "sort_order": 200},
        ),
    ]
    category.refresh_from_db()
    department.refresh_from_db()
    if allowed:
        assert [r.status_code for r in responses] == [302] * 4
        assert category.central_allowed is False
        assert (department.required_for_projects, department.sort_order) == (True, 1)
        assert FundCategory.objects.filter(code="equipment").exists()
        assert Department.objects.filter(name="宣传部").exists()
    else:
        assert [r.status_code for r in responses] == [403] * 4
        assert category.central_allowed is True
        assert (department.required_for_projects, department.sort_order) == before
        assert not FundCategory.objects.filter(code="equipment").exists()
        assert not Department.objects.filter(name="宣传部").exists()
