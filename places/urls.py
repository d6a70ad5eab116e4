"""Pages of the records of a creating place (§7) and of its summary report."""

from django.urls import path

from places import views
from places.kinds import RECORD_KINDS

app_name = "place"

urlpatterns = [
    path("units/<int:pk>/records/", views.records, name="records"),
    path("units/<int:pk>/records/import/", views.records_import, name="records-import"),
    path("units/<int:pk>/records/export/", views.records_export, name="records-export"),
    path("units/<int:pk>/records/template/", views.records_template, name="records-template"),
    path("units/<int:pk>/summary-report/", views.summary_report, name="summary-report"),
    path(
        "units/<int:pk>/summary-report/text/",
        views.summary_text_edit,
        name="summary-text",
    ),
    path(
        "units/<int:pk>/summary-report/request/",
        views.summary_report_request,
        name="summary-report-request",
    ),
]
for _kind in RECORD_KINDS:
    urlpatterns += [
        path(
            f"units/<int:pk>/records/{_kind.section}/new/",
            views.record_create(_kind),
            name=f"{_kind.name}-create",
        ),
        path(
            f"records/{_kind.section}/<int:pk>/edit/",
            views.record_edit(_kind),
            name=f"{_kind.name}-edit",
        ),
        path(
            f"records/{_kind.section}/<int:pk>/delete/",
            views.record_delete(_kind),
            name=f"{_kind.name}-delete",
        ),
    ]
