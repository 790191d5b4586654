"""Customer notification screens (ops)."""

from django.urls import path

from notifications import views

app_name = "notifications_ui"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:notification_id>/", views.message_detail, name="detail"),
    path("<int:notification_id>/resend/", views.resend, name="resend"),
    path("<int:notification_id>/mark-sent/", views.mark_sent, name="mark_sent"),
]
