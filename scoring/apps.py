from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from reporting.documents import document_kind_register
        from scoring.bulletin import BULLETIN_KIND
        from scoring.catalogue import seed_after_migrate

        document_kind_register(BULLETIN_KIND)
        # R6.2: the seeded media catalogue survives `flush` (see scoring.catalogue).
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="scoring-outlets")
