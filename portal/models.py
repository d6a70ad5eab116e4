from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic task ran end to end (beat scheduled it, a worker executed it)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen.isoformat()}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        # Notifications are personal: each user sees exactly their own.
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user. `key` makes sending idempotent: the same key is never
    delivered twice to the same person."""

    recipient = models.ForeignKey(
        "auth.User",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # Finding the notifications of a thing that is done, by the start of their key
            # (`notifications_done`); the pattern class lets PostgreSQL use it for LIKE 'x%'.
            models.Index(
                fields=["key"], name="notification_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.title
