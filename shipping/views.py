"""Shipping pages: a shipment's tracking history (CS, ops) and its label PDF (warehouse, ops)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from common.access import CUSTOMER_DATA, WAREHOUSE, role_required
from shipping import selectors as shipping_selectors
from shipping.models import Shipment


def _shipment(tracking_number: str) -> Shipment:
    shipment = shipping_selectors.shipment_get_by_tracking(tracking_number)
    if shipment is None:
        raise Http404("No shipment with this tracking number.")
    return shipment


@role_required(CUSTOMER_DATA)
def tracking(request: HttpRequest, tracking_number: str) -> HttpResponse:
    shipment = _shipment(tracking_number)
    events = shipment.tracking_events.order_by("occurred_at", "id")
    return render(request, "shipping/tracking.html", {"shipment": shipment, "events": list(events)})


@role_required(WAREHOUSE)
def label_pdf(request: HttpRequest, tracking_number: str) -> HttpResponse:
    shipment = _shipment(tracking_number)
    response = HttpResponse(shipment.label_pdf_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="label-{shipment.tracking_number}.pdf"'
    return response
