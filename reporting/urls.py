from django.urls import path

from reporting import views
from reporting.views import documents as document_views

app_name = "reporting"

urlpatterns = [
    path("units/<int:pk>/reports/", views.unit_calendar, name="unit-calendar"),
    path("units/<int:pk>/reports/feed/", views.calendar_feed, name="calendar-feed"),
    # pk is the obligation's: a report is written for an obligation, before it exists itself
    path("reports/<int:pk>/", views.submission_edit, name="submission-edit"),
    path("reports/attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path(
        "reports/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path("reports/review/", views.review_queue_page, name="review-queue"),
    path("reports/province/", views.province_reports, name="province-reports"),
    path("reports/feed/<str:token>.ics", views.calendar_ics, name="calendar-ics"),
    # generated documents (reporting.documents)
    path("documents/", document_views.document_job_list, name="document-job-list"),
    path("documents/<int:pk>/", document_views.document_job_detail, name="document-job"),
    path(
        "documents/<int:pk>/status/",
        document_views.document_job_status,
        name="document-job-status",
    ),
    path(
        "documents/<int:pk>/download/",
        document_views.document_job_download,
        name="document-job-download",
    ),
]
