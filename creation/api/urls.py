from rest_framework.routers import DefaultRouter

from creation.api.views import BatchViewSet, CreationUnitViewSet, ProgrammeViewSet, RegionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", RegionViewSet, basename="region")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("batches", BatchViewSet, basename="batch")
router.register("units", CreationUnitViewSet, basename="unit")

urlpatterns = router.urls
