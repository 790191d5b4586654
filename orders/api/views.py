"""OMS REST API: viewsets read through selectors + FilterSets; commands call one service each."""

from __future__ import annotations

import json
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from channels_sync.auth import request_channel
from channels_sync.models import Channel
from common.api.pagination import CreatedCursorPagination
from common.api.permissions import IsCustomerDataRole, IsOps, IsOpsOrChannel, IsWarehouseRole
from common.api.serializers import ErrorResponseSerializer, error_responses
from common.exceptions import DomainError, InvalidInput
from common.types import Actor
from inventory import selectors as inventory_selectors
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.api import pagination as list_pages
from orders.api import serializers as s
from orders.filters import FulfillmentRequestFilterSet, OrderFilterSet, ReturnFilterSet
from orders.models import CartReservation, FulfillmentRequest, Hold, Order, ReturnAuthorization
from orders.services import edits as edit_services
from orders.services import idempotency, intake
from orders.services import returns as return_services
from warehouse.models import Warehouse
from warehouse.services import returns as warehouse_returns

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Replays the first response for the same body (kept ≥ 24 h); 422 for a "
    "different body; 409 while the first request is still running.",
)


def _actor(request: Request) -> Actor:
    channel = request_channel(request)
    if channel is not None:
        return Actor.for_channel(channel.pk, channel.code)
    return Actor.for_user(request.user)


def _channel_for(request: Request, code: str | None) -> Channel:
    channel = request_channel(request)
    if channel is not None:
        if code and code != channel.code:
            raise InvalidInput("A channel token acts only for its own channel.", code="invalid")
        return channel
    if not code:
        raise InvalidInput("channel is required for staff clients.", code="invalid")
    found = Channel.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput(f"Unknown channel {code!r}.", code="invalid")
    return found


def _warehouse(code: str) -> Warehouse:
    found = Warehouse.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput(f"Unknown warehouse {code!r}.", code="invalid")
    return found


def _jsonable(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Orders: channels see their own; ops and customer service see all."""

    lookup_field = "number"
    serializer_class = s.OrderSerializer
    filterset_class = OrderFilterSet  # list() applies it itself (keyset pages, see there)
    pagination_class = None
    permission_classes = [IsCustomerDataRole]

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action in {"hold_place", "hold_release"}:
            return [IsOps()]
        return super().get_permissions()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        channel = request_channel(self.request)
        return orders_selectors.order_list_for_api(channel_id=channel.pk if channel else None)

    def _render(self, order: Order, code: int = status.HTTP_200_OK) -> Response:
        # A just-captured order carries its rows (orders.services.intake): no read back.
        fresh = intake.order_with_captured_rows(order=order) or self.get_queryset().get(pk=order.pk)
        return Response(s.OrderSerializer(fresh).data, status=code)

    @extend_schema(
        summary="List orders: lean rows, newest first, keyset-paginated (never counted)",
        description=(
            "Pages by id, or by placed_at / promised_ship_by / created_at when that window is "
            "given; follow `next` and `previous`. Each filter reads its own index, so a page "
            "deep in history costs what the first does. Lines, holds and fulfillment are on "
            "`GET /orders/{number}/`."
        ),
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` / `previous`"),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"Rows per page, 1–{list_pages.MAX_PAGE_SIZE} "
                f"(default {list_pages.PAGE_SIZE})",
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description="Same as page_size"),
        ],
        responses={
            200: s.OrderListPageSerializer,
            404: OpenApiResponse(ErrorResponseSerializer, description="Invalid cursor"),
            **error_responses(400, 401, 403, 429),
        },
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filterset = OrderFilterSet(request.query_params, queryset=Order.objects.none())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        filters = filterset.form.cleaned_data
        limit = list_pages.page_size(request)
        ordering = orders_selectors.order_list_ordering(filters)
        after, backwards = None, False
        token = request.query_params.get(list_pages.CURSOR)
        if token:
            after, backwards = list_pages.decode(token, ordering=ordering)
        channel = request_channel(request)
        page = orders_selectors.order_list_page(
            filters=filters,
            channel_id=channel.pk if channel else None,
            after=after,
            backwards=backwards,
            limit=limit,
        )
        nxt, prev = list_pages.links(request, page, after=after, backwards=backwards)
        results = s.OrderListItemSerializer(page.rows, many=True).data
        return Response({"next": nxt, "previous": prev, "results": results})

    @extend_schema(
        summary="Read one order",
        responses={200: s.OrderSerializer, **error_responses(401, 403, 404)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Create an order (idempotent on Idempotency-Key and on channel + external_id)",
        parameters=[IDEMPOTENCY_HEADER],
        request=s.OrderCreateInputSerializer,
        responses={
            201: OpenApiResponse(s.OrderSerializer, description="Created"),
            200: OpenApiResponse(
                s.OrderSerializer, description="This external_id already exists: the existing order"
            ),
            **error_responses(400, 401, 403, 409, 422),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return self._create(request)
        if len(key) > 255:
            raise InvalidInput("Idempotency-Key is longer than 255 characters.")
        channel = request_channel(request)
        scope = f"channel:{channel.pk}" if channel else f"user:{request.user.pk}"
        fingerprint = idempotency.request_fingerprint(
            method="POST", path=request.path, body=request.data
        )
        row, replay = idempotency.idempotency_begin(scope=scope, key=key, request_hash=fingerprint)
        if replay is not None:
            if replay.response_body is None and replay.order_id is not None:
                # The order committed with the key but the connection was lost before its
                # response was stored: answer with that order and the original status.
                response = self._render(Order(pk=replay.order_id), replay.response_status)
            else:
                response = Response(replay.response_body, status=replay.response_status)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = self._create(request, idempotency_key_id=row.pk)
        except DomainError as exc:
            body = {"error": exc.as_dict()}
            idempotency.idempotency_complete(row=row, status=exc.http_status, body=_jsonable(body))
            raise
        except Exception:
            idempotency.idempotency_abandon(row=row)
            raise
        if response.status_code >= 500:
            idempotency.idempotency_abandon(row=row)
        else:
            idempotency.idempotency_complete(
                row=row, status=response.status_code, body=_jsonable(response.data)
            )
        return response

    @extend_schema(
        summary="Create up to 1,000 orders in one request (per-order results)",
        description=(
            "Each body is validated and captured as POST /orders/ would (same channel + "
            "external_id rule: a known one answers 200 with the existing order), set-based in "
            "one transaction. A refused or invalid order is reported in its result and writes "
            "nothing; the others are written. With an Idempotency-Key the whole response is "
            "replayed for the same key and body."
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request=s.OrderBulkInputSerializer,
        responses={
            200: s.OrderBulkResponseSerializer,
            **error_responses(400, 401, 403, 409, 422),
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return self._bulk(request)
        if len(key) > 255:
            raise InvalidInput("Idempotency-Key is longer than 255 characters.")
        channel = request_channel(request)
        scope = f"channel:{channel.pk}" if channel else f"user:{request.user.pk}"
        fingerprint = idempotency.request_fingerprint(
            method="POST", path=request.path, body=request.data
        )
        row, replay = idempotency.idempotency_begin(scope=scope, key=key, request_hash=fingerprint)
        if replay is not None:
            response = Response(replay.response_body, status=replay.response_status)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = self._bulk(request)
        except DomainError as exc:
            body = {"error": exc.as_dict()}
            idempotency.idempotency_complete(row=row, status=exc.http_status, body=_jsonable(body))
            raise
        except Exception:
            idempotency.idempotency_abandon(row=row)
            raise
        idempotency.idempotency_complete(
            row=row, status=response.status_code, body=_jsonable(response.data)
        )
        return response

    def _bulk(self, request: Request) -> Response:
        inp = s.OrderBulkInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        channel = _channel_for(request, inp.validated_data.get("channel"))
        bodies: list[Any] = []
        for raw in inp.validated_data["orders"]:
            one = s.OrderCreateInputSerializer(data=raw)
            if one.is_valid():
                data = dict(one.validated_data)
                data.pop("channel", None)
                bodies.append(_jsonable(data))
            else:
                bodies.append(InvalidInput("The order is not valid.", fields=_jsonable(one.errors)))
        results = orders_services.orders_capture_bulk(
            channel_id=channel.pk, bodies=bodies, actor=_actor(request)
        )
        out = []
        counts = {"created": 0, "existing": 0, "failed": 0}
        for i, (raw, result) in enumerate(zip(inp.validated_data["orders"], results, strict=True)):
            row: dict[str, Any] = {"index": i, "external_id": str(raw.get("external_id") or "")}
            if result.order is not None:
                row["status"] = 201 if result.created else 200
                row["number"] = result.order.number
                row["order_status"] = str(result.order.status)
                counts["created" if result.created else "existing"] += 1
            else:
                exc = result.error
                body = (
                    exc.as_dict()
                    if isinstance(exc, DomainError)
                    else {"code": "invalid", "message": str(exc)}
                )
                row["status"] = getattr(exc, "http_status", 400)
                row["error"] = _jsonable(body)
                counts["failed"] += 1
            out.append(row)
        return Response({**counts, "results": out}, status=status.HTTP_200_OK)

    def _create(self, request: Request, idempotency_key_id: int | None = None) -> Response:
        inp = s.OrderCreateInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        data = dict(inp.validated_data)
        channel = _channel_for(request, data.pop("channel", None))
        order, created = orders_services.order_capture(
            channel_id=channel.pk,
            data=_jsonable(data),
            actor=_actor(request),
            idempotency_key_id=idempotency_key_id,
        )
        return self._render(order, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Cancel the whole order or some line quantities (until picked)",
        request=s.OrderCancelInputSerializer,
        responses={200: s.OrderSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        inp = s.OrderCancelInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        lines = inp.validated_data.get("lines")
        edit_services.order_cancel(
            order_id=order.pk,
            actor=_actor(request),
            reason=inp.validated_data["reason"],
            lines=None if lines is None else [(r["line_id"], r["quantity"]) for r in lines],
        )
        return self._render(order)

    @extend_schema(
        summary="Change the shipping (and billing) address while nothing is picked",
        request=s.OrderAddressInputSerializer,
        responses={200: s.OrderSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def address(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        inp = s.OrderAddressInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        edit_services.order_address_change(
            order_id=order.pk,
            actor=_actor(request),
            shipping_address=inp.validated_data["shipping_address"],
            billing_address=inp.validated_data.get("billing_address"),
        )
        return self._render(order)

    @extend_schema(
        summary="Change line quantities or add lines while nothing is picked",
        request=s.OrderLinesEditInputSerializer,
        responses={200: s.OrderSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="lines")
    def lines_edit(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        inp = s.OrderLinesEditInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        edit_services.order_lines_edit(
            order_id=order.pk,
            actor=_actor(request),
            changes=inp.validated_data.get("changes"),
            add=_jsonable(inp.validated_data.get("add") or []),
        )
        return self._render(order)

    @extend_schema(
        summary="Place a hold on the order, some lines, or one fulfillment request (ops)",
        request=s.HoldPlaceInputSerializer,
        responses={201: s.HoldSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="holds")
    def hold_place(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        inp = s.HoldPlaceInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        data = inp.validated_data
        fr_id = None
        if data.get("fulfillment_request"):
            fr_id = get_object_or_404(
                FulfillmentRequest, number=data["fulfillment_request"], order=order
            ).pk
        hold = orders_services.order_hold_place(
            order_id=order.pk,
            kind=data["kind"],
            reason=data["reason"],
            actor=_actor(request),
            scope=data["scope"],
            line_ids=data.get("line_ids") or [],
            fulfillment_request_id=fr_id,
        )
        return Response(s.HoldSerializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Release a hold (who and why are recorded; the order moves on by itself)",
        request=s.HoldReleaseInputSerializer,
        responses={200: s.OrderSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path=r"holds/(?P<hold_id>[0-9]+)/release")
    def hold_release(
        self, request: Request, number: str | None = None, hold_id: str | None = None
    ) -> Response:
        order = self.get_object()
        hold = get_object_or_404(Hold, pk=hold_id, order=order)
        inp = s.HoldReleaseInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        orders_services.order_hold_release(
            hold_id=hold.pk, actor=_actor(request), note=inp.validated_data["note"]
        )
        return self._render(order)

    @extend_schema(
        summary="Report the payment status (authorised/captured releases payment holds)",
        request=s.PaymentInputSerializer,
        responses={200: s.OrderSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def payment(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        inp = s.PaymentInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        orders_services.order_payment_update(
            order_id=order.pk,
            payment_status=inp.validated_data["payment_status"],
            actor=_actor(request),
        )
        return self._render(order)

    @extend_schema(
        summary="Add a note to the timeline",
        request=s.NoteInputSerializer,
        responses={201: s.OrderEventSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        inp = s.NoteInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        event = orders_services.order_note_add(
            order_id=order.pk, text=inp.validated_data["text"], actor=_actor(request)
        )
        return Response(s.OrderEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The order's timeline (every change, with actor and time)",
        responses={200: s.OrderEventSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        events = orders_selectors.order_timeline(order=order)
        return Response(s.OrderEventSerializer(events, many=True).data)

    @extend_schema(
        summary="Request a return (RMA) for shipped units; exchange_lines makes a held replacement order",
        request=s.ReturnRequestInputSerializer,
        responses={201: s.ReturnSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="returns")
    def return_request(self, request: Request, number: str | None = None) -> Response:
        order = self.get_object()
        inp = s.ReturnRequestInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        rma = return_services.return_request(
            order_id=order.pk,
            lines=[(r["line_id"], r["quantity"]) for r in inp.validated_data["lines"]],
            reason=inp.validated_data["reason"],
            actor=_actor(request),
            exchange_lines=inp.validated_data.get("exchange_lines") or None,
        )
        return Response(s.ReturnSerializer(rma).data, status=status.HTTP_201_CREATED)


class AvailableToSellApi(APIView):
    """Available-to-sell for many SKUs at once, over the warehouses that feed the channel."""

    permission_classes = [IsOpsOrChannel]

    @extend_schema(
        summary="Available-to-sell for many SKUs (comma-separated `skus`, up to 500)",
        parameters=[
            OpenApiParameter("skus", OpenApiTypes.STR, required=True, description="SKU1,SKU2,…"),
            OpenApiParameter(
                "channel", OpenApiTypes.STR, description="Channel code (staff clients)"
            ),
        ],
        responses={200: s.AtsResponseSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        skus = [x.strip() for x in request.query_params.get("skus", "").split(",") if x.strip()]
        if not skus or len(skus) > 500:
            raise InvalidInput("Give between 1 and 500 SKUs in `skus`.", code="invalid")
        channel = _channel_for(request, request.query_params.get("channel"))
        products = inventory_selectors.products_by_sku(skus=skus)
        ats = inventory_selectors.sku_available_to_sell(
            product_ids=[p.pk for p in products.values()],
            warehouse_ids=list(channel.warehouse_links.values_list("warehouse_id", flat=True)),
            safety_stock=channel.safety_stock,
            buffer_percent=channel.buffer_percent,
        )
        items = [
            {"sku": sku, "available_to_sell": ats.get(products[sku].pk, 0)}
            for sku in skus
            if sku in products
        ]
        unknown = [sku for sku in skus if sku not in products]
        return Response({"channel": channel.code, "items": items, "unknown_skus": unknown})


class ReservationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Storefront cart reservations (expire by themselves; converted by placing the order)."""

    lookup_field = "token"
    serializer_class = s.ReservationSerializer
    permission_classes = [IsOpsOrChannel]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = CartReservation.objects.select_related("order").prefetch_related(
            "lines__product", "lines__warehouse"
        )
        channel = request_channel(self.request)
        return qs.filter(channel=channel) if channel else qs

    @extend_schema(
        summary="Read a cart reservation",
        responses={200: s.ReservationSerializer, **error_responses(401, 403, 404)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Reserve stock for a cart for ttl_seconds (all or nothing)",
        request=s.ReservationCreateInputSerializer,
        responses={201: s.ReservationSerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request) -> Response:
        inp = s.ReservationCreateInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        channel = _channel_for(request, inp.validated_data.get("channel"))
        reservation = orders_services.cart_reservation_create(
            channel_id=channel.pk,
            lines=[dict(r) for r in inp.validated_data["lines"]],
            ttl_seconds=inp.validated_data["ttl_seconds"],
            actor=_actor(request),
        )
        return Response(
            s.ReservationSerializer(self.get_queryset().get(pk=reservation.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Release a cart reservation now",
        request=None,
        responses={200: s.ReservationSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def release(self, request: Request, token: str | None = None) -> Response:
        reservation = self.get_object()
        orders_services.cart_reservation_release(
            token=reservation.token, channel_id=reservation.channel_id, actor=_actor(request)
        )
        return Response(s.ReservationSerializer(self.get_queryset().get(pk=reservation.pk)).data)


class FulfillmentRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Fulfillment requests (one per warehouse per order) for ops and the warehouse."""

    lookup_field = "number"
    serializer_class = s.FulfillmentRequestSerializer
    filterset_class = FulfillmentRequestFilterSet
    pagination_class = CreatedCursorPagination
    permission_classes = [IsWarehouseRole]

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action == "move":
            return [IsOps()]
        return super().get_permissions()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return orders_selectors.fulfillment_request_list_for_api()

    @extend_schema(
        summary="List fulfillment requests",
        responses={
            200: s.FulfillmentRequestSerializer(many=True),
            **error_responses(400, 401, 403),
        },
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Read a fulfillment request",
        responses={200: s.FulfillmentRequestSerializer, **error_responses(401, 403, 404)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Move (all or some) unpicked units to another warehouse",
        request=s.FulfillmentMoveInputSerializer,
        responses={200: s.FulfillmentRequestSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, number: str | None = None) -> Response:
        fr = self.get_object()
        inp = s.FulfillmentMoveInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        lines = inp.validated_data.get("lines")
        target = orders_services.fulfillment_request_move(
            request_id=fr.pk,
            to_warehouse_id=_warehouse(inp.validated_data["warehouse"]).pk,
            actor=_actor(request),
            lines=None if lines is None else [(r["line_id"], r["quantity"]) for r in lines],
            reason=inp.validated_data["reason"],
        )
        return Response(s.FulfillmentRequestSerializer(self.get_queryset().get(pk=target.pk)).data)


class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Returns (RMA): approve/reject (ops, CS); receive and disposition (warehouse)."""

    lookup_field = "number"
    serializer_class = s.ReturnSerializer
    filterset_class = ReturnFilterSet
    pagination_class = CreatedCursorPagination
    permission_classes = [IsCustomerDataRole]

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.action in {"receive", "disposition"}:
            return [IsWarehouseRole()]
        return super().get_permissions()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        channel = request_channel(self.request)
        return orders_selectors.return_list_for_api(
            channel_id=channel.pk if channel else None
        ).prefetch_related("replacement_orders")

    def _render(self, rma: ReturnAuthorization) -> Response:
        return Response(s.ReturnSerializer(self.get_queryset().get(pk=rma.pk)).data)

    @extend_schema(
        summary="List returns",
        responses={200: s.ReturnSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Read a return",
        responses={200: s.ReturnSerializer, **error_responses(401, 403, 404)},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Approve a return",
        request=None,
        responses={200: s.ReturnSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, number: str | None = None) -> Response:
        rma = self.get_object()
        return self._render(return_services.return_approve(rma_id=rma.pk, actor=_actor(request)))

    @extend_schema(
        summary="Receive returned units into the warehouse (quarantine until inspected)",
        request=s.ReturnReceiveInputSerializer,
        responses={200: s.ReturnSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, number: str | None = None) -> Response:
        rma = self.get_object()
        inp = s.ReturnReceiveInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        warehouse_returns.return_receive(
            rma_id=rma.pk,
            warehouse_id=_warehouse(inp.validated_data["warehouse"]).pk,
            lines=[(r["return_line_id"], r["quantity"]) for r in inp.validated_data["lines"]],
            actor=_actor(request),
        )
        return self._render(rma)

    @extend_schema(
        summary="Inspect and disposition received units (restock / quarantine / damaged)",
        request=s.ReturnDispositionInputSerializer,
        responses={200: s.ReturnSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def disposition(self, request: Request, number: str | None = None) -> Response:
        rma = self.get_object()
        inp = s.ReturnDispositionInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        warehouse_returns.return_disposition(
            rma_id=rma.pk,
            lines=[
                (r["return_line_id"], r["condition"], r["disposition"])
                for r in inp.validated_data["lines"]
            ],
            actor=_actor(request),
        )
        return self._render(rma)
