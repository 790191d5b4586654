from common.api.routers import Router
from inventory.api import views

router = Router(trailing_slash=True)
router.register("products", views.ProductViewSet, basename="product")
router.register("stock/balances", views.BalanceViewSet, basename="balance")
router.register("stock/levels", views.StockLevelViewSet, basename="stock-level")
router.register("stock/movements", views.MovementViewSet, basename="movement")

urlpatterns = router.urls
