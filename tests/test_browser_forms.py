"""Forms the GOV.UK way in a real browser: a refused decision brings the error summary into view
with the focus on it, and the plan page's budget lines get a new row without a round trip.

Drives the system Chromium (Debian's `chromium` package, or CHROMIUM_PATH) with Playwright; the
tests are skipped when that browser is not installed.
"""

from funds.services import fund_categories_ensure
from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


def _passwords(world, *roles):
    for role in roles:
        user = world.users[role]
        user.set_password(PASSWORD)
        user.save()


def test_returning_a_plan_without_a_comment_focuses_the_error_summary_in_the_form(
    browser, live_server, world
):
    from playwright.sync_api import expect

    _passwords(world, "province_culture")
    version = world.objects["review_versions"]["own"]
    page = login(browser, live_server, "culture", viewport={"width": 1280, "height": 600})
    page.goto(f"{live_server.url}/funds/plans/{version.plan_id}/")
    page.get_by_role("button", name="Return to the unit").click()
    summary = page.locator(".decision-form #error-summary")
    expect(summary).to_contain_text("Say what the unit should change.")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_comment")).to_be_focused()


def test_the_plan_page_adds_a_budget_line_row_and_saves_the_lines_together(
    browser, live_server, world
):
    from playwright.sync_api import expect

    fund_categories_ensure()  # a transactional test may have flushed the seeded list
    _passwords(world, "unit_staff")
    version = world.objects["draft_versions"]["own"]
    before = version.lines.count()
    page = login(browser, live_server, "staff")
    page.goto(f"{live_server.url}/funds/plans/{version.plan_id}/")
    rows = page.locator("[data-formset-rows] tr")
    expect(rows).to_have_count(before + 1)  # the lines and one empty row
    page.get_by_role("button", name="Add a row").click()
    expect(rows).to_have_count(before + 2)
    for index, purpose in ((before, "新增活动一"), (before + 1, "新增活动二")):
        page.select_option(f"#id_lines-{index}-source", "local")
        page.select_option(f"#id_lines-{index}-category", index=1)
        page.fill(f"#id_lines-{index}-amount", "1000.00")
        page.fill(f"#id_lines-{index}-purpose", purpose)
    page.get_by_role("button", name="Save the budget lines").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    assert set(version.lines.values_list("purpose", flat=True)) >= {"新增活动一", "新增活动二"}
    assert version.lines.count() == before + 2
