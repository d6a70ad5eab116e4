from rest_framework.routers import DefaultRouter

from places.api import views as views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("art-teams", views.ArtTeamViewSet, basename="art-team")
router.register("events", views.CulturalEventViewSet, basename="event")
router.register("staff-counts", views.StaffCountViewSet, basename="staff-count")
router.register("training-courses", views.TrainingCourseViewSet, basename="training-course")
router.register("investments", views.InvestmentViewSet, basename="investment")
router.register("honours", views.HonourViewSet, basename="honour")
router.register("summary-texts", views.SummaryTextViewSet, basename="summary-text")

urlpatterns = router.urls
