"""The write of the private calendar links. reporting/services.py has no service for
CalendarFeed yet; this one follows its conventions and can move there as it is."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from creation.models import CreationUnit
from creation.scope import user_scope
from reporting.models import CalendarFeed, new_feed_token


@transaction.atomic
def calendar_feed_replace(*, user: Any, unit: CreationUnit) -> CalendarFeed:
    """Create the user's private iCalendar link to the unit's deadlines, or give it a new token;
    the old link stops working at once."""
    if user_scope(user).read_only or not (
        CreationUnit.objects.visible_to(user).filter(pk=unit.pk).exists()
    ):
        raise PermissionDenied(_("You cannot follow this unit's deadlines."))
    feed = CalendarFeed.objects.select_for_update().filter(owner=user, unit=unit).first()
    if feed is None:
        feed = CalendarFeed(owner=user, unit=unit)
    else:
        feed.token = new_feed_token()
    feed.full_clean()
    feed.save()
    return feed
