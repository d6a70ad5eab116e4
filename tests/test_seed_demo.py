import pytest
from django.apps import apps
from django.core.management import call_command

from creation.models import CreationUnit, Region, RoleAssignment

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list]:
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label
        in {
            "creation",
            "inspections",
            "places",
            "auth",
            "authtoken",
            "portal",
            "reporting",
            "scoring",
        }
    ]
    return {m._meta.label: sorted(map(repr, m.objects.values_list())) for m in models}


def test_seed_demo_loads_the_programme_regions_units_and_roles(capsys):
    call_command("seed_demo")
    provinces = Region.objects.provinces()
    assert set(provinces.values_list("economic_belt", flat=True)) == {"east", "central", "west"}
    assert CreationUnit.objects.filter(kind="zone").count() >= 8
    assert CreationUnit.objects.filter(kind="project").count() >= 8
    assert CreationUnit.objects.filter(name="长沙市开福区").exists()
    roles = dict(RoleAssignment.objects.values_list("user__username", "role"))
    assert roles == {
        "office": "office_reviewer",
        "province_culture": "provincial_reviewer",
        "province_finance": "provincial_reviewer",
        "unit_staff": "unit_staff",
        "api_client": "api_client",
    }
    output = capsys.readouterr().out
    for username in roles:
        assert username in output
    assert "demo12345" in output


def test_seed_demo_twice_changes_nothing(demo_data):
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first


def test_seed_demo_logins_work(client, demo_data):
    assert client.login(username="unit_staff", password="demo12345")
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert "长沙市开福区" in response.content.decode()


def test_seed_demo_has_leadership_meetings_liaisons_and_liaison_meetings(demo_data):
    from creation.models import LeadershipGroup, Liaison, LiaisonMeeting, Meeting

    assert LeadershipGroup.objects.count() == CreationUnit.objects.count()
    assert Meeting.objects.exclude(minutes="").exists()
    kaifu = Liaison.objects.filter(unit__name="长沙市开福区").order_by("started_on")
    assert [t.ended_on is None for t in kaifu] == [False, True]
    assert kaifu.last().user.username == "unit_staff"
    assert LiaisonMeeting.objects.filter(status="held").count() >= 4


def test_seed_demo_has_publicity_claims_in_every_state_and_a_published_bulletin(demo_data):
    from scoring.models import AdoptionClaim, Bulletin, PeriodScore

    states = set(AdoptionClaim.objects.values_list("status", flat=True))
    assert states == {"claimed", "verified", "rejected", "withdrawn"}
    tiers = set(AdoptionClaim.objects.filter(status="verified").values_list("tier", flat=True))
    assert tiers == {1, 2, 3, 4, 5}
    bulletin = Bulletin.objects.get()
    assert PeriodScore.objects.filter(period=bulletin.period).count() == 4
