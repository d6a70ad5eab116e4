from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal.cache import connect_invalidation
        from portal.page_cache import connect_page_invalidation

        # Derived figures (unit status, dashboard panels) are dropped by any domain write.
        connect_invalidation()
        # Stored answers of signed-in users are dropped by any write (portal.page_cache).
        connect_page_invalidation()
