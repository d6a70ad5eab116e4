"""The site's home page, at the root and named `home` without a namespace: it sends each user to
the page their roles open (creation.views.units.home)."""

from django.urls import path

from creation.views import units

urlpatterns = [
    path("", units.home, name="home"),
]
