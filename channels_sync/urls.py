"""Channel sync screens (ops)."""

from django.urls import path

from channels_sync import views

app_name = "channels_sync_ui"

urlpatterns = [
    path("sync/", views.health, name="health"),
]
