from celery import shared_task

from portal.services import heartbeat_record


@shared_task(ignore_result=False)
def heartbeat_task() -> str:
    return heartbeat_record().last_seen.isoformat()
