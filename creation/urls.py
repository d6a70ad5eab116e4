from django.urls import path

from creation.views import leadership as leadership_views
from creation.views import units as views

app_name = "creation"

urlpatterns = [
    path("units/", views.unit_list_page, name="unit-list"),
    path("units/<int:pk>/", views.unit_home, name="unit-home"),
    path("province/", views.province_home, name="province-home"),
    path("office/", views.office_home, name="office-home"),
    # R1 leadership and R2 liaison of a unit
    path("units/<int:pk>/leadership/", leadership_views.unit_leadership, name="unit-leadership"),
    path("units/<int:pk>/leadership/group/", leadership_views.group_edit, name="group-edit"),
    path(
        "units/<int:pk>/leadership/members/new/",
        leadership_views.member_create,
        name="member-create",
    ),
    path("members/<int:pk>/edit/", leadership_views.member_edit, name="member-edit"),
    path("members/<int:pk>/delete/", leadership_views.member_delete, name="member-delete"),
    path("units/<int:pk>/leadership/office/", leadership_views.office_edit, name="office-edit"),
    path(
        "units/<int:pk>/leadership/office/staff/new/",
        leadership_views.staff_create,
        name="staff-create",
    ),
    path("office-staff/<int:pk>/edit/", leadership_views.staff_edit, name="staff-edit"),
    path("office-staff/<int:pk>/delete/", leadership_views.staff_delete, name="staff-delete"),
    path("units/<int:pk>/meetings/", leadership_views.meeting_list, name="meeting-list"),
    path("units/<int:pk>/meetings/new/", leadership_views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/edit/", leadership_views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/delete/", leadership_views.meeting_delete, name="meeting-delete"),
    path("meetings/<int:pk>/minutes/", leadership_views.meeting_minutes, name="meeting-minutes"),
    path(
        "units/<int:pk>/liaison/appoint/",
        leadership_views.liaison_appoint,
        name="liaison-appoint",
    ),
    path("liaisons/<int:pk>/edit/", leadership_views.liaison_edit, name="liaison-edit"),
    path("liaisons/<int:pk>/end/", leadership_views.liaison_end, name="liaison-end"),
    # R2.2 liaison meetings of the office
    path(
        "liaison-meetings/",
        leadership_views.liaison_meeting_list_page,
        name="liaison-meeting-list",
    ),
    path(
        "liaison-meetings/new/",
        leadership_views.liaison_meeting_create,
        name="liaison-meeting-create",
    ),
    path(
        "liaison-meetings/<int:pk>/",
        leadership_views.liaison_meeting_detail,
        name="liaison-meeting-detail",
    ),
    path(
        "liaison-meetings/<int:pk>/minutes/",
        leadership_views.liaison_meeting_minutes,
        name="liaison-meeting-minutes",
    ),
]
