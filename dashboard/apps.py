from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from dashboard.services import units_changed_refresh
        from portal.cache import units_changed_register

        # A unit's stored figures (dashboard.models.UnitFigures) follow every committed write
        # to its rows.
        units_changed_register("unit-figures", units_changed_refresh)
