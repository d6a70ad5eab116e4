"""Issue 20 in a real browser: each role signs in to its work queue at `/`, acts on the first
task of a group, comes back and sees that group and the menu's "To do" count drop by one.

Drives the system Chromium (Debian's `chromium` package, or CHROMIUM_PATH) with Playwright; the
test is skipped when that browser is not installed.
"""

from datetime import timedelta

from django.utils import timezone

from reporting.models import Obligation
from reporting.tests.factories import ObligationFactory
from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


def _queue(page, live_server, group):
    """The rows of one group of the queue and the menu's count, read from `/`."""
    page.goto(live_server.url)
    rows = page.locator(f"#group-{group} [data-task]")
    badge = page.locator(".nav-todo .count-badge")
    menu_count = int(badge.text_content()) if badge.count() else 0
    return rows, int(page.locator(f"#group-{group}").get_attribute("data-count")), menu_count


def _act_on_first(page, live_server, group, kind, button):
    from playwright.sync_api import expect

    rows, count, menu_count = _queue(page, live_server, group)
    assert count >= 1, f"nothing in {group}"
    assert menu_count >= count
    first = rows.first
    expect(first).to_have_attribute("data-task", kind)
    first.locator("a.task-action").click()
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    _, count_after, menu_after = _queue(page, live_server, group)
    assert (count_after, menu_after) == (count - 1, menu_count - 1)


def _passwords(world, *roles):
    for role in roles:
        user = world.users[role]
        user.set_password(PASSWORD)
        user.save()


def test_R3_2_reviewers_act_on_the_first_task_and_their_queues_shrink(browser, live_server, world):
    from playwright.sync_api import expect

    _passwords(world, "office", "province_finance", "province_culture")

    # The office accepts the report that has waited longest.
    office = login(browser, live_server, "office")
    office.goto(live_server.url)
    expect(office.locator("h1")).to_have_text("To do")
    for group in ("reports-review", "claims-verify", "rectifications-check", "letters-send"):
        expect(office.locator(f"#group-{group}")).to_be_visible()
    _act_on_first(office, live_server, "reports-review", "report-review", "Accept")

    # The office's search keeps one unit's tasks.
    office.goto(f"{live_server.url}/?q=株洲")
    names = office.locator("[data-task] .task-what strong").all_text_contents()
    assert names, "no task of 株洲市"
    assert set(names) == {"株洲市"}

    # Each provincial department approves the plan at its own stage; the other department's
    # queue keeps it until it decides too.
    finance = login(browser, live_server, "finance")
    _, culture_count_before, _ = _queue(finance, live_server, "plans-review")
    _act_on_first(finance, live_server, "plans-review", "plan-review", "Approve")
    culture = login(browser, live_server, "culture")
    _, culture_count, _ = _queue(culture, live_server, "plans-review")
    assert culture_count == culture_count_before
    _act_on_first(culture, live_server, "plans-review", "plan-review", "Approve")


def test_R5_1_unit_staff_submit_the_report_due_first_and_their_queue_shrinks(
    browser, live_server, world
):
    from playwright.sync_api import expect

    _passwords(world, "unit_staff")
    unit = world.objects["units"]["own"]
    today = timezone.localdate()
    ObligationFactory(
        unit=unit,
        type=Obligation.Type.WORK_UPDATE,
        period_start=today.replace(day=1),
        period_label=f"{today:%Y-%m}",
        due_at=timezone.now() + timedelta(days=3),
    )
    staff = login(browser, live_server, "staff")
    staff.goto(live_server.url)
    rows, count, menu_count = _queue(staff, live_server, "reports-due")
    assert count >= 1
    expect(rows.first.locator(".task-date")).to_contain_text("due ")
    rows.first.locator("a.task-action").click()
    staff.fill("#id_title", "本月工作动态")
    staff.fill("#id_body", "开展社区文化活动12场。")
    staff.get_by_role("button", name="Submit", exact=True).click()
    expect(staff.locator(".messages")).to_contain_text("Report submitted.")
    _, count_after, menu_after = _queue(staff, live_server, "reports-due")
    assert (count_after, menu_after) == (count - 1, menu_count - 1)
