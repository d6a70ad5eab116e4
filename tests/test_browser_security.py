"""The Content-Security-Policy in a real browser: pages work without inline script (the
language menu switches on change, Swagger UI loads and shows the operations) and the console
reports no refused script or style."""

from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_language_menu_and_api_docs_work_under_the_policy(browser, live_server, world):
    from playwright.sync_api import expect

    staff = world.users["unit_staff"]
    staff.set_password(PASSWORD)
    staff.save()
    page = login(browser, live_server, staff.username)
    errors = _watch(page)
    page.goto(live_server.url)
    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert not errors, errors
