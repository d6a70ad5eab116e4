"""The one point where portal's building blocks learn a user's scope without importing the app
that owns roles. Portal sits below every domain app, yet the read-only rule for API clients
(portal.permissions) and the ETags of API answers (portal.conditional) depend on what a user may
see. The app that keeps roles registers its `user_scope` here from its `AppConfig.ready()`
(`creation.apps.CreationConfig`); portal asks through `user_scope` below.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class Scope(Protocol):
    """What portal reads of a user's scope. Its attributes (`vars(scope)`) together say what the
    user may see, so an answer's ETag covers all of them (portal.conditional)."""

    @property
    def read_only(self) -> bool:
        """An account that may only read (API clients)."""
        ...

    @property
    def everything(self) -> bool:
        """An account that sees every row (superusers)."""
        ...

    def generation_names(self) -> frozenset[str]:
        """The generations (portal.cache) of what the scope holds: a write that changes none of
        them changes nothing the user may see of the units."""
        ...


ScopeProvider = Callable[[Any], Scope]

_provider: ScopeProvider | None = None


def scope_provider_register(provider: ScopeProvider) -> None:
    """Make `provider(user)` the scope of a user for portal (registering again replaces it:
    ready() may run twice in tests)."""
    global _provider
    _provider = provider


def user_scope(user: Any) -> Scope:
    """The scope of `user`, as the registered provider reads it."""
    if _provider is None:
        raise ImproperlyConfigured(
            "No scope provider is registered: the app that owns roles (creation) registers one "
            "with portal.scoping.scope_provider_register() in its AppConfig.ready()."
        )
    return _provider(user)


# The generation of every user's scope, in the cache: the app that keeps roles changes it when a
# role, or what a role names, is written, and keeps what it reads of roles under it. A request
# that reads the cache for its user anyway (an API token's account) reads it in the same round
# trip and notes it on the user (`scope_generation_note`).
SCOPE_GENERATION_KEY = "derived:scope-generation"
_GENERATION_ATTRIBUTE = "_portal_scope_generation"


def scope_generation_note(user: Any, generation: str | None) -> None:
    if generation is not None:
        setattr(user, _GENERATION_ATTRIBUTE, generation)


def scope_generation_of(user: Any) -> str | None:
    """The scope generation read for this request with the user, if it was."""
    return getattr(user, _GENERATION_ATTRIBUTE, None)


def scope_text(user: Any) -> str:
    """The user's scope written out, the same for the same scope in every process: what a key
    of an answer that depends on the scope holds (portal.conditional's ETags, the header's kept
    count of open tasks)."""
    return _written_out(user_scope(user))


# A request writes its user's scope out several times (the ETag, the statements and stored
# answers keyed by it); scopes are immutable and few.
@functools.lru_cache(maxsize=1024)
def _written_out(scope: Scope) -> str:
    return repr(
        {
            name: sorted(value, key=str) if isinstance(value, frozenset) else value
            for name, value in sorted(vars(scope).items())
        }
    )
