"""How the portal names a person: by the name on record, the username only when there is none."""

from __future__ import annotations

from typing import Any


def person_name(user: Any) -> str:
    """The user's full name, else their username; "" for no user."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()
