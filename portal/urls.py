from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.views import healthz, notification_list

# The status of units first: the most frequent call of API clients, resolved without trying
# every route before it.
api_v1 = [
    path("", include("dashboard.api.urls")),
    path("", include("creation.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("funds.api.urls")),
    path("", include("places.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("scoring.acceptance.api.urls")),
    path("", include("inspections.api.urls")),
]

handler500 = "portal.views.server_error"  # a lost database answers 503 (portal.middleware)
# Under /api/, the API's error body (portal.exceptions) rather than the HTML pages.
handler404 = "portal.views.page_not_found"
handler400 = "portal.views.bad_request"

urlpatterns = [
    # The API first: its calls are resolved past one prefix, and pages pay one failed match.
    path("api/v1/", include((api_v1, "api"))),
    path("", include("worklist.urls")),
    path("", include("creation.urls")),
    path("", include("reporting.urls")),
    path("", include("funds.urls")),
    path("", include("scoring.urls")),
    path("", include("places.urls")),
    path("", include("scoring.acceptance.urls")),
    path("", include("inspections.urls")),
    path("", include("dashboard.urls")),
    path("healthz", healthz, name="healthz"),
    path("notifications/", notification_list, name="notifications"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
