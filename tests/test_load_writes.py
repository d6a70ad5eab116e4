"""`make load`'s writes on the demo data: the plan (devtools/bench/figures.write_plan) names targets
for every kind of write, and each write, made as the locust clients make it (the form page read,
its CSRF token posted back with the csrftoken cookie, the answer judged by
scripts/load_writes.write_failure), is accepted by the portal and does what it says. A write the
portal refuses is a fault of the plan, so these fail when the targets go wrong. No timing."""

from __future__ import annotations

import pytest
from django.test import Client

from devtools.bench import figures
from reporting.models import Submission
from scoring.models import AdoptionClaim
from scripts.load_writes import (
    claim_form,
    csrf_cookie_secret,
    form_token,
    reject_form,
    report_form,
    review_form,
    write_failure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(demo_data, tmp_path):
    return figures.write_plan(tmp_path / "load-plan.json")


def browser(session: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = session
    client.cookies["csrftoken"] = csrf_cookie_secret()
    return client


def token_of(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    token = form_token(page.content.decode())
    assert token, url
    return token


def post(client: Client, url: str, data: dict, expect: str) -> tuple[str | None, str]:
    """As the locust client posts: the failure reason (None: done) and where it was sent."""
    answer = client.post(url, data)
    cookies = [morsel.OutputString() for morsel in answer.cookies.values()]
    location = answer.get("Location", "")
    return write_failure(answer.status_code, location, cookies, expect), location


def test_plan_names_staff_with_reports_to_write_and_an_adoption_to_claim(plan):
    assert plan["staff"], "no unit staff in the demo data"
    staff = plan["staff"][0]
    assert staff["session"]
    assert staff["reports"]["editable"]
    assert staff["claim"]["outlet_id"]
    assert set(plan["sessions"]) >= {"office", "unit"}


def test_report_saved_submitted_returned_resubmitted_and_accepted(plan):
    staff, office = browser(plan["staff"][0]["session"]), browser(plan["sessions"]["office"])
    obligation = plan["staff"][0]["reports"]["editable"][0]
    url = f"/reports/{obligation}/"

    steps = [
        (staff, report_form, "save", Submission.Status.DRAFT),
        (staff, report_form, "submit", Submission.Status.SUBMITTED),
        (office, review_form, "return", Submission.Status.RETURNED),
        (staff, report_form, "submit", Submission.Status.SUBMITTED),
        (office, review_form, "accept", Submission.Status.ACCEPTED),
    ]
    for serial, (client, form, action, status) in enumerate(steps, start=1):
        token = token_of(client, url)
        data = (
            form(token, action=action, serial=serial)
            if form is report_form
            else form(token, action=action)
        )
        assert post(client, url, data, expect=url) == (None, url), action
        assert Submission.objects.get(obligation_id=obligation).status == status, action


def test_submitted_reports_of_the_plan_can_be_reviewed(plan):
    office = browser(plan["sessions"]["office"])
    submitted = [o for s in plan["staff"] for o in s["reports"]["submitted"]]
    assert submitted, "the demo data has no submitted report to review"
    for obligation in submitted[:1]:
        url = f"/reports/{obligation}/"
        data = review_form(token_of(office, url), action="return")
        assert post(office, url, data, expect=url) == (None, url)
        assert Submission.objects.get(obligation_id=obligation).status == "returned"


def test_claims_made_and_then_verified_or_rejected(plan):
    staff_plan = plan["staff"][0]
    staff, office = browser(staff_plan["session"]), browser(plan["sessions"]["office"])
    claim_url = f"/units/{staff_plan['unit_id']}/publicity/claim/"

    claims = []
    for serial in ("load-1", "load-2"):
        data = claim_form(
            token_of(staff, claim_url),
            outlet_id=staff_plan["claim"]["outlet_id"],
            published_on=staff_plan["claim"]["published_on"],
            serial=serial,
        )
        failure, location = post(staff, claim_url, data, expect="/publicity/claims/")
        assert failure is None
        claims.append(int(location.rstrip("/").rsplit("/", 1)[1]))
    assert AdoptionClaim.objects.get(pk=claims[0]).status == AdoptionClaim.Status.CLAIMED

    for claim, step, status in (
        (claims[0], "verify", AdoptionClaim.Status.VERIFIED),
        (claims[1], "reject", AdoptionClaim.Status.REJECTED),
    ):
        url = f"/publicity/claims/{claim}/"
        token = token_of(office, url)
        data = {"csrfmiddlewaretoken": token} if step == "verify" else reject_form(token)
        assert post(office, f"{url}{step}/", data, expect=url) == (None, url)
        assert AdoptionClaim.objects.get(pk=claim).status == status


def test_a_refused_write_is_counted_as_failed(plan):
    """The judge sees a refusal that still redirects (its message says so) and a form shown
    again: reviewing a report nobody submitted, and a draft without its title."""
    staff, office = browser(plan["staff"][0]["session"]), browser(plan["sessions"]["office"])
    obligation = plan["staff"][0]["reports"]["editable"][0]
    url = f"/reports/{obligation}/"
    assert (
        post(staff, url, report_form(token_of(staff, url), action="save", serial=1), url)[0] is None
    )

    refused, _ = post(office, url, review_form(token_of(office, url), action="accept"), url)
    assert refused.startswith("refused:")

    untitled = {**report_form(token_of(staff, url), action="save", serial=2), "title": ""}
    assert post(staff, url, untitled, url)[0] == "the form was shown again with errors"
