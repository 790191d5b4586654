from django.urls import path

from channels_sync.api import views
from channels_sync.webhooks import WebhookIngestApi
from common.api.routers import Router

router = Router(trailing_slash=True)

urlpatterns = [
    path(
        "channel-webhooks/<slug:channel_code>/",
        WebhookIngestApi.as_view(),
        name="channel-webhook",
    ),
    path("channels/sync-health/", views.SyncHealthListApi.as_view(), name="sync-health-list"),
    path(
        "channels/<slug:channel_code>/sync-health/",
        views.SyncHealthDetailApi.as_view(),
        name="sync-health-detail",
    ),
    path(
        "outbox-messages/<int:message_id>/retry/",
        views.OutboxMessageRetryApi.as_view(),
        name="outbox-message-retry",
    ),
    *router.urls,
]
