from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from reporting.documents import document_kind_register
        from scoring.bulletin import BULLETIN_KIND

        document_kind_register(BULLETIN_KIND)
