from datetime import datetime

from django.utils import timezone

from portal.models import Heartbeat

BEAT_HEARTBEAT = "beat"


def heartbeat_record(*, name: str = BEAT_HEARTBEAT, at: datetime | None = None) -> Heartbeat:
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": at or timezone.now()}
    )
    return heartbeat
