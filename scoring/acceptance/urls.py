from django.urls import path

from scoring.acceptance import views

app_name = "acceptance"

urlpatterns = [
    # The unit's veto gauge (R6.6), indicator reviews and acceptance (§8, R6.5).
    path("units/<int:pk>/veto-gauge/", views.unit_gauge, name="unit-gauge"),
    path("units/<int:pk>/veto-gauge/override/", views.override_create, name="override-create"),
    path("units/<int:pk>/indicator-reviews/new/", views.review_create, name="review-create"),
    path("units/<int:pk>/acceptance/run/", views.acceptance_run, name="acceptance-run"),
    path("indicator-reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("acceptance/<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("acceptance/<int:pk>/decide/", views.evaluation_decide, name="evaluation-decide"),
    # The office's and the province's list of gauges; the creation standards.
    path("veto-gauges/", views.gauge_list_page, name="gauge-list"),
    path("standards/", views.standard_list_page, name="standard-list"),
]
