"""Who may have a document made and read (reporting.services.document_access), for every
registered document kind × role × state, on every road to it: asking for it (page, API and the
command line), the list of documents (page and API) and the download (page and API).

C7 (R4.1): a feedback letter is a unit's to read only once the office has sent it. Until then it
is the office's draft: the office prints it, nobody else asks for it, and a draft the office
printed stays with the office, even once the letter is sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from creation.tests.factories import UserFactory
from inspections.letter import INSPECTION_LETTER
from inspections.tests.factories import (
    FeedbackLetterFactory,
    InspectionFactory,
    inspection_people,
)
from places.summary_report import SUMMARY_REPORT
from reporting.documents import document_kinds
from reporting.models import DocumentJob
from reporting.services import document_job_request, document_job_run
from scoring import services as scoring_services
from scoring.bulletin import BULLETIN
from scoring.rules import HalfYear

pytestmark = pytest.mark.django_db

ROLES = ("unit_staff", "provincial_reviewer", "office_reviewer", "superuser")
EVERYONE = set(ROLES)
OFFICE = {"office_reviewer", "superuser"}
# kind → state → the roles that may ask for it and read it
STATES: dict[str, dict[str, set[str]]] = {
    SUMMARY_REPORT: {"final": EVERYONE},
    INSPECTION_LETTER: {"draft": OFFICE, "sent": EVERYONE},
    BULLETIN: {"published": EVERYONE},
}
CASES = [(kind, state) for kind, states in STATES.items() for state in states]


@pytest.fixture(autouse=True)
def _no_broker():
    with mock.patch("portal.tasks.enqueue"):
        yield


@pytest.fixture
def people():
    found = inspection_people()
    return {
        "unit": found["unit"],
        "unit_staff": found["staff"],
        "provincial_reviewer": found["culture"],
        "office_reviewer": found["office"],
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


def test_every_registered_document_kind_is_in_the_matrix():
    assert {kind.slug for kind in document_kinds()} == set(STATES)


def _subject(people, kind: str, state: str) -> dict:
    """The document's parameters in the state, and how to ask for it on a page."""
    unit = people["unit"]
    if kind == SUMMARY_REPORT:
        return {
            "params": {"unit": unit.pk},
            "page": reverse("place:summary-report-request", kwargs={"pk": unit.pk}),
        }
    if kind == INSPECTION_LETTER:
        inspection = InspectionFactory(
            unit=unit, status="completed", held_start=date(2026, 5, 11), held_end=date(2026, 5, 13)
        )
        if state == "sent":
            FeedbackLetterFactory(inspection=inspection)
        return {
            "params": {"unit": unit.pk, "inspection": inspection.pk},
            "page": reverse("inspections:letter-document", kwargs={"pk": inspection.pk}),
            "letter_page": reverse("inspections:letter", kwargs={"pk": inspection.pk}),
        }
    office = people["office_reviewer"]
    period = scoring_services.period_ensure(
        programme=unit.batch.programme, kind="zone", half_year=HalfYear(2026, 1)
    )
    period = scoring_services.period_close(
        period=period, user=office, now=datetime(2026, 7, 20, tzinfo=UTC)
    )
    bulletin = scoring_services.bulletin_publish(
        period=period, user=office, number="文公共〔2026〕7号", published_on=date(2026, 7, 25)
    )
    return {"params": {"bulletin": bulletin.pk}, "bulletin": bulletin}


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _office_job(people, kind: str, subject: dict) -> DocumentJob:
    """The document as the office had it made (a draft while the letter is unsent), done."""
    office = people["office_reviewer"]
    if kind == BULLETIN:
        job = scoring_services.bulletin_document_request(
            bulletin=subject["bulletin"], user=office, format="docx"
        )
    else:
        job = document_job_request(user=office, kind=kind, format="docx", params=subject["params"])
    job = document_job_run(job_id=job.pk)
    assert job.status == DocumentJob.Status.DONE, job.error
    return job


def _asks(people, role: str, kind: str, subject: dict, tmp_path) -> dict[str, bool]:
    """Whether the role's request succeeds, on each road that asks for the kind."""
    user = people[role]
    before = set(DocumentJob.objects.values_list("pk", flat=True))
    outcome: dict[str, bool] = {}
    if kind == BULLETIN:
        url = reverse("api:bulletin-document", kwargs={"pk": subject["bulletin"].pk})
        outcome["api"] = _api(user).post(url, {"format": "docx"}).status_code == 202
    else:
        api = _api(user).post(
            reverse("api:document-job-list"),
            {"kind": kind, "format": "docx", "params": subject["params"]},
            format="json",
        )
        assert api.status_code in (202, 403), (role, api.status_code, api.content)
        outcome["api"] = api.status_code == 202
        page = _page(user).post(subject["page"], {"format": "docx"})
        assert page.status_code == 302, (role, page.status_code)
        outcome["page"] = page["Location"].startswith("/documents/")
        out = tmp_path / f"{role}.docx"
        options = {"unit": subject["params"]["unit"], "user": user.username, "out": str(out)}
        if "inspection" in subject["params"]:
            options["param"] = [("inspection", str(subject["params"]["inspection"]))]
        try:
            call_command("render_document", kind, format="docx", **options)
        except (CommandError, TypeError):  # TypeError: a command that takes no user
            outcome["command"] = False
        else:
            outcome["command"] = out.exists() and out.stat().st_size > 0
    made = DocumentJob.objects.exclude(pk__in=before)
    expected_jobs = sum(1 for road, ok in outcome.items() if ok and road != "command")
    assert made.count() == expected_jobs, (role, outcome)
    if "letter_page" in subject:
        shows_buttons = (
            'name="format" value="docx"' in _page(user).get(subject["letter_page"]).content.decode()
        )
        outcome["letter page offers it"] = shows_buttons
    made.delete()
    return outcome


def _reads(people, role: str, job: DocumentJob) -> dict[str, bool]:
    """Whether the role finds the job in the lists and downloads its file, page and API."""
    user = people[role]
    api, page = _api(user), _page(user)
    api_ids = {row["id"] for row in api.get(reverse("api:document-job-list")).json()["results"]}
    page_list = page.get(reverse("reporting:document-job-list")).content.decode()
    api_download = api.get(reverse("api:document-job-download", kwargs={"pk": job.pk}))
    page_download = page.get(reverse("reporting:document-job-download", kwargs={"pk": job.pk}))
    return {
        "api list": job.pk in api_ids,
        "page list": f'data-document-job-id="{job.pk}"' in page_list,
        "api detail": api.get(reverse("api:document-job-detail", kwargs={"pk": job.pk})).status_code
        == 200,
        "page detail": page.get(
            reverse("reporting:document-job", kwargs={"pk": job.pk})
        ).status_code
        == 200,
        "api download": api_download.status_code == 200,
        "page download": page_download.status_code == 200,
    }


@pytest.mark.parametrize(("kind", "state"), CASES)
def test_C7_R4_1_every_document_kind_role_and_state_asks_lists_and_downloads_alike(
    people, tmp_path, kind, state
):
    subject = _subject(people, kind, state)
    allowed = STATES[kind][state]
    job = _office_job(people, kind, subject)
    wrong = {}
    for role in ROLES:
        expected = role in allowed
        asks = _asks(people, role, kind, subject, tmp_path)
        reads = _reads(people, role, job)
        wrong.update(
            {f"{role}: {road}": ok for road, ok in {**asks, **reads}.items() if ok != expected}
        )
    assert wrong == {}, f"{kind} ({state}): expected {sorted(allowed)} only"


def test_C7_R4_1_unit_cannot_request_an_unsent_letter(people):
    subject = _subject(people, INSPECTION_LETTER, "draft")
    response = _api(people["unit_staff"]).post(
        reverse("api:document-job-list"),
        {"kind": INSPECTION_LETTER, "format": "pdf", "params": subject["params"]},
        format="json",
    )
    assert response.status_code == 403
    assert not DocumentJob.objects.exists()


def test_C7_R4_1_a_draft_the_office_printed_stays_with_the_office_once_sent(people):
    subject = _subject(people, INSPECTION_LETTER, "draft")
    draft = _office_job(people, INSPECTION_LETTER, subject)
    FeedbackLetterFactory(inspection_id=subject["params"]["inspection"])
    for role in ("unit_staff", "provincial_reviewer"):
        assert not any(_reads(people, role, draft).values()), role
    assert all(_reads(people, "office_reviewer", draft).values())
    assert DocumentJob.objects.get(pk=draft.pk).office_only
    # the letter as sent is the unit's to ask for and read
    sent = document_job_request(
        user=people["unit_staff"], kind=INSPECTION_LETTER, format="docx", params=subject["params"]
    )
    assert not sent.office_only
    assert all(_reads(people, "unit_staff", document_job_run(job_id=sent.pk)).values())


def test_C7_R4_1_command_line_without_a_user_renders_no_draft(people, tmp_path):
    subject = _subject(people, INSPECTION_LETTER, "draft")
    out = tmp_path / "letter.docx"
    params = [("inspection", str(subject["params"]["inspection"]))]
    unit = subject["params"]["unit"]
    with pytest.raises(CommandError):
        call_command("render_document", INSPECTION_LETTER, unit=unit, param=params, out=str(out))
    assert not out.exists()
    FeedbackLetterFactory(inspection_id=subject["params"]["inspection"])
    call_command(
        "render_document", INSPECTION_LETTER, unit=unit, param=params, format="docx", out=str(out)
    )
    assert out.stat().st_size > 0
