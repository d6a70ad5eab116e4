"""Generated files do not pile up: a document made again replaces its earlier file (whose links
lead to the new one), and files past the retention period leave storage unless they were sent
with a report. Files live in the test's own media folder, so storage is checked directly."""

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reporting.documents import RenderedDocument
from reporting.models import DocumentJob
from reporting.services import document_files_expire, document_job_run
from reporting.tasks import document_files_expire_task
from reporting.tests.document_factories import DocumentJobFactory
from reporting.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db
Status = DocumentJob.Status


def stored_files() -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "documents"
    return {f"documents/{path.name}" for path in folder.iterdir()} if folder.exists() else set()


def make(world, capture, *, language="zh-hans", content=b"first") -> DocumentJob:
    """A summary report of the world's own unit, asked for and made by the worker."""
    unit = world.objects["units"]["own"]
    job = DocumentJob.objects.create(
        kind="summary-report",
        format="docx",
        params={"unit": unit.pk},
        unit=unit,
        programme=unit.batch.programme,
        language=language,
        requested_by=world.users["unit_staff"],
    )
    rendered = RenderedDocument(content, "总结汇报材料.docx", "application/octet-stream")
    with (
        mock.patch("reporting.services.document_render", return_value=rendered),
        capture(execute=True),
    ):
        document_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE
    return job


def test_document_made_again_replaces_the_earlier_file_and_its_links_follow(
    client, world, django_capture_on_commit_callbacks
):
    world_files = stored_files()  # the shared data's own documents
    first = make(world, django_capture_on_commit_callbacks, content=b"first")
    assert stored_files() - world_files == {first.file.name}

    second = make(world, django_capture_on_commit_callbacks, content=b"second")
    first.refresh_from_db()
    assert stored_files() - world_files == {second.file.name}
    assert (first.replaced_by_id, first.file.name) == (second.pk, "")

    third = make(world, django_capture_on_commit_callbacks, content=b"third")
    first.refresh_from_db()
    second.refresh_from_db()
    assert stored_files() - world_files == {third.file.name}
    # the oldest link leads to the newest file, not through the second job
    assert first.replaced_by_id == second.replaced_by_id == third.pk

    client.force_login(world.users["unit_staff"])
    old_link = reverse("reporting:document-job-download", kwargs={"pk": first.pk})
    response = client.get(old_link, follow=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"third"
    page = client.get(reverse("reporting:document-job", kwargs={"pk": first.pk}))
    assert page.url == reverse("reporting:document-job", kwargs={"pk": third.pk})
    listed = client.get(reverse("reporting:document-job-list")).context["rows"]
    ours = {first.pk, second.pk, third.pk}
    assert [job.pk for job, _title in listed if job.pk in ours] == [third.pk]


def test_document_in_another_language_or_sent_with_a_report_is_not_replaced(
    world, django_capture_on_commit_callbacks
):
    world_files = stored_files()
    chinese = make(world, django_capture_on_commit_callbacks)
    english = make(world, django_capture_on_commit_callbacks, language="en")
    DocumentJob.objects.filter(pk=english.pk).update(attached_to=SubmissionFactory())
    again = make(world, django_capture_on_commit_callbacks, language="en")
    chinese.refresh_from_db()
    english.refresh_from_db()
    assert chinese.replaced_by_id is None
    assert english.replaced_by_id is None
    assert stored_files() - world_files == {chinese.file.name, english.file.name, again.file.name}


def test_document_files_expire_removes_old_unattached_files_and_keeps_the_rest(
    client, world, django_capture_on_commit_callbacks
):
    unit = world.objects["units"]["own"]
    now = timezone.now()
    world_files = stored_files()
    old_day = now - timedelta(days=settings.DOCUMENT_RETENTION_DAYS + 1)
    old = DocumentJobFactory(unit=unit, finished_at=old_day)
    sent = DocumentJobFactory(unit=unit, finished_at=old_day, attached_to=SubmissionFactory())
    recent = DocumentJobFactory(unit=unit, finished_at=now - timedelta(days=1))
    assert stored_files() - world_files == {old.file.name, sent.file.name, recent.file.name}

    with django_capture_on_commit_callbacks(execute=True):
        assert document_files_expire(now=now) == 1
    old.refresh_from_db()
    assert (old.status, old.file.name) == (Status.EXPIRED, "")
    assert stored_files() - world_files == {sent.file.name, recent.file.name}
    assert set(DocumentJob.objects.filter(status=Status.DONE).values_list("pk", flat=True)) >= {
        sent.pk,
        recent.pk,
    }
    # a second run finds nothing more to do
    with django_capture_on_commit_callbacks(execute=True):
        assert document_files_expire(now=now) == 0
    assert stored_files() - world_files == {sent.file.name, recent.file.name}

    # the page of the removed file says so and offers no download
    client.force_login(world.users["superuser"])
    page = client.get(reverse("reporting:document-job", kwargs={"pk": old.pk}))
    assert page.context["state"]["download_url"] == ""
    assert 'id="document-expired">' in page.content.decode()
    download = reverse("reporting:document-job-download", kwargs={"pk": old.pk})
    assert client.get(download).status_code == 404


def test_document_files_expire_task_runs_the_service_daily_from_beat(
    world, django_capture_on_commit_callbacks
):
    old_day = timezone.now() - timedelta(days=settings.DOCUMENT_RETENTION_DAYS + 1)
    job = DocumentJobFactory(unit=world.objects["units"]["own"], finished_at=old_day)
    with django_capture_on_commit_callbacks(execute=True):
        assert document_files_expire_task() == 1
    job.refresh_from_db()
    assert job.status == Status.EXPIRED
    entry = settings.CELERY_BEAT_SCHEDULE["document-files-expire"]
    assert entry["task"] == "reporting.tasks.document_files_expire_task"
    assert entry["schedule"].hour == {3}
