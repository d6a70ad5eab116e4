import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creation.tests.factories import CreationUnitFactory

pytestmark = pytest.mark.django_db


def test_login_then_logout(client, world):
    user = world.users["unit_staff"]
    user.set_password("a-long-test-password")
    user.save()
    response = client.post(
        reverse("login"), {"username": "staff", "password": "a-long-test-password"}, follow=True
    )
    # lands on the home page, the work queue
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "groups" in response.context
    assert response.context["user"].username == "staff"
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert not response.context["user"].is_authenticated


def test_login_with_a_wrong_password_says_so(client, world):
    response = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_unit_home_shows_the_unit_and_what_will_appear(client, world):
    client.force_login(world.users["unit_staff"])
    unit = world.objects["units"]["own"]
    page = client.get(reverse("creation:unit-home", kwargs={"pk": unit.pk})).content.decode()
    assert unit.name in page
    assert unit.batch.programme.name in page
    assert "本单位尚未录入任何创建工作" in page


def test_unit_list_empty_state_for_a_user_without_units(client, world):
    client.force_login(world.users["outsider"])
    page = client.get(reverse("creation:unit-list")).content.decode()
    assert "您的账号暂时看不到任何创建单位" in page


def test_office_home_counts_and_paginates(client, world):
    batch = world.objects["batches"]["b1"]
    CreationUnitFactory.create_batch(30, batch=batch)
    client.force_login(world.users["office"])
    first = client.get(reverse("creation:office-home"))
    assert first.context["counts"].total == 33
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("creation:office-home"), {"page": 2})
    assert len(second.context["page"].object_list) == 8


def test_office_home_filters_by_batch(client, world):
    client.force_login(world.users["office"])
    batch = world.objects["batches"]["b2"]
    page = client.get(reverse("creation:office-home"), {"batch": batch.pk})
    names = {unit.name for unit in page.context["page"].object_list}
    assert names == {world.objects["units"]["other"].name}
    # the filtered units are counted, not the totals of the page's figures
    assert page.context["page"].paginator.count == 1 < page.context["counts"].total


def test_pages_fit_a_phone(client, world):
    client.force_login(world.users["office"])
    page = client.get(reverse("creation:office-home")).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


# user, roles (the session is read from the cache); programmes; totals, per batch, per province; the filter's batch,
# programme and province choices; rows of the page (its count is the totals' while no filter
# narrows the units); the open tasks and unread notifications (header, one query)
OFFICE_HOME_QUERIES = 11


def test_office_home_queries_constant(client, world, django_assert_num_queries):
    client.force_login(world.users["office"])
    with django_assert_num_queries(OFFICE_HOME_QUERIES):
        client.get(reverse("creation:office-home"))
    CreationUnitFactory.create_batch(20, batch=world.objects["batches"]["b1"])
    with django_assert_num_queries(OFFICE_HOME_QUERIES):
        client.get(reverse("creation:office-home"))


@pytest.mark.parametrize("route", ["creation:unit-list", "creation:province-home"])
def test_list_pages_queries_constant(client, world, route):
    client.force_login(world.users["province_culture"])

    with CaptureQueriesContext(connection) as few:
        client.get(reverse(route))
    CreationUnitFactory.create_batch(
        20, batch=world.objects["batches"]["b1"], region=world.objects["regions"]["c_own"]
    )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(route))
    assert len(few) <= 12
    assert len(many) == len(few)
