from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.health import beat_check, broker_check, database_check


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness of the pieces the portal needs: 200 when all are healthy, 503 otherwise."""
    database_ok, database = database_check()
    broker_ok, broker = broker_check()
    beat_ok, beat = beat_check() if database_ok else (False, {"ok": False, "error": "database"})
    healthy = database_ok and broker_ok and beat_ok
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": database,
        "broker": broker,
        "beat": beat,
    }
    return JsonResponse(body, status=200 if healthy else 503)
