"""A ceiling on API requests per user (or per address, before sign-in), so that one runaway
client cannot take the server from everyone else. Beyond it the API answers 429 with
Retry-After. The rate is read from the settings on each request (API_THROTTLE_RATE, e.g.
"600/minute"; None turns it off), so that it can change without touching the class."""

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class ApiRateThrottle(UserRateThrottle):
    scope = "api"

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATE
