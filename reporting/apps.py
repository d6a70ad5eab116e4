from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        # The document kinds are registered by the apps they belong to (reporting.documents).
        # C3 (R6.6): a unit's reporting calendar is synced by the service that writes the unit.
        from creation.hooks import unit_sync_register
        from reporting import checks  # noqa: F401 - registers the PDF engine check
        from reporting.services import obligations_sync

        unit_sync_register("reporting.obligations", obligations_sync)

        # The services queue document jobs by task name (reporting.services.DOCUMENT_JOB_RUN_TASK),
        # so the tasks are registered in every process, not only in workers that autodiscover them.
        from reporting import tasks  # noqa: F401

        self._document_jobs_tell_their_pages()

    @staticmethod
    def _document_jobs_tell_their_pages() -> None:
        # A document job's writes drop the pages of whoever sees its unit or programme only
        # (reporting.services.document_jobs_shown_stale), not every stored page.
        from django.db.models.signals import post_delete, post_save

        from portal.page_cache import told_by_its_writer_register
        from reporting.models import DocumentJob
        from reporting.services import document_job_written

        told_by_its_writer_register("reporting.documentjob")
        for signal in (post_save, post_delete):
            signal.connect(
                document_job_written, sender=DocumentJob, dispatch_uid=f"document-job-{signal!r}"
            )
