from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # R4.1: the written feedback of an inspection is a document kind (reporting.documents).
        from inspections.letter import INSPECTION_LETTER_KIND
        from reporting.documents import document_kind_register

        document_kind_register(INSPECTION_LETTER_KIND)
