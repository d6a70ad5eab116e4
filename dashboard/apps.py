from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from creation.figures import (
            office_province_funds_reader_register,
            stored_figures_reader_register,
            stored_reporting_figures_reader_register,
            stored_veto_statuses_reader_register,
        )
        from dashboard.selectors import (
            office_province_funds,
            stored_reporting_figures,
            stored_veto_statuses,
            unit_figures_read,
        )
        from dashboard.services import units_changed_refresh
        from portal.cache import units_changed_register

        # A unit's stored figures (dashboard.models.UnitFigures) follow every committed write
        # to its rows that can move one (a draft of a report saved moves none).
        units_changed_register("unit-figures", units_changed_refresh, figures_moved_only=True)
        # The pages of the apps below this one (a unit's home and veto gauge, the lists of
        # gauges) read the stored rows through creation.figures rather than importing this app.
        stored_figures_reader_register(unit_figures_read)
        office_province_funds_reader_register(office_province_funds)
        stored_veto_statuses_reader_register(stored_veto_statuses)
        stored_reporting_figures_reader_register(stored_reporting_figures)
