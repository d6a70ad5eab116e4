"""Issue 9 in a real browser: the office reviewer opens the dashboard on the demo data; the heat
map shows coloured cells, the charts are drawn by the vendored ECharts, the console stays clean,
and a screenshot is kept in var/screenshots/office-dashboard.png."""

import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def test_office_dashboard_draws_its_charts_on_demo_data(browser, live_server):
    from playwright.sync_api import expect

    call_command("seed_demo", stdout=io.StringIO())
    office = get_user_model().objects.get(username="office")
    office.set_password(PASSWORD)
    office.save()

    page = login(browser, live_server, "office", viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/office/")
    page.get_by_role("link", name="Dashboard", exact=True).first.click()
    expect(page.get_by_role("heading", name="Office dashboard")).to_be_visible()

    cells = page.locator("table.heatmap td.heat[data-light]:not([data-light=''])")
    assert cells.count() > 0
    for chart in ("#chart-on-time", "#chart-fund-provinces"):
        expect(page.locator(f"{chart} svg, {chart} canvas").first).to_be_attached()
    assert page.locator("#chart-on-time svg path").count() > 0
    # Only the dashboard loads ECharts.
    assert page.evaluate("typeof echarts") == "object"
    assert errors == []

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "office-dashboard.png"), full_page=True)
    assert (SCREENSHOTS / "office-dashboard.png").stat().st_size > 10_000

    page.goto(f"{live_server.url}/office/")
    assert page.evaluate("typeof echarts") == "undefined"
