from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save
        from rest_framework.authtoken.models import Token

        from portal.authentication import account_tokens_forget, token_forget
        from portal.cache import connect_invalidation
        from portal.page_cache import connect_page_invalidation

        # Derived figures are dropped by the writes to what they read (portal.cache).
        connect_invalidation()
        # Stored answers of signed-in users are dropped by writes to what they show
        # (portal.page_cache).
        connect_page_invalidation()
        # The accounts kept for API tokens (portal.authentication).
        post_delete.connect(token_forget, sender=Token, dispatch_uid="token-forget-delete")
        post_save.connect(token_forget, sender=Token, dispatch_uid="token-forget-save")
        post_save.connect(
            account_tokens_forget, sender=get_user_model(), dispatch_uid="account-tokens-forget"
        )
