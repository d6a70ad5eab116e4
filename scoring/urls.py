from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("units/<int:pk>/publicity/", views.unit_publicity, name="unit-publicity"),
    path("units/<int:pk>/publicity/claim/", views.claim_create, name="claim-create"),
    path("publicity/claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("publicity/claims/<int:pk>/scan/", views.claim_scan, name="claim-scan"),
    path("publicity/claims/<int:pk>/verify/", views.claim_verify, name="claim-verify"),
    path("publicity/claims/<int:pk>/reject/", views.claim_reject, name="claim-reject"),
    path("publicity/claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim-withdraw"),
    path("publicity/review/", views.review_queue, name="review-queue"),
    path("publicity/periods/", views.period_list_page, name="period-list"),
    path("publicity/periods/<int:pk>/", views.period_detail, name="period-detail"),
    path("publicity/periods/<int:pk>/close/", views.period_close, name="period-close"),
    path("publicity/periods/<int:pk>/reopen/", views.period_reopen, name="period-reopen"),
    path("publicity/periods/<int:pk>/publish/", views.period_publish, name="period-publish"),
    path("publicity/bulletins/<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path(
        "publicity/bulletins/<int:pk>/document/",
        views.bulletin_document,
        name="bulletin-document",
    ),
    path("publicity/outlets/", views.outlets, name="outlets"),
]
