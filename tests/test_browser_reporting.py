"""Issue 4 acceptance in a real browser: unit staff submit a monthly work update, the office
returns it with a comment, staff see the comment and resubmit, the office accepts; the report then
shows "Accepted" and that it was on time.

Drives the system Chromium (Debian's `chromium` package, or CHROMIUM_PATH) with Playwright; the
test is skipped when that browser is not installed.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from reporting.models import Obligation, Submission
from reporting.tests.factories import ObligationFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "a-long-browser-test-password"

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"no Chromium at {CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse the
    # test's own ORM calls; they are safe here. Set for this test only: set for the whole run, it
    # would reach subprocesses, such as the `check --deploy` of tests/test_settings.py.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


def _session(browser, live_server, username):
    """A browser context of its own (own cookies) with English pages, logged in as `username`."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def _open_from_review_queue(page, live_server, submission):
    from playwright.sync_api import expect

    page.goto(live_server.url)
    page.get_by_role("link", name="Review queue").click()
    row = page.locator(f'tr[data-submission-id="{submission.pk}"]')
    expect(row).to_be_visible()
    row.get_by_role("link", name="Review").click()
    expect(page.locator("#review")).to_be_visible()


def test_staff_submit_office_returns_staff_resubmit_office_accepts(browser, live_server, world):
    from playwright.sync_api import expect

    for role in ("unit_staff", "office"):
        user = world.users[role]
        user.set_password(PASSWORD)
        user.save()
    unit = world.objects["units"]["own"]
    # due in the future, so that the report is on time
    obligation = ObligationFactory(
        unit=unit,
        type=Obligation.Type.WORK_UPDATE,
        period_start=timezone.localdate().replace(day=1),
        period_label=f"{timezone.localdate():%Y-%m}",
        due_at=timezone.now() + timedelta(days=20),
    )

    # Staff open the monthly work update from their unit's calendar, write it and submit it.
    staff = _session(browser, live_server, "staff")
    staff.goto(f"{live_server.url}/units/{unit.pk}/reports/")
    staff.locator(f'tr[data-obligation-id="{obligation.pk}"] a').click()
    staff.fill("#id_title", "本月工作动态")
    staff.fill("#id_body", "开展社区文化活动12场。")
    staff.get_by_role("button", name="Submit", exact=True).click()
    expect(staff.locator(".messages")).to_contain_text("Report submitted.")
    expect(staff.locator(".report-status")).to_have_text("Submitted")
    submission = Submission.objects.get(obligation=obligation)
    assert submission.status == Submission.Status.SUBMITTED

    # The office finds it in the review queue and returns it with a comment.
    office = _session(browser, live_server, "office")
    _open_from_review_queue(office, live_server, submission)
    office.get_by_role("button", name="Return for changes").click()
    expect(office.locator("#review .errorlist")).to_contain_text("Say what the unit should change.")
    office.fill("#id_comment", "请补充活动照片和参与人数。")
    office.get_by_role("button", name="Return for changes").click()
    expect(office.locator(".report-status")).to_have_text("Returned for changes")

    # Staff see the comment, change the report and submit it again.
    staff.reload()
    expect(staff.locator("#review-comment")).to_contain_text("请补充活动照片和参与人数。")
    staff.fill("#id_body", "开展社区文化活动12场，参与群众3000余人次，附活动照片。")
    staff.get_by_role("button", name="Submit", exact=True).click()
    expect(staff.locator(".report-status")).to_have_text("Submitted")

    # The office accepts it; the page shows the status and that it was on time.
    _open_from_review_queue(office, live_server, submission)
    office.get_by_role("button", name="Accept").click()
    expect(office.locator(".report-status")).to_have_text("Accepted")
    expect(office.locator("dd.timeliness")).to_have_text("On time")

    staff.reload()
    expect(staff.locator(".report-status")).to_have_text("Accepted")
    expect(staff.locator("dd.timeliness")).to_have_text("On time")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert submission.on_time
    assert list(submission.events.values_list("action", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
