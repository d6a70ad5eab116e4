from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreationConfig(AppConfig):
    name = "creation"
    verbose_name = _("Creation")

    def ready(self) -> None:
        from creation.scope import user_scope
        from creation.services import units_changed_at_bump
        from portal.cache import units_changed_register
        from portal.scoping import scope_provider_register

        # Roles live here, so this app tells portal's building blocks (the read-only rule for
        # API clients, the ETags of answers) what a user may see.
        scope_provider_register(user_scope)

        # A unit's `changed_at` follows every committed write to its rows (the API's
        # `updated_since` and ETags).
        units_changed_register("unit-changed-at", units_changed_at_bump)
