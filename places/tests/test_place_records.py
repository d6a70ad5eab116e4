"""Pages and API of a creating place's records (§7): the unit's staff change them, everyone who
sees the unit reads them, and lists cost the same number of queries for one row and for many."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from places.kinds import RECORD_KINDS
from places.models import ArtTeam, CulturalEvent, Facility, StaffCount, SummaryText
from places.tests.factories import (
    ArtTeamFactory,
    CulturalEventFactory,
    FacilityFactory,
    HonourFactory,
    InvestmentFactory,
    StaffCountFactory,
    TrainingCourseFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "facilities": FacilityFactory,
    "art-teams": ArtTeamFactory,
    "events": CulturalEventFactory,
    "training": TrainingCourseFactory,
    "investments": InvestmentFactory,
    "honours": HonourFactory,
}
API_LISTS = {
    "facility": FacilityFactory,
    "art-team": ArtTeamFactory,
    "event": CulturalEventFactory,
    "training-course": TrainingCourseFactory,
    "investment": InvestmentFactory,
    "honour": HonourFactory,
}


def test_staff_add_a_facility_through_the_page(client, world):
    own = world.objects["units"]["own"]
    client.force_login(world.users["unit_staff"])
    response = client.post(
        reverse("place:facility-create", kwargs={"pk": own.pk}),
        {
            "kind": "station",
            "name": "东风街道文化站",
            "community": "东风社区",
            "address": "东风路8号",
            "floor_area": "520.5",
            "equipment": "音响",
            "weekly_hours": "48",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("place:records", kwargs={"pk": own.pk}) + "?section=facilities"
    assert Facility.objects.get(unit=own, name="东风街道文化站").floor_area == 520.5


def test_record_form_shows_model_errors(client, world):
    own = world.objects["units"]["own"]
    client.force_login(world.users["unit_staff"])
    response = client.post(
        reverse("place:facility-create", kwargs={"pk": own.pk}),
        {"kind": "station", "name": "站", "floor_area": "-1", "weekly_hours": "200"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"floor_area", "weekly_hours"} <= set(errors)
    assert not Facility.objects.filter(unit=own, name="站").exists()


def test_staff_edit_and_delete_a_team(client, world):
    team = world.objects["art_teams"]["own"]
    client.force_login(world.users["unit_staff"])
    edit = client.post(
        reverse("place:art-team-edit", kwargs={"pk": team.pk}),
        {"name": "新名字", "kind": "choir", "community": "新河社区", "members": "33"},
    )
    assert edit.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.kind, team.members) == ("新名字", "choir", 33)
    delete = client.post(reverse("place:art-team-delete", kwargs={"pk": team.pk}))
    assert delete.status_code == 302
    assert not ArtTeam.objects.filter(pk=team.pk).exists()


@pytest.mark.parametrize("role", ["province_culture", "office"])
def test_reviewers_read_records_but_cannot_change_them(client, world, role):
    own = world.objects["units"]["own"]
    team = world.objects["art_teams"]["own"]
    client.force_login(world.users[role])
    page = client.get(reverse("place:records", kwargs={"pk": own.pk}) + "?section=art-teams")
    assert page.status_code == 200
    assert f'data-record-id="{team.pk}"' in page.content.decode()
    assert reverse("place:art-team-edit", kwargs={"pk": team.pk}) not in page.content.decode()
    response = client.post(
        reverse("place:art-team-edit", kwargs={"pk": team.pk}),
        {"name": "x", "kind": "choir", "community": "x", "members": "1"},
    )
    assert response.status_code == 403
    assert ArtTeam.objects.get(pk=team.pk).name == team.name


def test_staff_write_the_summary_text(client, world):
    own = world.objects["units"]["own"]
    client.force_login(world.users["unit_staff"])
    response = client.post(
        reverse("place:summary-text", kwargs={"pk": own.pk}),
        {
            "overview": "概况",
            "aims": "目标",
            "leadership": "",
            "measures": "措施",
            "problems": "问题",
        },
    )
    assert response.status_code == 302
    text = SummaryText.objects.get(unit=own)
    assert (text.aims, text.measures, text.problems) == ("目标", "措施", "问题")
    page = client.get(reverse("place:summary-report", kwargs={"pk": own.pk})).content.decode()
    assert "措施" in page


@pytest.mark.parametrize("section", sorted(FACTORIES))
def test_records_page_queries_constant(client, world, section):
    own = world.objects["units"]["own"]
    client.force_login(world.users["unit_staff"])
    url = reverse("place:records", kwargs={"pk": own.pk}) + f"?section={section}"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    FACTORIES[section].create_batch(20, unit=own)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("data-record-id=") == 21
    assert len(many) == len(one)


def test_records_page_has_a_tab_per_kind_with_its_count(client, world):
    own = world.objects["units"]["own"]
    FacilityFactory.create_batch(2, unit=own)
    client.force_login(world.users["unit_staff"])
    page = client.get(reverse("place:records", kwargs={"pk": own.pk}))
    tabs = {tab["kind"].section: tab["count"] for tab in page.context["tabs"]}
    assert set(tabs) == {kind.section for kind in RECORD_KINDS}
    assert tabs["facilities"] == 3


def test_summary_report_page_shows_the_figures(client, world):
    own = world.objects["units"]["own"]
    CulturalEventFactory(unit=own, name="广场文化节", audience=1111, performances=2)
    client.force_login(world.users["office"])
    page = client.get(reverse("place:summary-report", kwargs={"pk": own.pk}))
    figures = page.context["figures"]
    assert (figures.event_count, figures.audience) == (2, 4111)


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(API_LISTS))
def test_api_list_queries_constant(api_client, world, name):
    own = world.objects["units"]["own"]
    api_client.force_authenticate(world.users["unit_staff"])
    url = reverse(f"api:{name}-list")
    api_client.get(url)  # the first request reads the user's scope once
    with CaptureQueriesContext(connection) as one:
        api_client.get(url)
    API_LISTS[name].create_batch(20, unit=own)
    with CaptureQueriesContext(connection) as many:
        assert api_client.get(url).json()["count"] == 21
    assert len(many) == len(one)


def test_api_staff_create_an_event_and_others_cannot(api_client, world):
    own = world.objects["units"]["own"]
    payload = {
        "unit": own.pk,
        "name": "广场文化节",
        "held_on": "2026-09-01",
        "is_brand": True,
        "performances": 9,
        "audience": 5000,
    }
    api_client.force_authenticate(world.users["unit_staff"])
    created = api_client.post(reverse("api:event-list"), payload, format="json")
    assert created.status_code == 201, created.content
    assert CulturalEvent.objects.get(pk=created.json()["id"]).held_on == date(2026, 9, 1)
    api_client.force_authenticate(world.users["office"])
    assert api_client.post(reverse("api:event-list"), payload, format="json").status_code == 403
    api_client.force_authenticate(world.users["api_client"])
    assert api_client.post(reverse("api:event-list"), payload, format="json").status_code == 403


def test_api_unit_outside_the_scope_is_an_unknown_unit(api_client, world):
    other = world.objects["units"]["other"]
    api_client.force_authenticate(world.users["unit_staff"])
    response = api_client.post(
        reverse("api:honour-list"),
        {"unit": other.pk, "title": "x", "level": "city", "awarded_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()["fields"]


def test_api_staff_count_once_per_level(api_client, world):
    own = world.objects["units"]["own"]
    api_client.force_authenticate(world.users["unit_staff"])
    response = api_client.post(
        reverse("api:staff-count-list"),
        {"unit": own.pk, "level": "county", "full_time": 1, "part_time": 1, "volunteers": 1},
        format="json",
    )
    assert response.status_code == 400
    assert StaffCount.objects.filter(unit=own, level="county").count() == 1
    response = api_client.post(
        reverse("api:staff-count-list"),
        {"unit": own.pk, "level": "community", "full_time": 1, "part_time": 2, "volunteers": 3},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_api_record_cannot_move_to_another_unit(api_client, world):
    facility = world.objects["facilities"]["own"]
    api_client.force_authenticate(world.users["unit_staff"])
    response = api_client.patch(
        reverse("api:facility-detail", kwargs={"pk": facility.pk}),
        {"unit": world.objects["units"]["sibling"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert Facility.objects.get(pk=facility.pk).unit == facility.unit


def test_place_records_have_a_factory_each():
    # keeps the lists above in step with places.kinds.RECORD_KINDS
    assert {kind.section for kind in RECORD_KINDS} == {*FACTORIES, "staff"}
    assert StaffCountFactory._meta.model is StaffCount
