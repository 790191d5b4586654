from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from audit import views as audit_views
from common import views as common_views

api_v1 = [
    path("", include(("inventory.api.urls", "inventory"), namespace="inventory")),
    path("", include(("orders.api.urls", "orders"), namespace="orders")),
    path("", include(("warehouse.api.urls", "warehouse"), namespace="warehouse")),
    path("", include(("shipping.api.urls", "shipping"), namespace="shipping")),
    path("", include(("channels_sync.api.urls", "channels_sync"), namespace="channels_sync")),
]

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("accounts/login/", audit_views.ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/login/", audit_views.admin_login, name="admin-login"),  # sign-in limit
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include(api_v1)),
    path("orders/", include("orders.urls")),
    path("warehouse/", include("warehouse.urls")),
    path("channels/", include("channels_sync.urls")),
    path("shipping/", include("shipping.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("notifications/", include("notifications.urls")),
]

# JSON errors under /api/ even when no URL pattern matched (audit/views.py).
handler404 = "audit.views.not_found"
handler500 = "audit.views.server_error"
