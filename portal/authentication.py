"""API token authentication with the token's account kept between requests.

REST clients pull statuses many times a second with one token, and DRF's TokenAuthentication
reads the token and its account on every call. The account is kept in the cache (without its
password hash) until the token is deleted or the account is saved (deactivated, renamed, logged
in) or TOKEN_KEPT_SECONDS pass: a token revoked or an account deactivated through the portal
(the admin, the services) is refused on the next call, as without the cache. A write that sends
no signal (an SQL UPDATE of the account) is seen within TOKEN_KEPT_SECONDS.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from portal.scoping import SCOPE_GENERATION_KEY, scope_generation_note


def _kept_token_key(key: str) -> str:
    # The token itself never becomes a cache key: the key is its digest.
    return "auth:token:" + hashlib.sha256(key.encode()).hexdigest()[:40]


class KeptTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        seconds = settings.TOKEN_KEPT_SECONDS
        name = _kept_token_key(key)
        # The scope generation comes in the same round trip (portal.scoping).
        kept = cache.get_many([name, SCOPE_GENERATION_KEY]) if seconds else {}
        token = kept.get(name)
        if token is None:
            try:
                token = Token.objects.select_related("user").defer("user__password").get(key=key)
            except Token.DoesNotExist as missing:
                raise exceptions.AuthenticationFailed(_("Invalid token.")) from missing
            if seconds:
                cache.set(name, token, timeout=seconds)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        scope_generation_note(token.user, kept.get(SCOPE_GENERATION_KEY))
        return token.user, token


def token_forget(sender: Any, instance: Token, **kwargs: Any) -> None:
    """A token was deleted or replaced: its account is no longer kept for it."""
    cache.delete(_kept_token_key(instance.key))


def account_tokens_forget(
    sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    """An account was saved (deactivated, its name or rights changed): what is kept of it for
    its tokens goes. Not for a sign-in, which saves the moment alone."""
    if update_fields is not None and set(update_fields) == {"last_login"}:
        return
    keys = Token.objects.filter(user_id=instance.pk).values_list("key", flat=True)
    names = [_kept_token_key(key) for key in keys]
    if names:
        cache.delete_many(names)
