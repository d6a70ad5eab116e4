"""Pages of supervision (R4): inspections, findings, rectification, feedback letters and
self-inspections."""

from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    # R4.1 the office's plan and its inspections
    path("inspections/plan/", views.plan, name="plan"),
    path("inspections/", views.inspection_list_page, name="inspection-list"),
    path("inspections/letters/", views.letter_list_page, name="letter-list"),
    path("units/<int:pk>/inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection-edit"),
    path("inspections/<int:pk>/start/", views.inspection_start, name="inspection-start"),
    path("inspections/<int:pk>/complete/", views.inspection_complete, name="inspection-complete"),
    path("inspections/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("inspections/<int:pk>/findings/new/", views.finding_create, name="finding-create"),
    path("inspections/<int:pk>/letter/", views.letter, name="letter"),
    path("inspections/<int:pk>/letter/document/", views.letter_document, name="letter-document"),
    path("findings/evidence/<int:pk>/", views.finding_evidence, name="finding-evidence"),
    # Rectification items and their history
    path("rectifications/checks/", views.rectification_queue, name="rectification-queue"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification-detail"),
    path("rectifications/<int:pk>/start/", views.rectification_start, name="rectification-start"),
    path(
        "rectifications/<int:pk>/submit/",
        views.rectification_submit,
        name="rectification-submit",
    ),
    path(
        "rectifications/<int:pk>/verify/",
        views.rectification_verify,
        name="rectification-verify",
    ),
    path(
        "rectifications/<int:pk>/reopen/",
        views.rectification_reopen,
        name="rectification-reopen",
    ),
    path(
        "rectifications/evidence/<int:pk>/",
        views.rectification_evidence,
        name="rectification-evidence",
    ),
    path("units/<int:pk>/rectifications/", views.unit_rectifications, name="unit-rectifications"),
    # R4.2 self-inspections
    path(
        "units/<int:pk>/self-inspections/",
        views.unit_self_inspections,
        name="unit-self-inspections",
    ),
    path(
        "self-inspections/obligations/<int:pk>/",
        views.self_inspection_edit,
        name="self-inspection-edit",
    ),
    path("self-inspections/<int:pk>/", views.self_inspection_detail, name="self-inspection-detail"),
    path(
        "self-inspections/<int:pk>/submit/",
        views.self_inspection_submit,
        name="self-inspection-submit",
    ),
    path(
        "self-inspections/<int:pk>/compare/",
        views.self_inspection_compare,
        name="self-inspection-compare",
    ),
    path(
        "province/self-inspections/",
        views.province_self_inspections_page,
        name="province-self-inspections",
    ),
]
