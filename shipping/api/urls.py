from django.urls import path

from common.api.routers import Router
from shipping.api import views

router = Router(trailing_slash=True)
router.register("carriers", views.CarrierViewSet, basename="carrier")
router.register("shipments", views.ShipmentViewSet, basename="shipment")
router.register("manifests", views.ManifestViewSet, basename="manifest")

urlpatterns = [
    path("shipping/rates/", views.RateShopApi.as_view(), name="rates"),
    path(
        "carrier-webhooks/<slug:carrier_code>/",
        views.CarrierWebhookApi.as_view(),
        name="carrier-webhook",
    ),
    *router.urls,
]
