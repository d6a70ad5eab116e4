from rest_framework.routers import DefaultRouter

from reporting.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("obligations", views.ObligationViewSet, basename="obligation")
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register(
    "submission-attachments", views.SubmissionAttachmentViewSet, basename="submission-attachment"
)
router.register("document-jobs", views.DocumentJobViewSet, basename="document-job")

urlpatterns = router.urls
