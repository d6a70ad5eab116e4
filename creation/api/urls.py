from rest_framework.routers import DefaultRouter

from creation.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("batches", views.BatchViewSet, basename="batch")
router.register("units", views.CreationUnitViewSet, basename="unit")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("leadership-groups", views.LeadershipGroupViewSet, basename="leadership-group")
router.register("group-members", views.GroupMemberViewSet, basename="group-member")
router.register("group-offices", views.GroupOfficeViewSet, basename="group-office")
router.register("office-staff", views.OfficeStaffViewSet, basename="office-staff")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("liaisons", views.LiaisonViewSet, basename="liaison")
router.register("liaison-meetings", views.LiaisonMeetingViewSet, basename="liaison-meeting")

urlpatterns = router.urls
