from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreationConfig(AppConfig):
    name = "creation"
    verbose_name = _("Creation")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from creation.models import CreationUnit, Programme, RoleAssignment
        from creation.scope import (
            roles_changed,
            unit_generation_names,
            unit_places_forget,
            user_scope,
        )
        from creation.services import units_changed_at_bump
        from portal.cache import unit_generations_register, units_changed_register
        from portal.scoping import scope_provider_register

        # Roles live here, so this app tells portal's building blocks (the read-only rule for
        # API clients, the ETags of answers) what a user may see.
        scope_provider_register(user_scope)

        # A unit's `changed_at` follows every committed write to its rows (the API's
        # `updated_since` and ETags).
        units_changed_register("unit-changed-at", units_changed_at_bump)

        # A write to a unit's rows also makes stale what its province, programme and (when it
        # can move the ranking) its rank group show (portal.cache).
        unit_generations_register(unit_generation_names)
        for signal in (pre_save, post_save, post_delete):
            signal.connect(
                unit_places_forget, sender=CreationUnit, dispatch_uid=f"unit-places-{signal!r}"
            )

        # The role rows kept per user (creation.scope._role_rows) name programmes' kinds and
        # units' batches and kinds (a unit's move is told by unit_places_forget).
        for model in (RoleAssignment, Programme):
            for signal in (post_save, post_delete):
                signal.connect(
                    roles_changed, sender=model, dispatch_uid=f"roles-{model.__name__}-{signal!r}"
                )
