"""The home page: the signed-in user's work queue. Thin: the queue is worklist.selectors'."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from creation.models import RoleAssignment
from creation.scope import user_scope
from worklist.selectors import work_queue

Role = RoleAssignment.Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    query = request.GET.get("q", "").strip()
    groups = work_queue(user=request.user, query=query)
    reviewer = scope.everything or bool(
        scope.roles & {Role.OFFICE_REVIEWER, Role.PROVINCIAL_REVIEWER}
    )
    open_count = sum(group.count for group in groups)
    context = {
        "groups": groups,
        "busy": [group for group in groups if group.count],
        "done": [group for group in groups if not group.count],
        "open_count": open_count,
        "query": query,
        # Reviewers search their queue by unit; a unit's staff see their own unit's few tasks.
        "searchable": reviewer,
    }
    return render(request, "worklist/home.html", context)
