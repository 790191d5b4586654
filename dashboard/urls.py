from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/holds/<int:hold_id>/release/", views.release_hold, name="release_hold"),
    path(
        "exceptions/holds/<int:hold_id>/late-cancel/",
        views.resolve_late_cancel,
        name="resolve_late_cancel",
    ),
    path(
        "exceptions/orders/<int:order_id>/return-to-stock/",
        views.return_to_stock,
        name="return_to_stock",
    ),
    path("exceptions/orders/<int:order_id>/reroute/", views.reroute, name="reroute"),
    path("exceptions/sync/<int:message_id>/retry/", views.retry_sync, name="retry_sync"),
    path("exceptions/counts/<int:count_id>/", views.approve_count, name="approve_count"),
    path("lots/", views.lots, name="lots"),
    path("lots/hold/", views.lot_hold_place, name="lot_hold_place"),
    path("lots/holds/<int:hold_id>/release/", views.lot_hold_release, name="lot_hold_release"),
]
