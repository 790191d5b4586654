from django.urls import path

from common.api.routers import Router
from orders.api import views

router = Router(trailing_slash=True)
router.register("orders", views.OrderViewSet, basename="order")
router.register("reservations", views.ReservationViewSet, basename="reservation")
router.register(
    "fulfillment-requests", views.FulfillmentRequestViewSet, basename="fulfillment-request"
)
router.register("returns", views.ReturnViewSet, basename="return")

urlpatterns = [
    path("ats/", views.AvailableToSellApi.as_view(), name="ats"),
    *router.urls,
]
