from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Place records")

    def ready(self) -> None:
        # §7: the summary report of a place is a document kind (reporting.documents).
        from places.summary_report import SUMMARY_REPORT_KIND
        from reporting.documents import document_kind_register

        document_kind_register(SUMMARY_REPORT_KIND)
