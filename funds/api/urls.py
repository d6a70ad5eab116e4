from rest_framework.routers import DefaultRouter

from funds.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("fund-categories", views.FundCategoryViewSet, basename="fund-category")
router.register(
    "central-allocations", views.CentralAllocationViewSet, basename="central-allocation"
)
router.register("local-funds", views.LocalFundingViewSet, basename="local-funding")
router.register("fund-plans", views.FundPlanViewSet, basename="fund-plan")
router.register("fund-plan-versions", views.FundPlanVersionViewSet, basename="fund-plan-version")
router.register("budget-lines", views.BudgetLineViewSet, basename="budget-line")
router.register("expenditures", views.ExpenditureViewSet, basename="expenditure")
router.register("fund-execution", views.FundExecutionViewSet, basename="fund-execution")
router.register("fund-reports", views.FundReportViewSet, basename="fund-report")

urlpatterns = router.urls
