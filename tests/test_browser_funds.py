"""Issue 6 acceptance in a real browser (R3.2): unit staff write a fund-use plan and submit it,
the provincial finance reviewer approves, the culture reviewer returns it with a comment, staff
revise it and submit again, both approve, the office files it, and staff spend on a line.

Drives the system Chromium (Debian's `chromium` package, or CHROMIUM_PATH) with Playwright; the
test is skipped when that browser is not installed.
"""

from django.utils import timezone

from creation.tests.factories import PDF_BYTES
from funds.models import Expenditure, FundPlan
from funds.services import fund_categories_ensure
from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


def _open_from_province_queue(page, live_server, version_id):
    from playwright.sync_api import expect

    page.goto(live_server.url)
    page.get_by_role("link", name="Funds", exact=True).click()
    row = page.locator(f'tr[data-version-id="{version_id}"]')
    expect(row).to_be_visible()
    row.get_by_role("link", name="Open").click()
    expect(page.locator("#review")).to_be_visible()


def _decide(page, live_server, version_id, button, comment=""):
    from playwright.sync_api import expect

    _open_from_province_queue(page, live_server, version_id)
    if comment:
        page.fill("#id_comment", comment)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_be_visible()


def test_staff_submit_finance_approves_culture_returns_revise_both_approve_office_files_spend(
    browser, live_server, world, tmp_path
):
    from playwright.sync_api import expect

    fund_categories_ensure()  # a transactional test may have flushed the seeded list
    for role in ("unit_staff", "province_finance", "province_culture", "office"):
        user = world.users[role]
        user.set_password(PASSWORD)
        user.save()
    unit = world.objects["units"]["own"]

    # Staff start a plan from their unit's funds page, add a line and submit it.
    staff = login(browser, live_server, "staff")
    staff.goto(f"{live_server.url}/units/{unit.pk}/")
    staff.locator("#unit-funds a").click()
    staff.get_by_role("link", name="New plan").click()
    staff.fill("#id_title", "2027年度经费使用方案")
    staff.fill("#id_central_rules", "中央补助资金专款专用。")
    staff.fill("#id_local_rules", "地方创建资金足额配套。")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator(".version-status")).to_have_text("Draft")
    staff.select_option("#id_lines-0-source", "central")
    staff.select_option("#id_lines-0-category", label="基层群众文化活动")
    staff.fill("#id_lines-0-amount", "50000.00")
    staff.fill("#id_lines-0-purpose", "社区文化活动")
    staff.fill("#id_lines-0-expected_effect", "举办活动20场")
    staff.get_by_role("button", name="Save the budget lines").click()
    staff.get_by_role("button", name="Submit for review").click()
    expect(staff.locator(".version-status")).to_have_text("In provincial review")
    plan = FundPlan.objects.get(unit=unit, title="2027年度经费使用方案")
    first = plan.versions.get()

    # The provincial finance reviewer approves; the culture reviewer returns it with a comment.
    finance = login(browser, live_server, "finance")
    _decide(finance, live_server, first.pk, "Approve")
    expect(finance.locator("tr.stage-finance .decision")).to_have_text("Approved")
    expect(finance.locator("tr.stage-culture .decision")).to_have_text("Pending")
    culture = login(browser, live_server, "culture")
    _open_from_province_queue(culture, live_server, first.pk)
    culture.get_by_role("button", name="Return to the unit").click()
    expect(culture.locator(".decision-form #error-summary")).to_contain_text(
        "Say what the unit should change."
    )
    culture.fill("#id_comment", "请细化活动场次和绩效目标。")
    culture.get_by_role("button", name="Return to the unit").click()
    expect(culture.locator(".version-status")).to_have_text("Returned for a new version")

    # Staff see the comment, start version 2, change the line and submit it again.
    staff.reload()
    expect(staff.locator("#history")).to_contain_text("请细化活动场次和绩效目标。")
    staff.get_by_role("button", name="Start a new version").click()
    expect(staff.locator(".version-status")).to_have_text("Draft")
    staff.fill("#id_lines-0-expected_effect", "举办活动24场，每月2场，服务群众1万人次")
    staff.get_by_role("button", name="Save the budget lines").click()
    staff.get_by_role("button", name="Submit for review").click()
    expect(staff.locator(".version-status")).to_have_text("In provincial review")
    second = plan.versions.get(number=2)

    # Both approve; the office files it from its page.
    _decide(culture, live_server, second.pk, "Approve")
    _decide(finance, live_server, second.pk, "Approve")
    expect(finance.locator(".version-status")).to_have_text("Awaiting filing by the office")
    office = login(browser, live_server, "office")
    office.goto(live_server.url)
    office.get_by_role("link", name="Funds", exact=True).click()
    office.locator(f'tr[data-version-id="{second.pk}"]').get_by_role(
        "link", name="File or return"
    ).click()
    office.get_by_role("button", name="File (备案)").click()
    expect(office.locator(".version-status")).to_have_text("Filed (备案)")

    # Staff spend on the filed line, with a voucher.
    voucher = tmp_path / "发票.pdf"
    voucher.write_bytes(PDF_BYTES)
    staff.goto(f"{live_server.url}/units/{unit.pk}/funds/spending/")
    staff.get_by_role("link", name="Record an expenditure").first.click()
    line = second.lines.get()
    staff.select_option("#id_line", str(line.pk))
    staff.fill("#id_spent_on", timezone.localdate().isoformat())
    staff.fill("#id_amount", "12000.50")
    staff.fill("#id_payee", "长沙市群众艺术馆")
    staff.fill("#id_description", "社区文艺汇演")
    staff.set_input_files("#id_voucher", str(voucher))
    staff.get_by_role("button", name="Record").click()
    expect(staff.locator(".messages")).to_contain_text("Expenditure recorded.")
    expect(staff.locator(f'tr[data-line-id="{line.pk}"] .remaining')).to_have_text("37,999.50")

    plan.refresh_from_db()
    assert [(v.number, v.status) for v in plan.versions.order_by("number")] == [
        (1, "returned"),
        (2, "filed"),
    ]
    assert list(first.decisions.values_list("stage", "outcome")) == [
        ("finance", "approved"),
        ("culture", "returned"),
    ]
    assert sorted(second.decisions.values_list("stage", flat=True)) == [
        "culture",
        "finance",
        "office",
    ]
    expenditure = Expenditure.objects.get(line=line)
    assert str(expenditure.amount) == "12000.50"
    assert expenditure.voucher_name == "发票.pdf"
