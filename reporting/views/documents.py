"""Pages of generated documents (reporting.documents): the list of documents the user may see,
one document's progress bar and then its download. Jobs start from `DocumentJob.objects
.visible_to(user)`, so a document about a unit outside the user's scope answers 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.exports import Column, export_if_requested, model_columns
from reporting.documents import CONTENT_TYPES, document_kinds
from reporting.models import DocumentJob

PAGE_SIZE = 25


def _jobs(request: HttpRequest):
    return DocumentJob.objects.visible_to(request.user).select_related("unit", "requested_by")


def kind_titles() -> dict[str, str]:
    return {kind.slug: str(kind.title) for kind in document_kinds()}


def job_status(job: DocumentJob) -> dict:
    """What the progress bar shows, for the page and its polling: while running, the stage."""
    label = job.get_status_display()
    if job.status == DocumentJob.Status.RUNNING and job.stage:
        label = _("%(status)s: %(stage)s") % {"status": label, "stage": job.get_stage_display()}
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": label,
        "stage": job.stage,
        "progress": job.progress,
        "error": job.error,
        "file_name": job.file_name,
        "download_url": (
            reverse("reporting:document-job-download", kwargs={"pk": job.pk})
            if job.status == DocumentJob.Status.DONE
            else ""
        ),
    }


@login_required
@require_GET
def document_job_list(request: HttpRequest) -> HttpResponse:
    titles = kind_titles()
    columns = [
        Column(gettext_lazy("Document"), lambda job: titles.get(job.kind, job.kind)),
        *model_columns(
            DocumentJob,
            ["unit__name", "format", "status", "file_name", "requested_by__username", "created_at"],
        ),
    ]
    exported = export_if_requested(request, _jobs(request), columns=columns, filename="documents")
    if exported:
        return exported
    # A file replaced by a newer one of the same document is listed once, as the newer one.
    current = _jobs(request).filter(replaced_by__isnull=True)
    page = Paginator(current, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": [(job, titles.get(job.kind, job.kind)) for job in page]}
    return render(request, "reporting/document_job_list.html", context)


@login_required
@require_GET
def document_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs(request), pk=pk)
    if job.replaced_by_id:
        return redirect("reporting:document-job", pk=job.replaced_by_id)
    context = {
        "job": job,
        "title": kind_titles().get(job.kind, job.kind),
        "state": job_status(job),
        "status_url": reverse("reporting:document-job-status", kwargs={"pk": job.pk}),
    }
    return render(request, "reporting/document_job.html", context)


@never_cache
@login_required
@require_GET
def document_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(DocumentJob.objects.visible_to(request.user), pk=pk)
    return JsonResponse(job_status(job))


@login_required
@require_GET
def document_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(DocumentJob.objects.visible_to(request.user), pk=pk)
    if job.replaced_by_id:
        # An older link of a document made again: the newer file is the document now.
        return redirect("reporting:document-job-download", pk=job.replaced_by_id)
    if job.status != DocumentJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.file_name or f"document.{job.format}",
        content_type=CONTENT_TYPES.get(job.format),
    )
