"""Incremental pulls of the API: `updated_since` on the unit, status and obligation lists, and
ETags on the unit status. Units are changed through the services, as clients' data would be."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creation.models import CreationUnit
from creation.services import liaison_update
from funds.tests.factories import ten_yuan_spent
from reporting.models import Obligation
from reporting.services import submission_submit
from reporting.tests.factories import SubmissionFactory

UNITS_URL = reverse("api:unit-list")
STATUS_URL = reverse("api:unit-status-list")
OBLIGATIONS_URL = reverse("api:obligation-list")


def _status_url(unit) -> str:
    return reverse("api:unit-status", kwargs={"pk": unit.pk})


@pytest.fixture
def root(world, api_client):
    api_client.force_authenticate(world.users["superuser"])
    return world.users["superuser"]


def _since() -> str:
    moment = timezone.now()
    # Moments stored before this one (the world's) are strictly earlier.
    CreationUnit.objects.update(changed_at=moment - timedelta(seconds=1))
    return moment.isoformat()


def _submit_a_report(world, user, key: str) -> None:
    unit = world.objects["units"][key]
    obligation = Obligation.objects.filter(unit=unit, submission__isnull=True).first()
    if obligation is None:
        obligation = world.objects["obligations"][key]
        obligation.submission.delete()
    draft = SubmissionFactory(obligation=obligation, status="draft")
    submission_submit(user=user, submission=draft)


def _change_the_liaison(world, user, key: str) -> None:
    liaison_update(
        user=user, liaison=world.objects["liaisons"][key], fields={"phone": "0731-12345678"}
    )


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_updated_since_lists_exactly_the_units_changed_through_services(
    world, root, api_client, django_capture_on_commit_callbacks
):
    units = world.objects["units"]
    since = _since()
    # Each write goes to a unit with no peer of its batch and kind, or does not move rankings.
    with django_capture_on_commit_callbacks(execute=True):
        _submit_a_report(world, root, "other")
    with django_capture_on_commit_callbacks(execute=True):
        ten_yuan_spent(world, root, "own")
    with django_capture_on_commit_callbacks(execute=True):
        _change_the_liaison(world, root, "provincial")
    changed = {units[key].pk for key in ("other", "own", "provincial")}

    query = {"updated_since": since}
    assert _ids(api_client.get(UNITS_URL, query)) == changed
    assert _ids(api_client.get(STATUS_URL, query)) == changed
    obligations = api_client.get(OBLIGATIONS_URL, {**query, "page_size": 200})
    assert {row["unit"] for row in obligations.json()["results"]} == changed
    every_obligation = Obligation.objects.filter(unit__in=changed).count()
    assert obligations.json()["count"] == every_obligation
    # Without the parameter the untouched unit is listed as usual.
    assert units["sibling"].pk in _ids(api_client.get(UNITS_URL))


def test_updated_since_after_the_last_change_lists_nothing(
    world, root, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _change_the_liaison(world, root, "own")
    later = (timezone.now() + timedelta(seconds=1)).isoformat()
    assert _ids(api_client.get(STATUS_URL, {"updated_since": later})) == set()


def _verify_an_adoption(world, key: str) -> None:
    """A verified adoption of the current half year (R6.2): the unit's publicity total, and so
    its rank among its batch's zones (C4), moves."""
    from scoring.models import AdoptionClaim
    from scoring.tests.factories import AdoptionClaimFactory, outlet

    AdoptionClaimFactory(
        unit=world.objects["units"][key],
        outlet=outlet("文化部网站"),  # tier 5: 10 points
        status=AdoptionClaim.Status.VERIFIED,
        published_on=timezone.localdate(),
    )


def test_R6_2_an_adoption_moves_the_status_of_the_units_ranked_with_it(
    world, root, api_client, django_capture_on_commit_callbacks
):
    units = world.objects["units"]
    assert _ids(api_client.get(STATUS_URL))  # a client's first pull, of every status
    since = _since()
    with django_capture_on_commit_callbacks(execute=True):
        _verify_an_adoption(world, "own")
    # C4: "sibling" shares the batch and kind of "own": its publicity rank moved.
    expected = {units["own"].pk, units["sibling"].pk}
    assert _ids(api_client.get(STATUS_URL, {"updated_since": since})) == expected
    # Its unit and records did not change: the unit list has only the unit written, and the
    # peer's unit row was not written (the move is stored once for the rank group).
    assert _ids(api_client.get(UNITS_URL, {"updated_since": since})) == {units["own"].pk}
    sibling = CreationUnit.objects.get(pk=units["sibling"].pk)
    assert sibling.changed_at < datetime.fromisoformat(since)


def test_C4_R6_2_a_peers_adoption_changes_the_status_etag_of_the_units_ranked_with_it(
    world, root, api_client, django_capture_on_commit_callbacks
):
    sibling = world.objects["units"]["sibling"]
    list_etag = api_client.get(STATUS_URL)["ETag"]  # stores every unit's row
    etag = api_client.get(_status_url(sibling))["ETag"]
    assert api_client.get(_status_url(sibling), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api_client.get(STATUS_URL, HTTP_IF_NONE_MATCH=list_etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        _verify_an_adoption(world, "own")
    answer = api_client.get(_status_url(sibling), HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 200
    assert answer.json()["publicity"]["rank"] == 2
    assert api_client.get(STATUS_URL, HTTP_IF_NONE_MATCH=list_etag).status_code == 200


def test_C4_R6_1_a_peers_report_that_moves_no_score_leaves_the_status_etag(
    world, root, api_client, django_capture_on_commit_callbacks
):
    sibling = world.objects["units"]["sibling"]
    obligation = (
        Obligation.objects.filter(
            unit=world.objects["units"]["own"], submission__isnull=True
        ).first()
        or world.objects["obligations"]["own"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        if hasattr(obligation, "submission"):
            obligation.submission.delete()
    api_client.get(STATUS_URL)  # stores every unit's row
    etag = api_client.get(_status_url(sibling))["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        draft = SubmissionFactory(obligation=obligation, status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        draft.body = "草稿"
        draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(user=root, submission=draft)
    # R6.1, C1: the report is not of the half year scored now, so own's publicity total, and
    # so the ranking, did not move: the sibling's answer is the one the client holds.
    assert api_client.get(_status_url(sibling), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_C4_R6_1_a_report_falling_due_moves_the_status_etag_of_the_units_ranked_with_it(
    world, root, api_client, django_capture_on_commit_callbacks
):
    """The clock alone: an unsent report of own's falls due, own loses its R6.1 base, and the
    sibling (ranked with it, C4) moves up, though no write touched either."""
    from dashboard.services import unit_figures_refresh_due
    from reporting.tests.factories import ObligationFactory

    units = world.objects["units"]
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        _verify_an_adoption(world, "own")
        ObligationFactory(
            unit=units["own"],
            period_start=date(2026, 12, 1),  # of the half year scored now (one report a period)
            period_end=date(2026, 12, 31),
            period_label="2026-12",
            due_at=now + timedelta(hours=1),
        )
    api_client.get(STATUS_URL)  # stores every unit's row
    before = api_client.get(_status_url(units["sibling"]))
    assert before.json()["publicity"]["rank"] == 2
    later = now + timedelta(hours=2)
    assert unit_figures_refresh_due(later) >= 1  # the beat's task, an hour after it fell due
    answer = api_client.get(_status_url(units["sibling"]), HTTP_IF_NONE_MATCH=before["ETag"])
    assert answer.status_code == 200
    assert answer.json()["publicity"]["rank"] == 1


def test_updated_since_a_write_that_rolls_back_changes_no_unit(world, root, api_client):
    since = _since()
    # The test's transaction never commits: the write is not one a client could have read.
    _change_the_liaison(world, root, "own")
    assert _ids(api_client.get(UNITS_URL, {"updated_since": since})) == set()


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2026-12-01T08:00:00", "2026-13-01T08:00:00+08:00", "2026-12-01"],
)
@pytest.mark.parametrize("url", [UNITS_URL, STATUS_URL, OBLIGATIONS_URL])
def test_updated_since_invalid_value_answers_400_naming_the_parameter(root, api_client, url, value):
    response = api_client.get(url, {"updated_since": value})
    assert response.status_code == 400
    body = response.content.decode()
    assert "updated_since" in body
    assert "ISO 8601" in body


def test_updated_since_message_in_english_on_request(root, api_client):
    response = api_client.get(UNITS_URL, {"updated_since": "soon"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "must be an ISO 8601 time with its UTC offset" in response.content.decode()


def test_updated_since_accepts_an_unencoded_plus_and_utc(world, root, api_client):
    since = _since()
    unencoded = api_client.get(UNITS_URL + "?updated_since=" + since)  # "+" reads as a space
    in_utc = api_client.get(
        UNITS_URL, {"updated_since": timezone.now().isoformat().replace("+00:00", "Z")}
    )
    assert (_ids(unencoded), _ids(in_utc)) == (set(), set())


# --- ETag -------------------------------------------------------------------------------------


def test_status_etag_answers_304_until_the_unit_changes(
    world, root, api_client, django_capture_on_commit_callbacks
):
    unit = world.objects["units"]["own"]
    first = api_client.get(_status_url(unit))
    etag = first["ETag"]
    assert first.status_code == 200
    again = api_client.get(_status_url(unit), HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)

    with django_capture_on_commit_callbacks(execute=True):
        _change_the_liaison(world, root, "own")
    changed = api_client.get(_status_url(unit), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["liaison"]["phone"] == "0731-12345678"
    assert changed["ETag"] != etag


def test_status_list_etag_answers_304_until_a_unit_of_the_page_changes(
    world, root, api_client, django_capture_on_commit_callbacks
):
    first = api_client.get(STATUS_URL)
    etag = first["ETag"]
    assert api_client.get(STATUS_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        ten_yuan_spent(world, root, "own")
    changed = api_client.get(STATUS_URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_status_list_304_builds_no_section(root, api_client, django_assert_max_num_queries):
    etag = api_client.get(STATUS_URL)["ETag"]
    # The scope, the count, the page's units and their moments of change: no section is loaded
    # (force_authenticate reads no token).
    with django_assert_max_num_queries(4):
        response = api_client.get(STATUS_URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_status_etag_differs_by_user_query_page_and_language(world, api_client):
    unit = world.objects["units"]["own"]
    tags = set()
    for role, path, language in [
        ("superuser", STATUS_URL, "zh-hans"),
        ("office", STATUS_URL, "zh-hans"),
        ("superuser", STATUS_URL + "?kind=zone", "zh-hans"),
        ("superuser", STATUS_URL + "?page_size=1", "zh-hans"),
        ("superuser", STATUS_URL + "?page_size=1&page=2", "zh-hans"),
        ("superuser", STATUS_URL, "en"),
        ("superuser", _status_url(unit), "zh-hans"),
    ]:
        api_client.force_authenticate(world.users[role])
        response = api_client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        tags.add(response["ETag"])
    assert len(tags) == 7


def test_status_etag_of_another_user_gets_the_full_answer(world, api_client):
    unit = world.objects["units"]["own"]
    api_client.force_authenticate(world.users["superuser"])
    etag = api_client.get(_status_url(unit))["ETag"]
    api_client.force_authenticate(world.users["office"])
    response = api_client.get(_status_url(unit), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["id"] == unit.pk


def test_status_etag_is_the_same_for_the_same_answer_with_a_token(world, api_client, settings):
    from rest_framework.authtoken.models import Token

    settings.PAGE_CACHE_SECONDS = 60  # as installed: API answers are not kept even so
    token = Token.objects.create(user=world.users["api_client"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    first = api_client.get(STATUS_URL)
    stored = api_client.get(STATUS_URL)
    assert stored["ETag"] == first["ETag"]
    assert api_client.get(STATUS_URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_updated_since_message_in_chinese_by_default(root, api_client):
    response = api_client.get(UNITS_URL, {"updated_since": "soon"})
    assert response.status_code == 400
    assert "必须是带 UTC 偏移的 ISO 8601 时间" in response.content.decode()


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", ["/api/v1/units/", "/api/v1/status/", "/api/v1/obligations/"])
def test_updated_since_is_in_the_schema_as_a_date_time(schema, path):
    found = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "updated_since"]
    assert len(found) == 1
    assert found[0]["in"] == "query"
    assert found[0]["schema"] == {"type": "string", "format": "date-time"}
    assert "offset" in found[0]["description"]


def test_status_documents_the_304(schema):
    for path in ("/api/v1/status/", "/api/v1/units/{id}/status/"):
        assert "304" in schema["paths"][path]["get"]["responses"]


def test_a_migration_write_moves_no_unit(
    world, root, api_client, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    historical = MigrationLoader(connection).project_state().apps
    since = _since()
    # A data migration writes through historical models, whose shape may predate `changed_at`.
    with django_capture_on_commit_callbacks(execute=True):
        historical.get_model("creation", "Department").objects.create(name="迁移写入的部门")
    assert _ids(api_client.get(UNITS_URL, {"updated_since": since})) == set()


def test_a_reference_data_write_moves_every_unit(
    world, root, api_client, django_capture_on_commit_callbacks
):
    from creation.models import Department

    since = _since()
    with django_capture_on_commit_callbacks(execute=True):
        Department.objects.create(name="新增部门")
    every_unit = {unit.pk for unit in world.objects["units"].values()}
    assert _ids(api_client.get(UNITS_URL, {"updated_since": since})) == every_unit
