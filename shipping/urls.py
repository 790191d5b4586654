"""Shipping pages: tracking history and label PDFs."""

from django.urls import path

from shipping import views

app_name = "shipping_ui"

urlpatterns = [
    path("track/<str:tracking_number>/", views.tracking, name="tracking"),
    path("labels/<str:tracking_number>.pdf", views.label_pdf, name="label_pdf"),
]
