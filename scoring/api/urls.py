from rest_framework.routers import DefaultRouter

from scoring.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("media-outlets", views.MediaOutletViewSet, basename="media-outlet")
router.register("adoption-claims", views.AdoptionClaimViewSet, basename="adoption-claim")
router.register("scoring-periods", views.ScoringPeriodViewSet, basename="scoring-period")
router.register("period-scores", views.PeriodScoreViewSet, basename="period-score")
router.register("bulletins", views.BulletinViewSet, basename="bulletin")

urlpatterns = router.urls
