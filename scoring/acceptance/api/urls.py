from rest_framework.routers import DefaultRouter

from scoring.acceptance.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("veto-gauges", views.VetoGaugeViewSet, basename="veto-gauge")
router.register("veto-overrides", views.VetoOverrideViewSet, basename="veto-override")
router.register("creation-standards", views.CreationStandardViewSet, basename="creation-standard")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-reviews", views.IndicatorReviewViewSet, basename="indicator-review")
router.register(
    "acceptance-evaluations", views.AcceptanceEvaluationViewSet, basename="acceptance-evaluation"
)

urlpatterns = router.urls
