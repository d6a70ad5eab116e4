from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreationConfig(AppConfig):
    name = "creation"
    verbose_name = _("Creation")

    def ready(self) -> None:
        # R4.1: the written feedback of an inspection is a document kind (reporting.documents).
        from creation.inspection_letter import INSPECTION_LETTER_KIND
        from creation.services import units_changed_at_bump
        from portal.cache import units_changed_register
        from reporting.documents import document_kind_register

        document_kind_register(INSPECTION_LETTER_KIND)
        # A unit's `changed_at` follows every committed write to its rows (the API's
        # `updated_since` and ETags).
        units_changed_register("unit-changed-at", units_changed_at_bump)
