from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.office_dashboard, name="office"),
    path("dashboard/province/", views.province_dashboard, name="province"),
]
