from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from portal.models import Heartbeat, Notification
from portal.page_cache import user_pages_stale

BEAT_HEARTBEAT = "beat"


def heartbeat_record(*, name: str = BEAT_HEARTBEAT, at: datetime | None = None) -> Heartbeat:
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": at or timezone.now()}
    )
    return heartbeat


def notification_send(
    *, recipients: list, title: str, body: str = "", link: str = "", key: str
) -> int:
    """Deliver an in-app notification to each recipient once per key; returns how many were new."""
    rows = [
        Notification(recipient=user, title=title, body=body, link=link, key=key)
        for user in {user.pk: user for user in recipients}.values()
    ]
    before = Notification.objects.filter(key=key).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    user_pages_stale(row.recipient_id for row in rows)
    return Notification.objects.filter(key=key).count() - before


@dataclass(frozen=True)
class OutgoingNotification:
    """One in-app message for some recipients, as `notification_send` takes it."""

    recipients: list
    title: str
    key: str
    body: str = ""
    link: str = ""


def notifications_send(*, notifications: Iterable[OutgoingNotification]) -> None:
    """`notification_send` for many messages in one INSERT: each recipient gets each key once."""
    rows = [
        Notification(recipient=user, title=sent.title, body=sent.body, link=sent.link, key=sent.key)
        for sent in notifications
        for user in {user.pk: user for user in sent.recipients}.values()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    user_pages_stale(row.recipient_id for row in rows)


def notification_mark_read(*, notification_ids: list[int], user) -> int:
    marked = (
        Notification.objects.visible_to(user)
        .filter(pk__in=notification_ids, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if marked:
        user_pages_stale([user.pk])
    return marked


def notifications_done(
    *, key_prefixes: Iterable[str], recipient=None, now: datetime | None = None
) -> int:
    """Mark read every unread notification whose key starts with one of `key_prefixes` (only
    `recipient`'s, when given): what it announced is done (the report was submitted, the plan
    decided), so it is no longer new. One UPDATE; a prefix names a thing up to a separator
    (`reminder-12-`, never `reminder-12`, which would also match `reminder-123-`)."""
    condition = Q()
    for prefix in key_prefixes:
        condition |= Q(key__startswith=prefix)
    if not condition:
        return 0
    notifications = Notification.objects.unread().filter(condition)
    if recipient is not None:
        notifications = notifications.filter(recipient=recipient)
    # The pages of their recipients count them (a QuerySet.update sends no signal).
    user_pages_stale(
        [recipient.pk]
        if recipient is not None
        else set(notifications.values_list("recipient_id", flat=True))
    )
    return notifications.update(read_at=now or timezone.now())
