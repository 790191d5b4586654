"""Inbound webhook endpoint: the signature is the authentication (no session, no token)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from channels_sync import selectors
from channels_sync.exceptions import ChannelNotFound
from channels_sync.services import inbound_webhook_ingest
from common.api.serializers import error_responses


class WebhookResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["captured", "duplicate_order", "updated", "deferred", "stale", "received", "ping"],
        help_text=(
            "captured: the order was created; duplicate_order: a create for an order we have; "
            "updated: the update was applied (or found older than the one applied: "
            "nothing changed); deferred: an update for an order not created yet, kept and "
            "applied when its create arrives; stale: superseded by a newer update; received: "
            "stored only (Shopify orders/edited: the orders/updated sent with it carries the "
            "edited order); ping: WooCommerce's webhook test"
        ),
    )
    event_id = serializers.IntegerField(allow_null=True)
    order_id = serializers.IntegerField(allow_null=True)
    duplicate_delivery = serializers.BooleanField()


class WebhookIngestApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        operation_id="channel_webhook_ingest",
        summary="Receive an order webhook from a Shopify- or WooCommerce-style shop",
        description=(
            "The raw body must be signed with the channel's webhook secret: base64 HMAC-SHA256 "
            "in `X-Shopify-Hmac-Sha256` (Shopify-style) or `X-WC-Webhook-Signature` "
            "(WooCommerce-style). Topics (`X-Shopify-Topic` / `X-WC-Webhook-Topic`): "
            "`orders/create` and `order.created` create the order; `orders/updated`, "
            "`orders/paid`, `orders/cancelled`, `orders/fulfilled`, `order.updated` update it, "
            "in the order of the document's own `updated_at` / `date_modified_gmt` (an older "
            "or repeated state changes nothing; an update before its create is kept and "
            "applied when the order exists); `orders/edited` is stored. Idempotent: Shopify "
            "deliveries on `X-Shopify-Event-Id`, WooCommerce deliveries on topic + order id + "
            "`date_modified_gmt`; the order itself on (channel, order id)."
        ),
        request={"application/json": {"type": "object", "description": "The channel's order JSON"}},
        parameters=[
            OpenApiParameter("X-Shopify-Hmac-Sha256", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter("X-Shopify-Event-Id", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter("X-Shopify-Topic", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter("X-WC-Webhook-Topic", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter(
                "X-WC-Webhook-Signature", str, OpenApiParameter.HEADER, required=False
            ),
        ],
        responses={
            200: OpenApiResponse(WebhookResultSerializer, description="Stored (and captured)"),
            **error_responses(400, 401, 404, 409),
        },
        auth=[],
    )
    def post(self, request, channel_code: str) -> Response:  # type: ignore[no-untyped-def]
        channel = selectors.channel_get_by_code(code=channel_code)
        if channel is None:
            raise ChannelNotFound(f"No active channel {channel_code!r}.")
        result = inbound_webhook_ingest(
            channel=channel, headers=dict(request.headers), body=request.body
        )
        return Response(
            WebhookResultSerializer(
                {
                    "status": result.status,
                    "event_id": result.event_id,
                    "order_id": result.order_id,
                    "duplicate_delivery": result.duplicate_delivery,
                }
            ).data
        )
