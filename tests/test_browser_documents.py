"""Issue 5 acceptance in a real browser: unit staff ask for their unit's summary report, see the
progress bar move while a worker makes it, and download the file.

The worker is played by the test: the task's `.delay` is recorded, and the test runs the job
(`document_job_run`) itself while the page polls. Drives the system Chromium (Debian's `chromium`
package, or CHROMIUM_PATH) with Playwright; skipped when that browser is not installed.
"""

import io
from pathlib import Path

from places.tests.factories import CulturalEventFactory, FacilityFactory
from reporting import fonts
from reporting.models import DocumentJob
from reporting.services import document_job_run
from tests.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


def test_staff_ask_for_the_summary_report_watch_its_progress_and_download_it(
    browser, live_server, world, monkeypatch
):
    from playwright.sync_api import expect

    queued = []
    monkeypatch.setattr("portal.tasks.enqueue", lambda task, *args: queued.extend(args))
    staff_user = world.users["unit_staff"]
    staff_user.set_password(PASSWORD)
    staff_user.save()
    unit = world.objects["units"]["own"]
    FacilityFactory(unit=unit, name="综合文化服务中心", kind="service_centre")
    CulturalEventFactory(unit=unit, name="广场文化节", audience=4321)
    pdf = fonts.pdf_problem() is None

    page = login(browser, live_server, "staff", accept_downloads=True)

    # From the unit's home to the summary report, and ask for it.
    page.goto(f"{live_server.url}/units/{unit.pk}/")
    page.get_by_role("link", name="Summary report (Word, PDF)").click()
    page.get_by_role("button", name="Make a PDF" if pdf else "Make a Word file").click()

    # The job's page: a progress bar while the document waits for the worker.
    expect(page.locator("#document-progress")).to_be_visible()
    expect(page.locator("#document-status")).to_have_text("Queued")
    job = DocumentJob.objects.exclude(pk=world.objects["document_jobs"]["own"].pk).get(unit=unit)
    assert queued == [job.pk]
    assert job.format == ("pdf" if pdf else "docx")

    # The worker starts: the bar moves without reloading the page.
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.RUNNING, progress=40)
    expect(page.locator("#document-percent")).to_have_text("40%")
    expect(page.locator("#document-status")).to_have_text("Running")
    expect(page.locator("#document-progress")).to_have_attribute("value", "40")

    # The worker finishes: the download link appears, and the file is the unit's report.
    assert document_job_run(job_id=job.pk).status == DocumentJob.Status.DONE
    download_link = page.locator("#document-download")
    expect(download_link).to_be_visible()
    expect(page.locator("#document-percent")).to_have_text("100%")
    with page.expect_download() as event:
        download_link.click()
    download = event.value
    assert unit.name in download.suggested_filename
    content = Path(download.path()).read_bytes()
    if pdf:
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    else:
        from docx import Document

        document = Document(io.BytesIO(content))
        text = "\n".join(p.text for p in document.paragraphs)
    assert unit.name in text
    assert "4321" in text
    page.context.close()
