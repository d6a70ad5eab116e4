"""The user's own writes show in their header at once (worklist.selectors.header_counts)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from worklist.selectors import open_tasks_forget

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class OpenTasksForgetMiddleware:
    """After a signed-in user's write (a form posted, an API change), their kept count of open
    tasks is forgotten, so that the page they land on counts what they just did."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method in WRITES and user is not None and user.is_authenticated:
            open_tasks_forget(user.pk)
        return response
