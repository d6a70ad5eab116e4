from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from portal.models import Heartbeat, Notification

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


def notification_mark_read(*, notification_ids: list[int], user) -> int:
    return (
        Notification.objects.visible_to(user)
        .filter(pk__in=notification_ids, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
