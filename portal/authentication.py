"""API token authentication with the token's account kept between requests.

REST clients pull statuses many times a second with one token, and DRF's TokenAuthentication
reads the token and its account on every call. The account is kept (without its password hash)
until the token is deleted or the account is saved (deactivated, renamed, its rights changed)
or TOKEN_KEPT_SECONDS pass: a token revoked or an account deactivated through the portal (the
admin, the services) is refused on the next call, as if nothing were kept. A write that sends
no signal (an SQL UPDATE of the account) is seen within TOKEN_KEPT_SECONDS. On PostgreSQL the
account is kept in the process, which those writes notify (portal.accounts_kept); elsewhere in
the cache, which they clear.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from portal.accounts_kept import accounts_changed, kept_here
from portal.scoping import SCOPE_GENERATION_KEY, scope_generation_note


def _kept_token_key(key: str) -> str:
    # The token itself never becomes a cache key: the key is its digest.
    return "auth:token:" + hashlib.sha256(key.encode()).hexdigest()[:40]


class KeptTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        seconds = settings.TOKEN_KEPT_SECONDS
        name = _kept_token_key(key)
        here = kept_here() if seconds else None
        if here is not None:
            # Kept pickled, as in the cache: each request gets objects of its own.
            pickled = here.get(name, seconds)
            if pickled is None:
                token = _token_read(key)
                here.put(name, pickle.dumps(token))
            else:
                token = pickle.loads(pickled)  # noqa: S301 - written by this process
            return _active(token)
        # The scope generation comes in the same round trip (portal.scoping).
        kept = cache.get_many([name, SCOPE_GENERATION_KEY]) if seconds else {}
        token = kept.get(name)
        if token is None:
            token = _token_read(key)
            if seconds:
                cache.set(name, token, timeout=seconds)
        scope_generation_note(token.user, kept.get(SCOPE_GENERATION_KEY))
        return _active(token)


def _token_read(key: str) -> Token:
    try:
        return Token.objects.select_related("user").defer("user__password").get(key=key)
    except Token.DoesNotExist as missing:
        raise exceptions.AuthenticationFailed(_("Invalid token.")) from missing


def _active(token: Token) -> tuple[Any, Token]:
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    return token.user, token


def token_forget(sender: Any, instance: Token, **kwargs: Any) -> None:
    """A token was deleted or replaced: its account is no longer kept for it."""
    cache.delete(_kept_token_key(instance.key))
    accounts_changed()


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
        accounts_changed()
