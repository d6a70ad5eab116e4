import json
from datetime import date, datetime
from unittest import mock

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from creation.selectors import active_liaison
from creation.tests.factories import BatchFactory, CityFactory, CreationUnitFactory, LiaisonFactory
from dashboard.selectors import status_answers
from dashboard.status import (
    liaison_section,
    rectifications_section,
    reporting_section,
)
from dashboard.tests.factories import NOW, busy_unit, hand_computed_reporting
from reporting.rules import SHANGHAI

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:unit-status-list")


def status_url(unit) -> str:
    return reverse("api:unit-status", kwargs={"pk": unit.pk})


def test_status_url_sits_under_the_unit():
    assert status_url(mock.Mock(pk=5)) == "/api/v1/units/5/status/"
    assert LIST_URL == "/api/v1/status/"


def test_R5_2_reporting_section_on_hand_computed_data():
    unit = CreationUnitFactory()
    items = hand_computed_reporting(unit)
    status = reporting_section([unit], NOW)[unit.pk]
    assert [o.pk for o in status.next_due] == [items["fund"].pk, items["apr"].pk, items["q1"].pk]
    assert (status.overdue_count, status.due_so_far, status.on_time, status.late) == (1, 3, 1, 1)
    assert status.on_time_rate == 0.333


def test_reporting_section_of_a_unit_without_obligations():
    unit = CreationUnitFactory()
    status = reporting_section([unit], NOW)[unit.pk]
    assert (status.next_due, status.overdue_count, status.on_time_rate) == ([], 0, None)


def test_R2_1_liaison_section_agrees_with_active_liaison():
    with_liaison, without = CreationUnitFactory(), CreationUnitFactory()
    LiaisonFactory(unit=with_liaison, started_on=date(2025, 1, 1), ended_on=date(2025, 12, 31))
    current = LiaisonFactory(unit=with_liaison, started_on=date(2026, 1, 1))
    LiaisonFactory(unit=without, started_on=date(2025, 1, 1), ended_on=date(2025, 6, 30))
    found = liaison_section([with_liaison, without], NOW)
    assert found == {with_liaison.pk: current, without.pk: None}
    assert active_liaison(unit=with_liaison) == current
    assert active_liaison(unit=without) is None


def test_status_of_a_unit_has_every_section(api_client, world):
    unit = busy_unit(batch=world.objects["batches"]["b1"], region=world.objects["regions"]["c_own"])
    api_client.force_authenticate(world.users["office"])
    response = api_client.get(status_url(unit))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == unit.pk
    assert data["unit"]["name"] == unit.name
    assert data["unit"]["kind"] == "zone"
    assert data["unit"]["province"] == {"id": world.province_own.pk, "name": "湖南省"}
    assert data["unit"]["batch"]["id"] == unit.batch_id
    assert data["current_period"]["kind"] == "half_year"
    assert len(data["reporting"]["next_due"]) == 1
    assert set(data["reporting"]["next_due"][0]) >= {"type", "period_label", "due_at"}
    assert data["reporting"]["on_time_rate"] == 1.0
    assert data["funds"]["execution_rate"] == "25.0"
    assert data["funds"]["budget"] == "200000.00"
    liaison = data["liaison"]
    assert set(liaison) >= {"name", "position", "phone", "mobile", "email"}


def test_status_of_a_unit_out_of_scope_is_404(api_client, world):
    api_client.force_authenticate(world.users["province_culture"])
    assert api_client.get(status_url(world.objects["units"]["other"])).status_code == 404
    assert api_client.get(status_url(world.objects["units"]["own"])).status_code == 200


def test_api_client_token_reads_the_status_of_its_scope(api_client, world):
    token = Token.objects.create(user=world.users["api_client"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get(LIST_URL)
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == world.visible("api_client", "units")
    assert api_client.get(status_url(world.objects["units"]["own"])).status_code == 200
    assert api_client.get(status_url(world.objects["units"]["other"])).status_code == 404
    assert api_client.post(LIST_URL, {}).status_code in (403, 405)


def test_status_list_filters_by_batch_province_and_kind(api_client, world):
    api_client.force_authenticate(world.users["superuser"])
    b1 = world.objects["batches"]["b1"]
    rows = api_client.get(LIST_URL, {"batch": b1.pk}).json()["results"]
    assert {row["id"] for row in rows} == {world.objects["units"][k].pk for k in ("own", "sibling")}
    rows = api_client.get(LIST_URL, {"province": world.province_other.pk}).json()["results"]
    assert {row["id"] for row in rows} == {
        world.objects["units"][k].pk for k in ("other", "provincial")
    }
    assert api_client.get(LIST_URL, {"kind": "project"}).json()["count"] == 0


def test_status_list_pages_by_fifty(api_client, world):
    batch = BatchFactory(programme=world.national)
    region = CityFactory(parent=world.province_own)
    for _ in range(52):
        CreationUnitFactory(batch=batch, region=region)
    api_client.force_authenticate(world.users["office"])
    data = api_client.get(LIST_URL).json()
    assert data["count"] == 55
    assert len(data["results"]) == 50


@pytest.mark.parametrize("role", ["office", "api_client"])
def test_status_queries_do_not_grow_with_the_units(
    api_client, world, role, django_capture_on_commit_callbacks
):
    batch = BatchFactory(programme=world.national)
    region = CityFactory(parent=world.province_own)
    # Committed writes: each unit's stored figures are refreshed (dashboard.models.UnitFigures).
    with django_capture_on_commit_callbacks(execute=True):
        first = busy_unit(batch=batch, region=region)
    api_client.force_authenticate(world.users[role])
    api_client.get(LIST_URL)  # the user's scope is then read once and kept on the user
    # and on PostgreSQL the statements of one unit prepared: its status, and a list of one
    api_client.get(status_url(first))
    api_client.get(LIST_URL, {"batch": batch.pk})
    cache.clear()
    with CaptureQueriesContext(connection) as one_list:
        assert api_client.get(LIST_URL, {"batch": batch.pk}).status_code == 200
    with CaptureQueriesContext(connection) as one_detail:
        assert api_client.get(status_url(first)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(49):
            busy_unit(batch=batch, region=region)
    cache.clear()
    with CaptureQueriesContext(connection) as fifty:
        response = api_client.get(LIST_URL, {"batch": batch.pk})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50
    assert all(
        row["liaison"] and row["funds"]["filed_plans"] == 1 for row in response.json()["results"]
    )
    assert len(fifty) == len(one_list), [q["sql"] for q in fifty.captured_queries]
    # The stored rows and the rank over the batch: two queries besides the units and the user.
    assert len(one_list) <= 6, [q["sql"] for q in one_list.captured_queries]
    with CaptureQueriesContext(connection) as detail_again:
        assert api_client.get(status_url(first)).status_code == 200
    assert len(detail_again) == len(one_detail)
    assert len(one_detail) <= 5, [q["sql"] for q in one_detail.captured_queries]


def test_status_list_downloads_as_csv(api_client, world):
    api_client.force_authenticate(world.users["office"])
    response = api_client.get(LIST_URL, {"format": "csv", "headers": "keys"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert "unit.name" in header
    assert "reporting.on_time_rate" in header
    assert len(rows) == 3


def test_status_endpoints_are_documented_with_examples(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    detail = schema["paths"]["/api/v1/units/{id}/status/"]["get"]
    listing = schema["paths"]["/api/v1/status/"]["get"]
    examples = detail["responses"]["200"]["content"]["application/json"]["examples"]
    assert examples
    assert {p["name"] for p in listing["parameters"]} >= {"batch", "province", "kind", "page"}
    properties = schema["components"]["schemas"]["UnitStatus"]["properties"]
    assert {"id", "unit", "current_period", "reporting", "funds", "liaison"} <= set(properties)


def _zone_batch(world):
    return BatchFactory(
        programme=world.national,
        number=11,
        cycle_start=date(2025, 7, 1),
        cycle_end=date(2027, 6, 30),
    )


def test_R6_1_the_status_scores_and_ranks_the_current_half_year(world):
    from scoring.models import AdoptionClaim
    from scoring.tests.factories import AdoptionClaimFactory, outlet

    batch = _zone_batch(world)
    region = CityFactory(parent=world.province_own)
    first, second = (
        CreationUnitFactory(batch=batch, region=region),
        CreationUnitFactory(batch=batch, region=region),
    )
    verified = {"status": AdoptionClaim.Status.VERIFIED, "published_on": date(2026, 2, 10)}
    AdoptionClaimFactory(unit=first, outlet=outlet("求是"), **verified)  # tier 1: 50
    AdoptionClaimFactory(unit=first, outlet=outlet("文化部网站"), **verified)  # tier 5: 10
    AdoptionClaimFactory(unit=second, outlet=outlet("人民日报"), **verified)  # tier 2: 40
    # Last half year's and unverified claims count nothing now.
    AdoptionClaimFactory(
        unit=second,
        outlet=outlet("求是"),
        status=AdoptionClaim.Status.VERIFIED,
        published_on=date(2025, 12, 1),
    )
    AdoptionClaimFactory(unit=second, outlet=outlet("求是"), published_on=date(2026, 3, 1))

    answers = status_answers([first.pk, second.pk], NOW)
    found = {status["id"]: status["publicity"] for status in answers}

    assert [found[first.pk][key] for key in ("base", "bonus", "total")] == [50, 60, 110]
    assert (found[second.pk]["total"], found[second.pk]["rank"]) == (90, 2)
    assert found[first.pk]["rank"] == 1
    assert found[first.pk]["ranked_units"] == 2
    assert (found[first.pk]["period_start"], found[first.pk]["period_end"]) == (
        "2026-01-01",
        "2026-06-30",
    )


def test_R4_1_rectifications_section_counts_what_the_office_has_not_verified(world):
    from inspections.models import Rectification
    from inspections.tests.factories import RectificationFactory

    region = CityFactory(parent=world.province_own)
    batch = _zone_batch(world)
    unit, quiet = (CreationUnitFactory(batch=batch, region=region) for _ in range(2))
    at = {"finding__inspection__unit": unit}
    RectificationFactory(deadline=date(2026, 3, 1), **at)
    RectificationFactory(deadline=date(2026, 4, 30), **at)
    RectificationFactory(deadline=date(2026, 2, 1), status=Rectification.Status.VERIFIED, **at)

    found = rectifications_section([unit, quiet], NOW)

    assert (found[unit.pk].open, found[unit.pk].overdue) == (2, 1)
    assert found[unit.pk].next_deadline == date(2026, 3, 1)
    assert (found[quiet.pk].open, found[quiet.pk].next_deadline) == (0, None)


def test_R6_6_status_carries_the_veto_gauge_with_every_requirement(api_client, world):
    from scoring.rules import VetoItem

    api_client.force_authenticate(world.users["office"])
    data = api_client.get(status_url(world.objects["units"]["own"])).json()
    assert data["veto"]["status"] in {"ok", "at_risk", "failed"}
    assert {item["item"] for item in data["veto"]["items"]} == {item.value for item in VetoItem}
    assert all(item["evidence_url"] for item in data["veto"]["items"])
    assert set(data["publicity"]) >= {"base", "bonus", "total", "rank"}
    assert set(data["rectifications"]) == {"open", "overdue", "next_deadline"}


def test_C1_R5_status_and_trend_count_an_unreviewed_report_on_time_and_a_returned_one_missing():
    from dashboard.tests.factories import stored_trend
    from reporting.models import Submission

    unit = CreationUnitFactory()
    items = hand_computed_reporting(unit)
    # February's report was sent in time and is still waiting for the office: on time.
    Submission.objects.filter(obligation=items["feb"]).update(status=Submission.Status.SUBMITTED)
    # January's (first sent late) was returned and not sent again: missing, no longer late.
    Submission.objects.filter(obligation=items["jan"]).update(status=Submission.Status.RETURNED)
    status = reporting_section([unit], NOW)[unit.pk]
    assert (status.due_so_far, status.on_time, status.late, status.overdue_count) == (3, 1, 0, 2)
    assert status.on_time_rate == 0.333
    rows = stored_trend(
        unit,
        start=datetime(2026, 1, 1, tzinfo=SHANGHAI),
        end=datetime(2026, 7, 1, tzinfo=SHANGHAI),
        now=NOW,
    )
    assert [(r["label"], r["on_time"], r["late"], r["missing"]) for r in rows] == [
        ("2026-01", 0, 0, 1),
        ("2026-02", 1, 0, 0),
        ("2026-03", 0, 0, 1),
    ]


def test_R6_3_one_units_rank_is_the_lists_and_equal_scores_share_it(world):
    from dashboard.selectors import unit_status_answer
    from scoring.models import AdoptionClaim
    from scoring.tests.factories import AdoptionClaimFactory, outlet

    batch = _zone_batch(world)
    region = CityFactory(parent=world.province_own)
    first, tied, last = (CreationUnitFactory(batch=batch, region=region) for _ in range(3))
    verified = {"status": AdoptionClaim.Status.VERIFIED, "published_on": date(2026, 2, 10)}
    for unit in (first, tied):
        AdoptionClaimFactory(unit=unit, outlet=outlet("人民日报"), **verified)  # tier 2: 40

    listed = {s["id"]: s["publicity"] for s in status_answers([first.pk, tied.pk, last.pk], NOW)}
    one_by_one = {
        unit.pk: json.loads(unit_status_answer(world.users["superuser"], unit.pk, NOW)[1])[
            "publicity"
        ]
        for unit in (first, tied, last)
    }

    assert listed == one_by_one
    ranks = [(listed[u.pk]["total"], listed[u.pk]["rank"]) for u in (first, tied, last)]
    assert ranks == [(90, 1), (90, 1), (50, 3)]  # R6.1 base 50 each, nothing due yet
    assert {listed[u.pk]["ranked_units"] for u in (first, tied, last)} == {3}


def test_R6_3_a_units_status_answer_is_the_lists_answer_for_it_in_each_language(api_client, world):
    """The one-unit answer is sent as stored, written out, with its rank written in; it says
    what the list says of the unit, a withdrawn unit's null publicity included."""
    from creation.models import CreationUnit

    batch = _zone_batch(world)
    region = CityFactory(parent=world.province_own)
    taking_part = CreationUnitFactory(batch=batch, region=region)
    CreationUnitFactory(batch=batch, region=region)
    withdrawn = CreationUnitFactory(
        batch=batch, region=region, status=CreationUnit.Status.WITHDRAWN
    )
    api_client.force_authenticate(world.users["superuser"])
    for language in ("zh-hans", "en"):
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        listed = {
            row["id"]: row
            for row in api_client.get(LIST_URL, {"batch": batch.pk}, **headers).json()["results"]
        }
        for unit in (taking_part, withdrawn):
            response = api_client.get(status_url(unit), **headers)
            assert response.status_code == 200
            assert response["Content-Type"] == "application/json"
            assert response.json() == listed[unit.pk]
    publicity = api_client.get(status_url(taking_part)).json()["publicity"]
    assert (publicity["rank"], publicity["ranked_units"]) == (1, 2)
    assert api_client.get(status_url(withdrawn)).json()["publicity"] is None


def test_a_units_status_in_the_browsable_api_is_indented(api_client, world):
    api_client.force_authenticate(world.users["office"])
    unit = world.objects["units"]["own"]
    page = api_client.get(status_url(unit), HTTP_ACCEPT="text/html")
    indented = api_client.get(status_url(unit), HTTP_ACCEPT="application/json; indent=2")
    assert page.status_code == indented.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert f"&quot;id&quot;: {unit.pk}," in page.content.decode()
    assert indented.content.decode().startswith('{\n  "id": ')
    assert json.loads(indented.content) == api_client.get(status_url(unit)).json()
