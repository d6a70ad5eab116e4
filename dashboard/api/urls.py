from django.urls import path

from dashboard.api import views

status = views.UnitStatusViewSet

urlpatterns = [
    # Beside the unit routes of creation.api.urls, without touching its router.
    path("units/<int:pk>/status/", status.as_view({"get": "retrieve"}), name="unit-status"),
    path("status/", status.as_view({"get": "list"}), name="unit-status-list"),
]
