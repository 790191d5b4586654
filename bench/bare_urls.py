"""The bare Django reference for order ingestion: parse JSON, then in ONE transaction reserve
stock per line (inventory.services.commitment_create, the same race-free conditional UPDATE)
and insert the order and its lines. No DRF, no validation, no holds, routing, timeline, outbox
or idempotency: the floor under which the real endpoint cannot go on the same stack."""

from __future__ import annotations

import json
import secrets

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from common.types import Actor
from inventory.exceptions import InsufficientStock
from inventory.services import commitment_create
from orders.models import Order, OrderLine

ACTOR = Actor.system("bare")


@csrf_exempt
def bare_order(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                channel_id=body["channel_id"],
                external_id=body["external_id"],
                number="B" + secrets.token_hex(8),
                status="allocated",
                customer_email=body["customer"]["email"],
                customer_name=body["customer"]["name"],
                shipping_address=body["shipping_address"],
                placed_at=timezone.now(),
            )
            lines = []
            for n, line in enumerate(body["lines"], start=1):
                commitment_create(
                    product_id=line["product_id"],
                    warehouse_id=body["warehouse_id"],
                    quantity=line["quantity"],
                    document_type="bare_order",
                    document_ref=order.number,
                    actor=ACTOR,
                )
                lines.append(
                    OrderLine(
                        order=order,
                        line_number=n,
                        sku=line["sku"],
                        product_id=line["product_id"],
                        unit_price=line["unit_price"],
                        quantity=line["quantity"],
                        quantity_allocated=line["quantity"],
                    )
                )
            OrderLine.objects.bulk_create(lines)
    except InsufficientStock as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    return JsonResponse({"number": order.number}, status=201)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bare/orders/", bare_order), path("healthz", healthz)]
