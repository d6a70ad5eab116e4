from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    # The unit's funds: money in, plans, execution, spending and the half-yearly report.
    path("units/<int:pk>/funds/", views.unit_funds, name="unit-funds"),
    path("units/<int:pk>/funds/central/new/", views.allocation_create, name="allocation-create"),
    path(
        "units/<int:pk>/funds/local/new/", views.local_funding_create, name="local-funding-create"
    ),
    path("units/<int:pk>/funds/plans/new/", views.plan_create, name="plan-create"),
    path("units/<int:pk>/funds/spending/", views.spending, name="spending"),
    path("units/<int:pk>/funds/spending/new/", views.expenditure_create, name="expenditure-create"),
    path("units/<int:pk>/funds/report/", views.unit_report, name="unit-report"),
    path("units/<int:pk>/funds/report/submit/", views.report_submit, name="report-submit"),
    path("funds/central/<int:pk>/edit/", views.allocation_edit, name="allocation-edit"),
    path("funds/local/<int:pk>/edit/", views.local_funding_edit, name="local-funding-edit"),
    # A plan, its versions and their review (R3.2).
    path("funds/plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("funds/plans/<int:pk>/revise/", views.plan_revise, name="plan-revise"),
    path("funds/versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("funds/versions/<int:pk>/rules/", views.rules_download, name="rules-download"),
    path("funds/versions/<int:pk>/lines/", views.lines_save, name="lines-save"),
    path("funds/versions/<int:pk>/lines/new/", views.line_create, name="line-create"),
    path("funds/versions/<int:pk>/submit/", views.version_submit, name="version-submit"),
    path("funds/versions/<int:pk>/decide/", views.version_decide, name="version-decide"),
    path("funds/versions/<int:pk>/file/", views.version_file, name="version-file"),
    path("funds/lines/<int:pk>/edit/", views.line_edit, name="line-edit"),
    path("funds/lines/<int:pk>/delete/", views.line_delete, name="line-delete"),
    path("funds/expenditures/<int:pk>/voucher/", views.voucher_download, name="voucher-download"),
    path(
        "funds/expenditures/<int:pk>/reverse/",
        views.expenditure_reverse,
        name="expenditure-reverse",
    ),
    # The province's review queue and the office's filing and execution page.
    path("funds/province/", views.province_plans, name="province-plans"),
    path("funds/office/", views.office_funds, name="office-funds"),
]
