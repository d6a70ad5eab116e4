from rest_framework.routers import DefaultRouter

from inspections.api import views as views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("rectifications", views.RectificationViewSet, basename="rectification")
router.register(
    "rectification-events", views.RectificationEventViewSet, basename="rectification-event"
)
router.register("feedback-letters", views.FeedbackLetterViewSet, basename="feedback-letter")
router.register("self-inspections", views.SelfInspectionViewSet, basename="self-inspection")

urlpatterns = router.urls
