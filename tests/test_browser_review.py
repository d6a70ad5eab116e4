"""Issue 20 in a real browser: the office searches its review queue, opens the first report and
accepts it with "Accept and go to next", lands on the next report of the same search, accepts
that one too and comes back to the queue, which says everything is done.

Drives the system Chromium (Debian's `chromium` package, or CHROMIUM_PATH) with Playwright; the
test is skipped when that browser is not installed.
"""

from datetime import timedelta

from django.utils import timezone

from reporting.models import Submission
from reporting.tests.factories import ObligationFactory, SubmissionFactory
from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


def _waiting(unit, *, days, title):
    start = timezone.localdate().replace(day=1) - timedelta(days=40 * days)
    return SubmissionFactory(
        obligation=ObligationFactory(
            unit=unit,
            period_start=start,
            period_label=f"{start:%Y-%m}-{days}",
            due_at=timezone.now() + timedelta(days=20),
        ),
        status=Submission.Status.SUBMITTED,
        title=title,
        submitted_at=timezone.now() - timedelta(days=days),
    )


def test_R5_1_office_accepts_two_reports_with_save_and_next(browser, live_server, world):
    from playwright.sync_api import expect

    office_user = world.users["office"]
    office_user.set_password(PASSWORD)
    office_user.save()
    # Only this test's reports wait.
    Submission.objects.filter(status=Submission.Status.SUBMITTED).update(
        status=Submission.Status.ACCEPTED
    )
    unit = world.objects["units"]["own"]
    older = _waiting(unit, days=6, title="文化节工作总结")
    newer = _waiting(unit, days=2, title="文化节经验材料")
    _waiting(unit, days=4, title="图书馆月报")  # not in the search

    office = login(browser, live_server, "office")
    office.goto(f"{live_server.url}/reports/review/")
    office.get_by_label("Search").fill("文化节")
    office.get_by_role("button", name="Filter").click()
    rows = office.locator("tr[data-submission-id]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-submission-id", str(older.pk))
    expect(rows.first).to_contain_text("6 days")

    rows.first.get_by_role("link", name="Review").click()
    expect(office.locator("h2", has_text="文化节工作总结")).to_be_visible()
    office.get_by_role("button", name="Accept and go to next").click()
    expect(office.locator(".messages")).to_contain_text("Report accepted.")
    expect(office.locator("h2", has_text="文化节经验材料")).to_be_visible()

    office.get_by_role("button", name="Accept and go to next").click()
    expect(office.locator(".messages")).to_contain_text("All done")
    expect(office.get_by_label("Search")).to_have_value("文化节")
    expect(office.locator(".queue-empty.filtered")).to_be_visible()
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == ("accepted", "accepted")
