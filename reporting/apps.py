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
