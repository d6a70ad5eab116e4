"""Issue 4 acceptance in a real browser: unit staff submit a monthly work update, the office
returns it with a comment, staff see the comment and resubmit, the office accepts; the report then
shows "Accepted" and that it was on time.

Drives the system Chromium (Debian's `chromium` package, or CHROMIUM_PATH) with Playwright; the
test is skipped when that browser is not installed.
"""

from datetime import timedelta

from django.utils import timezone

from reporting.models import Obligation, Submission
from reporting.tests.factories import ObligationFactory
from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


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
    staff = login(browser, live_server, "staff")
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
    office = login(browser, live_server, "office")
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
    office.get_by_role("button", name="Accept", exact=True).click()
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
