"""A signed-in user's repeated GETs are replayed from the cache until a write to what the user
may see (portal.page_cache); nobody is ever served another's answer."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import INFO, add_message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from creation.models import CreationUnit, Liaison
from creation.tests.factories import CreationUnitFactory, LiaisonFactory
from portal.cache import stored_generation
from portal.page_cache import PAGE_GENERATION_KEY, REPLAY_HEADER, PrivatePageCacheMiddleware
from portal.services import notification_send
from reporting.tests.factories import ObligationFactory, SubmissionFactory


def page_generation() -> str:
    """The base of every kept page: a write that no unit owns changes it."""
    return stored_generation(PAGE_GENERATION_KEY)


TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _liaison(world, name: str) -> Liaison:
    unit = world.objects["units"]["own"]
    liaison = Liaison.objects.filter(unit=unit).first() or LiaisonFactory(unit=unit)
    liaison.name = name
    liaison.save()
    return liaison


@pytest.fixture
def staff_client(world) -> Client:
    client = Client()
    client.force_login(world.users["unit_staff"])
    return client


def _unit_page(world) -> str:
    return reverse("creation:unit-leadership", kwargs={"pk": world.objects["units"]["own"].pk})


def test_a_repeated_page_is_replayed_until_a_write(staff_client, world):
    liaison = _liaison(world, "王联络")
    url = _unit_page(world)
    first = staff_client.get(url)
    assert "王联络" in first.content.decode()
    with CaptureQueriesContext(connection) as replayed:
        again = staff_client.get(url)
    assert again.status_code == 200
    assert "王联络" in again.content.decode()
    # marked as replayed (make load counts them), which the rendered answer is not
    assert (first.get(REPLAY_HEADER), again.get(REPLAY_HEADER)) == (None, "replay")
    # the session, its user and their scope only: the view did not run
    assert len(replayed) <= 4
    assert not any("creation_liaison" in q["sql"] for q in replayed.captured_queries)

    liaison.name = "李联络"
    liaison.save()
    after = staff_client.get(url).content.decode()
    assert "李联络" in after
    assert "王联络" not in after


def test_nobody_is_served_another_sessions_page(staff_client, world):
    url = _unit_page(world)
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url).status_code == 200  # replayed
    outsider = Client()
    outsider.force_login(world.users["outsider"])
    assert outsider.get(url).status_code in {403, 404}
    office = Client()
    office.force_login(world.users["office"])
    office.get(reverse("dashboard:office"))
    assert office.get(reverse("dashboard:office")).status_code == 200
    assert staff_client.get(reverse("dashboard:office")).status_code == 403


def test_anonymous_answers_are_never_stored(client, world):
    generation = page_generation()
    login = client.get(reverse("login"))
    assert login.status_code == 200
    second = client.get(reverse("login"))
    # a fresh form token each time: the page was rendered again
    assert TOKEN_INPUT.search(login.content.decode()).group(1) != (
        TOKEN_INPUT.search(second.content.decode()).group(1)
    )
    assert page_generation() == generation


def test_the_form_token_of_a_replayed_page_is_the_requesting_sessions(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["unit_staff"])
    url = reverse("creation:liaison-edit", kwargs={"pk": _liaison(world, "王联络").pk})
    first = client.get(url)
    assert first.status_code == 200
    replayed = client.get(url).content.decode()
    token = TOKEN_INPUT.search(replayed).group(1)
    assert "\x00" not in replayed

    # a form posted with the replayed page's token is accepted (no 403)
    answer = client.post(url, {"csrfmiddlewaretoken": token, "name": ""})
    assert answer.status_code != 403
    forged = client.post(url, {"csrfmiddlewaretoken": "x" * 64, "name": ""})
    assert forged.status_code == 403


class _NoSignalWrite:
    """A view that writes an account (shown on pages, no unit's) without a signal."""

    def __init__(self, world):
        self.user = world.users["outsider"]

    def __call__(self, request):
        type(self.user).objects.filter(pk=self.user.pk).update(first_name="改")
        return HttpResponse("ok")


def test_a_write_request_that_writes_without_signals_makes_every_page_stale(world):
    before = page_generation()
    request = RequestFactory().post("/somewhere/")
    PrivatePageCacheMiddleware(_NoSignalWrite(world))(request)
    assert page_generation() != before


def test_a_write_request_that_writes_nothing_pages_show_leaves_them(staff_client, world):
    before = page_generation()
    staff_client.post("/i18n/setlang/", {"language": "en"})
    assert page_generation() == before


@pytest.fixture
def replays(monkeypatch) -> list[str]:
    """The paths answered from the cache from now on."""
    replayed: list[str] = []
    replay = PrivatePageCacheMiddleware._replay

    def spy(request, stored):
        replayed.append(request.path)
        return replay(request, stored)

    monkeypatch.setattr(PrivatePageCacheMiddleware, "_replay", staticmethod(spy))
    return replayed


def _client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _rendered(client: Client, url: str) -> str:
    """The page rendered now (not replayed), without its form tokens."""
    answer = client.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert answer.status_code == 200
    return TOKEN_INPUT.sub("", answer.content.decode())


def _replayed(client: Client, url: str, replays: list[str]) -> bool:
    before = len(replays)
    assert client.get(url).status_code == 200
    return len(replays) > before


def test_a_write_in_another_province_keeps_the_provincial_reviewers_pages(world, replays):
    province, office = _client(world, "province_culture"), _client(world, "office")
    for client in (province, office):
        client.get("/units/")
        assert _replayed(client, "/units/", replays)

    other = world.objects["liaisons"]["other"]  # a unit of the other province
    other.name = "外省联络"
    other.save()
    assert _replayed(province, "/units/", replays)
    assert not _replayed(office, "/units/", replays)  # the office sees every unit

    sibling = world.objects["liaisons"]["sibling"]  # a unit of the reviewer's province
    sibling.name = "本省联络"
    sibling.save()
    assert not _replayed(province, "/units/", replays)


def test_C4_R6_1_a_peers_report_drops_the_pages_that_show_the_rank_of_the_units_ranked_with_it(
    world, replays
):
    staff = _client(world, "unit_staff")  # of "own", ranked with "sibling" (batch 1, zone)
    own = world.objects["units"]["own"].pk
    ranked = reverse("scoring:unit-publicity", kwargs={"pk": own})  # shows its rank
    unranked = [  # pages that show no rank: a peer's write leaves them
        reverse("creation:unit-home", kwargs={"pk": own}),
        reverse("reporting:unit-calendar", kwargs={"pk": own}),
        reverse("funds:unit-funds", kwargs={"pk": own}),
    ]
    for url in (ranked, *unranked):
        staff.get(url)
    rendered = {url: _rendered(staff, url) for url in unranked}
    # the sibling's liaison moves no ranking: the staff's page stays
    sibling_liaison = world.objects["liaisons"]["sibling"]
    sibling_liaison.name = "株洲联络"
    sibling_liaison.save()
    assert _replayed(staff, ranked, replays)
    # its report edited: what the publicity base reads of it (R6.1, C1) is the same
    submission = world.objects["submissions"]["sibling"]
    submission.body = "本月工作"
    submission.save()
    assert _replayed(staff, ranked, replays)
    # its report returned: it no longer counts as submitted, which can move the ranking
    submission.status = "returned"
    submission.save()
    assert not _replayed(staff, ranked, replays)
    assert all(_replayed(staff, url, replays) for url in unranked)
    # ...and rightly so: rendered again, they are as they were
    assert {url: _rendered(staff, url) for url in unranked} == rendered
    # a report of a unit of another batch moves no ranking of "own"
    other = world.objects["submissions"]["other"]
    other.status = "returned"
    other.save()
    assert _replayed(staff, ranked, replays)
    # a write to "own" drops them all
    _liaison(world, "本单位联络")
    assert not any(_replayed(staff, url, replays) for url in (ranked, *unranked))


def test_C4_R6_1_a_report_elsewhere_in_the_batch_drops_the_pages_of_the_provinces_ranked_with_it(
    world, replays
):
    # a zone of batch 1 in the other province: ranked with "own" and "sibling" (C4)
    elsewhere = CreationUnitFactory(
        region=world.objects["regions"]["c_other"], batch=world.objects["batches"]["b1"]
    )
    province = _client(world, "province_culture")
    ranked = reverse("dashboard:province")  # its publicity panel ranks the province's zones
    unranked = ["/units/", reverse("creation:province-home")]
    for url in (ranked, *unranked):
        province.get(url)
    liaison = LiaisonFactory(unit=elsewhere)  # moves no ranking
    assert _replayed(province, ranked, replays)
    liaison.name = "改名"
    liaison.save()
    assert _replayed(province, ranked, replays)
    draft = SubmissionFactory(obligation=ObligationFactory(unit=elsewhere), status="draft")
    assert _replayed(province, ranked, replays)  # a draft counts for nothing yet
    draft.status, draft.first_submitted_at = "submitted", timezone.now()
    draft.save()
    assert not _replayed(province, ranked, replays)
    # the province's unit lists show no rank: a unit of another province leaves them
    assert all(_replayed(province, url, replays) for url in unranked)


def test_a_notification_drops_the_pages_of_its_recipient_only(world, replays):
    staff, office = _client(world, "unit_staff"), _client(world, "office")
    url = _unit_page(world)
    for client in (staff, office):
        client.get(url)
    notification_send(recipients=[world.users["unit_staff"]], title="提醒", key="test-1")
    assert not _replayed(staff, url, replays)
    assert _replayed(office, url, replays)


def _run_as_task(work):
    """`work` run as a Celery task is: between the task's start and end signals."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})
    work()
    task_postrun.send(sender=None, task_id="t", task=None, args=(), kwargs={})


def test_a_task_that_writes_without_signals_makes_every_page_stale(world):
    outsider = world.users["outsider"]
    before = page_generation()
    _run_as_task(lambda: type(outsider).objects.filter(pk=outsider.pk).update(first_name="改"))
    assert page_generation() != before


def test_a_task_that_stores_units_figures_drops_only_those_units_pages(world, replays):
    from dashboard.models import UnitFigures
    from dashboard.tasks import unit_figures_refresh_due_task

    own = world.objects["units"]["own"]
    staff, province = _client(world, "unit_staff"), _client(world, "province_culture")
    url = _unit_page(world)
    staff.get(url)
    province.get("/units/")
    before = page_generation()
    # The clock passed the moment own's figures change (a report fell due): the beat stores them.
    UnitFigures.objects.filter(unit=own).update(next_change_at=timezone.now())
    _run_as_task(unit_figures_refresh_due_task)
    assert page_generation() == before  # not every page
    assert not _replayed(staff, url, replays)
    assert not _replayed(province, "/units/", replays)  # own lies in the reviewer's province


def test_the_heartbeat_and_the_beats_bookkeeping_leave_the_pages_alone(world):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from portal.tasks import heartbeat_task

    every = IntervalSchedule.objects.create(every=30, period=IntervalSchedule.SECONDS)
    beat_row = PeriodicTask.objects.create(name="hb", task=heartbeat_task.name, interval=every)
    before = page_generation()
    heartbeat_task.apply()  # eager, with the task's start and end signals
    _run_as_task(heartbeat_task)
    beat_row.total_run_count += 1
    beat_row.save()
    assert page_generation() == before


def test_a_task_that_writes_nothing_leaves_the_pages_alone(world):
    before = page_generation()
    _run_as_task(lambda: list(CreationUnit.objects.all()))
    assert page_generation() == before


def test_sessions_and_sign_in_records_do_not_make_pages_stale(world):
    before = page_generation()
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert page_generation() == before


def test_signing_in_leaves_every_stored_page(world, replays):
    staff, office = _client(world, "unit_staff"), _client(world, "office")
    url = _unit_page(world)
    outsider = world.users["outsider"]
    outsider.set_password("sign-in-pw")
    outsider.save()  # an account written: every page (kept after this save below)
    for client in (staff, office):
        client.get(url)
    before = page_generation()
    # through the sign-in form, as people sign in (a write request), and as the tests do
    signed_in = Client().post(
        "/accounts/login/", {"username": "outsider", "password": "sign-in-pw"}
    )
    assert signed_in.status_code == 302
    Client().force_login(world.users["province_culture"])
    outsider.refresh_from_db()
    assert outsider.last_login is not None  # the sign-in wrote to the account
    assert page_generation() == before
    assert _replayed(staff, url, replays)
    assert _replayed(office, url, replays)


def test_an_account_renamed_drops_every_page(world, replays):
    staff = _client(world, "unit_staff")
    url = _unit_page(world)
    staff.get(url)
    outsider = world.users["outsider"]
    outsider.first_name = "改名"
    outsider.save(update_fields=["first_name"])  # names are shown on pages (an event's actor)
    assert not _replayed(staff, url, replays)


def test_a_task_that_writes_only_the_last_sign_in_leaves_the_pages_alone(world):
    outsider = world.users["outsider"]
    users = type(outsider).objects.filter(pk=outsider.pk)
    before = page_generation()
    _run_as_task(lambda: users.update(last_login=timezone.now()))
    assert page_generation() == before
    _run_as_task(lambda: users.update(last_login=timezone.now(), first_name="改"))
    assert page_generation() != before


def test_R5_1_a_reminder_sweep_drops_the_pages_of_those_it_reminds_only(world, replays):
    from reporting.models import Reminder
    from reporting.services import reminder_sweep

    now = timezone.now()
    ObligationFactory(
        unit=world.objects["units"]["own"],
        period_start=date(2030, 1, 1),
        period_end=date(2030, 1, 31),
        period_label="2030-01",
        due_at=now + timedelta(days=7),
    )
    staff, office = _client(world, "unit_staff"), _client(world, "office")
    url = _unit_page(world)
    for client in (staff, office):
        client.get(url)
    before = page_generation()
    _run_as_task(lambda: reminder_sweep(now=now))
    assert Reminder.objects.filter(obligation__unit=world.objects["units"]["own"]).exists()
    assert page_generation() == before
    assert not _replayed(staff, url, replays)  # reminded: the header counts a new notification
    assert _replayed(office, url, replays)


def test_a_document_job_drops_the_pages_of_those_who_see_its_unit_only(world, replays):
    from unittest import mock

    from reporting.documents import RenderedDocument
    from reporting.models import DocumentJob
    from reporting.services import document_files_expire, document_job_run
    from reporting.tests.document_factories import DocumentJobFactory

    other = world.objects["units"]["other"]  # a unit of the other province
    job = DocumentJobFactory(
        unit=other,
        requested_by=world.users["office"],
        status=DocumentJob.Status.QUEUED,
        progress=0,
        file="",
        file_name="",
    )
    province, office = _client(world, "province_culture"), _client(world, "office")
    for client in (province, office):
        client.get("/units/")
    before = page_generation()
    percents = []

    def render(*, progress, **kwargs):
        office.get("/units/")
        assert _replayed(office, "/units/", replays)  # kept once the job has started
        progress(50, DocumentJob.Stage.LAYOUT)  # an update the list of documents shows
        percents.append(DocumentJob.objects.get(pk=job.pk).progress)
        assert not _replayed(office, "/units/", replays)  # the office sees the unit
        return RenderedDocument(b"docx", "总结汇报材料.docx", "application/octet-stream")

    with mock.patch("reporting.services.document_render", side_effect=render):
        _run_as_task(lambda: document_job_run(job_id=job.pk))
    assert percents == [50]
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE
    assert page_generation() == before
    assert _replayed(province, "/units/", replays)  # a reviewer of the other province
    assert not _replayed(office, "/units/", replays)
    # the file removed after the retention period (an update, by the beat)
    _run_as_task(lambda: document_files_expire(now=timezone.now() + timedelta(days=3650)))
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.EXPIRED
    assert page_generation() == before
    assert _replayed(province, "/units/", replays)
    assert not _replayed(office, "/units/", replays)


def test_api_answers_are_never_stored(world):
    url = reverse("api:unit-list")
    office = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['office'])}")
    staff = Client(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['unit_staff'])}"
    )
    office_units = office.get(url).json()
    with CaptureQueriesContext(connection) as again:
        assert office.get(url).json() == office_units
    # answered by the view again: the token, the scope and the rows are read
    assert any("creation_creationunit" in q["sql"] for q in again.captured_queries)
    staff_units = staff.get(url).json()
    assert staff_units["count"] < office_units["count"]
    wrong = Client(HTTP_AUTHORIZATION="Token nottherightone")
    assert wrong.get(url).status_code == 401

    # a token deleted is refused at once
    Token.objects.filter(user=world.users["office"]).delete()
    assert office.get(url).status_code == 401


def test_an_api_answer_is_refused_once_its_user_is_inactive(world, settings):
    # The token's account read on every call: what is tested is that no stored answer is
    # replayed to it (portal.authentication keeps it until the account is saved).
    settings.TOKEN_KEPT_SECONDS = 0
    url = reverse("api:unit-list")
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['office'])}")
    assert client.get(url).status_code == 200
    # a write that sends no signal, so the stored answer is still reachable
    type(world.users["office"]).objects.filter(pk=world.users["office"].pk).update(is_active=False)
    assert client.get(url).status_code == 401


def test_an_api_answer_rendered_reads_the_token_once(world):
    url = reverse("api:unit-list")
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['office'])}")
    with CaptureQueriesContext(connection) as rendered:
        assert client.get(url, HTTP_CACHE_CONTROL="no-cache").status_code == 200
    token_reads = [q for q in rendered.captured_queries if "authtoken_token" in q["sql"]]
    assert len(token_reads) == 1


def test_the_health_check_is_never_stored(world):
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['office'])}")
    client.get("/healthz")
    with CaptureQueriesContext(connection) as again:
        client.get("/healthz")
    assert not any("authtoken_token" in q["sql"] for q in again.captured_queries)


def test_downloads_are_not_stored(world):
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['office'])}")
    url = reverse("api:unit-list") + "?format=csv"
    b"".join(client.get(url).streaming_content)
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)
        b"".join(response.streaming_content)
    assert response.status_code == 200
    assert len(again) > 1


def _request_with_session(world, messages: list[str]):
    request = RequestFactory().get("/somewhere/")
    created = SessionStore()
    created.create()
    request.session = SessionStore(session_key=created.session_key)
    request.user = world.users["unit_staff"]
    request._messages = FallbackStorage(request)
    for text in messages:
        add_message(request, INFO, text)
    return request


def test_a_page_shown_with_pending_messages_is_neither_replayed_nor_stored(world):
    calls = []

    def view(request):
        calls.append(request)
        return HttpResponse("<p>page</p>", content_type="text/html; charset=utf-8")

    middleware = PrivatePageCacheMiddleware(view)
    plain = _request_with_session(world, [])
    middleware(plain)
    with_message = _request_with_session(world, ["已保存"])
    with_message.session = plain.session
    middleware(with_message)
    assert len(calls) == 2  # the stored page was not replayed over the message
    again = _request_with_session(world, [])
    again.session = plain.session
    middleware(again)
    assert len(calls) == 2  # the plain page is replayed


def test_setting_the_timeout_to_zero_turns_the_cache_off(staff_client, world, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = _unit_page(world)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as again:
        staff_client.get(url)
    assert len(again) > 2


def test_a_hard_reload_renders_the_page_again(staff_client, world):
    url = _unit_page(world)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as reloaded:
        staff_client.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert len(reloaded) > 2
    with CaptureQueriesContext(connection) as replayed:
        staff_client.get(url)
    assert not any("creation_liaison" in q["sql"] for q in replayed.captured_queries)
