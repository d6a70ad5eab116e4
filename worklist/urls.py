"""The site's home page, at the root and named `home` without a namespace: the user's work
queue (worklist.views.home)."""

from django.urls import path

from worklist import views

urlpatterns = [
    path("", views.home, name="home"),
]
