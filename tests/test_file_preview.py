"""The inline preview of attachments on review pages: PDFs and images served inline through the
permission-checked download views, a PDF framable by the portal's own pages only, every other
response still refusing to be framed."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from creation.tests.factories import PDF_BYTES
from reporting.tests.factories import SubmissionAttachmentFactory

pytestmark = pytest.mark.django_db
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _download(attachment):
    return reverse("reporting:attachment-download", kwargs={"pk": attachment.pk})


def _attachment(world, name, content):
    return SubmissionAttachmentFactory(
        submission=world.objects["submissions"]["own"], file=ContentFile(content, name), name=name
    )


def test_pdf_preview_is_inline_and_framable_by_the_portal_only(client, world):
    attachment = world.objects["attachments"]["own"]
    client.force_login(world.users["office"])
    response = client.get(_download(attachment), {"preview": "1"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]  # nothing may run
    assert response["X-Content-Type-Options"] == "nosniff"
    # without the parameter, the same view still gives a download that refuses framing
    download = client.get(_download(attachment))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in download["Content-Security-Policy"]


def test_image_preview_is_inline_and_not_framable(client, world):
    attachment = _attachment(world, "现场照片.png", PNG_BYTES)
    client.force_login(world.users["office"])
    response = client.get(_download(attachment), {"preview": "1"})
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_other_kinds_are_never_inline(client, world):
    attachment = _attachment(world, "统计表.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    client.force_login(world.users["office"])
    response = client.get(_download(attachment), {"preview": "1"})
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Frame-Options"] == "DENY"


def test_preview_outside_the_users_scope_is_404(client, world):
    other = world.objects["attachments"]["other"]
    client.force_login(world.users["unit_staff"])
    assert client.get(_download(other), {"preview": "1"}).status_code == 404


def test_review_page_previews_pdf_and_image_and_lists_other_files(client, world):
    submission = world.objects["submissions"]["own"]
    image = _attachment(world, "现场照片.png", PNG_BYTES)
    sheet = _attachment(world, "统计表.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    pdf = world.objects["attachments"]["own"]
    client.cookies["django_language"] = "en"
    client.force_login(world.users["office"])
    page = client.get(reverse("reporting:submission-edit", kwargs={"pk": submission.obligation_id}))
    html = page.content.decode()
    assert f'<iframe src="{_download(pdf)}?preview=1"' in html
    assert f'<img src="{_download(image)}?preview=1"' in html
    assert f"{_download(sheet)}?preview=1" not in html
    assert f'<a href="{_download(sheet)}" download>统计表.xlsx</a>' in html
    assert "Excel (.xlsx)" in html
    # the review page itself may not be framed
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
