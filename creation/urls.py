from django.urls import path

from creation import views

app_name = "creation"

urlpatterns = [
    path("units/", views.unit_list_page, name="unit-list"),
    path("units/<int:pk>/", views.unit_home, name="unit-home"),
    path("province/", views.province_home, name="province-home"),
    path("office/", views.office_home, name="office-home"),
]
