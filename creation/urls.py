from django.urls import path

from creation.views import leadership, units

app_name = "creation"

urlpatterns = [
    path("units/", units.unit_list_page, name="unit-list"),
    path("units/<int:pk>/", units.unit_home, name="unit-home"),
    path("province/", units.province_home, name="province-home"),
    path("office/", units.office_home, name="office-home"),
    # R1 leadership and R2 liaison of a unit
    path("units/<int:pk>/leadership/", leadership.unit_leadership, name="unit-leadership"),
    path("units/<int:pk>/leadership/group/", leadership.group_edit, name="group-edit"),
    path(
        "units/<int:pk>/leadership/members/new/",
        leadership.member_create,
        name="member-create",
    ),
    path("members/<int:pk>/edit/", leadership.member_edit, name="member-edit"),
    path("members/<int:pk>/delete/", leadership.member_delete, name="member-delete"),
    path("units/<int:pk>/leadership/office/", leadership.office_edit, name="office-edit"),
    path(
        "units/<int:pk>/leadership/office/staff/new/",
        leadership.staff_create,
        name="staff-create",
    ),
    path("office-staff/<int:pk>/edit/", leadership.staff_edit, name="staff-edit"),
    path("office-staff/<int:pk>/delete/", leadership.staff_delete, name="staff-delete"),
    path("units/<int:pk>/meetings/", leadership.meeting_list, name="meeting-list"),
    path("units/<int:pk>/meetings/new/", leadership.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/edit/", leadership.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/delete/", leadership.meeting_delete, name="meeting-delete"),
    path("meetings/<int:pk>/minutes/", leadership.meeting_minutes, name="meeting-minutes"),
    path(
        "units/<int:pk>/liaison/appoint/",
        leadership.liaison_appoint,
        name="liaison-appoint",
    ),
    path("liaisons/<int:pk>/edit/", leadership.liaison_edit, name="liaison-edit"),
    path("liaisons/<int:pk>/end/", leadership.liaison_end, name="liaison-end"),
    # R2.2 liaison meetings of the office
    path(
        "liaison-meetings/",
        leadership.liaison_meeting_list_page,
        name="liaison-meeting-list",
    ),
    path(
        "liaison-meetings/new/",
        leadership.liaison_meeting_create,
        name="liaison-meeting-create",
    ),
    path(
        "liaison-meetings/<int:pk>/",
        leadership.liaison_meeting_detail,
        name="liaison-meeting-detail",
    ),
    path(
        "liaison-meetings/<int:pk>/minutes/",
        leadership.liaison_meeting_minutes,
        name="liaison-meeting-minutes",
    ),
]
