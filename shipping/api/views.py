from __future__ import annotations

from dataclasses import asdict

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.pagination import CreatedCursorPagination
from common.api.permissions import IsAnyStaffRole, IsWarehouseRole
from common.api.serializers import error_responses
from common.types import Actor
from shipping import selectors, services
from shipping.api.serializers import (
    CarrierSerializer,
    ManifestCreateInputSerializer,
    ManifestSerializer,
    RateShopInputSerializer,
    RateShopResultSerializer,
    ShipmentCreateInputSerializer,
    ShipmentSerializer,
    WebhookAckSerializer,
)
from shipping.filters import ManifestFilterSet, ShipmentFilterSet
from shipping.models import Carrier, Manifest, Shipment

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf")
TEXT = OpenApiResponse(OpenApiTypes.STR, description="text")


def _file(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@extend_schema(tags=["shipping"])
class CarrierViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Carriers and their service levels (transit days, cost model)."""

    queryset = Carrier.objects.prefetch_related("services").order_by("code")
    serializer_class = CarrierSerializer
    permission_classes = [IsAnyStaffRole]

    @extend_schema(responses={200: CarrierSerializer(many=True), **error_responses(401, 403)})
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["shipping"])
class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Shipments with packages and tracking; labels as 4×6 PDF or ZPL; commands."""

    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilterSet
    pagination_class = CreatedCursorPagination
    permission_classes = [IsAnyStaffRole]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.shipment_list_for_api()

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action in {"create", "mark_shipped", "void", "track"}:
            return [IsWarehouseRole()]
        return super().get_permissions()

    @extend_schema(responses={200: ShipmentSerializer(many=True), **error_responses(400, 401, 403)})
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ShipmentSerializer, **error_responses(401, 403, 404)})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Rate-shop, buy a label and record the shipment",
        request=ShipmentCreateInputSerializer,
        responses={201: ShipmentSerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request) -> Response:
        data = ShipmentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.shipment_create_with_label(
            actor=Actor.for_user(request.user), **data.validated_data
        )
        return Response(
            ShipmentSerializer(
                selectors.shipment_list_for_api().get(pk=shipment.pk), context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )

    def _command_result(self, request: Request, shipment_id: int) -> Response:
        fresh = selectors.shipment_list_for_api().get(pk=shipment_id)
        return Response(ShipmentSerializer(fresh, context={"request": request}).data)

    @extend_schema(
        summary="Handed to the carrier (label_purchased → shipped)",
        request=None,
        responses={200: ShipmentSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="mark-shipped")
    def mark_shipped(self, request: Request, pk: str) -> Response:
        shipment = services.shipment_mark_shipped(
            shipment_id=int(pk), actor=Actor.for_user(request.user)
        )
        return self._command_result(request, shipment.pk)

    @extend_schema(
        summary="Refund an unused label",
        request=None,
        responses={200: ShipmentSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        shipment = services.shipment_void(shipment_id=int(pk), actor=Actor.for_user(request.user))
        return self._command_result(request, shipment.pk)

    @extend_schema(
        summary="Poll the carrier for tracking now",
        request=None,
        responses={200: ShipmentSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def track(self, request: Request, pk: str) -> Response:
        services.tracking_poll_shipment(shipment_id=int(pk), actor=Actor.for_user(request.user))
        return self._command_result(request, int(pk))

    @extend_schema(
        summary="The 4×6 label as PDF", responses={200: PDF, **error_responses(401, 403, 404)}
    )
    @action(detail=True, methods=["get"], url_path="label-pdf")
    def label_pdf(self, request: Request, pk: str) -> HttpResponse:
        shipment = self.get_object()
        full = Shipment.objects.only("label_pdf", "tracking_number").get(pk=shipment.pk)
        return _file(full.label_pdf_bytes(), "application/pdf", f"label-{full.tracking_number}.pdf")

    @extend_schema(
        summary="The 4×6 label as ZPL", responses={200: TEXT, **error_responses(401, 403, 404)}
    )
    @action(detail=True, methods=["get"], url_path="label-zpl")
    def label_zpl(self, request: Request, pk: str) -> HttpResponse:
        shipment = self.get_object()
        full = Shipment.objects.only("label_zpl", "tracking_number").get(pk=shipment.pk)
        return _file(
            full.label_zpl, "application/zpl; charset=utf-8", f"label-{full.tracking_number}.zpl"
        )


def _quote_dict(quote, deliver_by) -> dict:  # type: ignore[no-untyped-def]
    data = asdict(quote)
    data["meets_promise"] = deliver_by is None or quote.delivery_date <= deliver_by
    return data


@extend_schema(tags=["shipping"])
class RateShopApi(APIView):
    """Quote every active carrier service; `chosen` is the cheapest that meets the promise."""

    permission_classes = [IsAnyStaffRole]

    @extend_schema(
        request=RateShopInputSerializer,
        responses={200: RateShopResultSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = RateShopInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.shipment_rate_shop(**data.validated_data)
        payload = {
            "ship_date": result.ship_date,
            "deliver_by": result.deliver_by,
            "chosen": _quote_dict(result.chosen, result.deliver_by),
            "quotes": [_quote_dict(q, result.deliver_by) for q in result.quotes],
            "unavailable_carriers": result.unavailable_carriers,
        }
        return Response(RateShopResultSerializer(payload).data)


@extend_schema(tags=["shipping"])
class ManifestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """End-of-day manifests per carrier and warehouse, as CSV and PDF."""

    serializer_class = ManifestSerializer
    filterset_class = ManifestFilterSet
    permission_classes = [IsWarehouseRole]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.manifest_list_for_api()

    @extend_schema(responses={200: ManifestSerializer(many=True), **error_responses(400, 401, 403)})
    def list(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ManifestSerializer, **error_responses(401, 403, 404)})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Close the day for a carrier at a warehouse",
        request=ManifestCreateInputSerializer,
        responses={201: ManifestSerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request) -> Response:
        data = ManifestCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        manifest = services.manifest_create(
            carrier_id=data.validated_data["carrier"].pk,
            warehouse_id=data.validated_data["warehouse_id"],
            ship_date=data.validated_data["ship_date"],
            actor=Actor.for_user(request.user),
        )
        return Response(ManifestSerializer(manifest).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The manifest as PDF", responses={200: PDF, **error_responses(401, 403, 404)}
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        manifest = Manifest.objects.only("pdf").get(pk=self.get_object().pk)
        return _file(manifest.pdf_bytes(), "application/pdf", f"manifest-{manifest.pk}.pdf")

    @extend_schema(
        summary="The manifest as CSV", responses={200: TEXT, **error_responses(401, 403, 404)}
    )
    @action(detail=True, methods=["get"])
    def csv(self, request: Request, pk: str) -> HttpResponse:
        manifest = Manifest.objects.only("csv_text").get(pk=self.get_object().pk)
        return _file(manifest.csv_text, "text/csv; charset=utf-8", f"manifest-{manifest.pk}.csv")


@extend_schema(tags=["shipping"])
class CarrierWebhookApi(APIView):
    """Tracking pushed by a carrier (`tracker.updated`), signed with HMAC-SHA256.

    Headers: `X-Timestamp` (unix seconds) and `X-Hmac-Signature: hmac-sha256-hex=<hex of
    HMAC(secret, "<timestamp>.<raw body>")>`. A bad signature is 401 and writes nothing.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: WebhookAckSerializer, **error_responses(400, 401, 404)},
    )
    def post(self, request: Request, carrier_code: str) -> Response:
        outcome = services.tracking_webhook_receive(
            carrier_code=carrier_code,
            body=request.body,
            signature=request.headers.get("X-Hmac-Signature", ""),
            timestamp=request.headers.get("X-Timestamp", ""),
            actor=Actor.system(f"carrier:{carrier_code}"),
        )
        return Response(WebhookAckSerializer(asdict(outcome)).data)
