"""WMS REST API. Reads: viewsets with FilterSets. Writes: one command endpoint per scan step,
each validating its input, calling one service and answering the next step (NextStep).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common import roles
from common.api.permissions import IsWarehouseRole, role_permission
from common.api.serializers import error_responses
from common.exceptions import InvalidInput
from common.types import Actor
from warehouse import selectors
from warehouse.api import serializers as s
from warehouse.exceptions import UnknownCode
from warehouse.filters import (
    CycleCountFilterSet,
    InboundShipmentFilterSet,
    PickListFilterSet,
    TaskFilterSet,
    WaveFilterSet,
)
from warehouse.models import CycleCount, InboundShipment, PickList, Task, Warehouse, Wave, Zone
from warehouse.services import (
    bins,
    counts,
    moves,
    packing,
    picking,
    putaway,
    receiving,
    replenishment,
    tasks,
    waves,
)
from warehouse.services.steps import NextStep

IsWarehouseSupervisor = role_permission(
    roles.WAREHOUSE_SUPERVISOR, roles.OPS_ADMIN, roles.OPS_MANAGER
)
ERRORS = error_responses(400, 401, 403, 404, 409)


def _warehouse(code: str) -> Warehouse:
    found = Warehouse.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput(f"Unknown warehouse {code!r}.", code="unknown_warehouse")
    return found


# ---------------------------------------------------------------- reads


class InboundShipmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Inbound shipments (ASN / PO) with their lines and discrepancies."""

    queryset = (
        InboundShipment.objects.select_related("warehouse")
        .prefetch_related("lines__product")
        .order_by("-pk")
    )
    serializer_class = s.InboundShipmentSerializer
    filterset_class = InboundShipmentFilterSet
    permission_classes: ClassVar = [IsWarehouseRole]


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every warehouse job with its assignee and start/end times."""

    queryset = Task.objects.select_related(
        "warehouse", "product", "from_bin", "to_bin", "done_bin", "assignee"
    ).order_by("-priority", "pk")
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilterSet
    permission_classes: ClassVar = [IsWarehouseRole]


class WaveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Waves with their orders, totes and pick lists."""

    queryset = (
        Wave.objects.select_related("warehouse")
        .prefetch_related("wave_requests", "pick_lists")
        .order_by("-pk")
    )
    serializer_class = s.WaveSerializer
    filterset_class = WaveFilterSet
    permission_classes: ClassVar = [IsWarehouseRole]


class PickListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Pick lists in walking order, with route length and S-shape length."""

    queryset = PickList.objects.prefetch_related(
        "lines__product", "lines__bin", "lines__wave_request"
    ).order_by("-pk")
    serializer_class = s.PickListSerializer
    filterset_class = PickListFilterSet
    permission_classes: ClassVar = [IsWarehouseRole]


class CycleCountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cycle counts (blind: no expected quantities are ever returned)."""

    queryset = CycleCount.objects.select_related("bin", "zone").order_by("-pk")
    serializer_class = s.CycleCountSerializer
    filterset_class = CycleCountFilterSet
    permission_classes: ClassVar = [IsWarehouseRole]


# ---------------------------------------------------------------- commands


class _Command(APIView):
    """POST body → input serializer → one service → NextStep."""

    permission_classes: ClassVar = [IsWarehouseRole]
    input_serializer: ClassVar[type[serializers.Serializer]]

    def run(self, data: dict[str, Any], actor: Actor, **kwargs: Any) -> NextStep:
        raise NotImplementedError

    def post(self, request: Request, **kwargs: Any) -> Response:
        ser = self.input_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        step = self.run(ser.validated_data, Actor.for_user(request.user), **kwargs)
        return Response(step.as_dict())


def _command_schema(input_serializer, summary: str):
    return extend_schema(
        request=input_serializer,
        responses={200: s.NextStepSerializer, **ERRORS},
        summary=summary,
        tags=["wms"],
    )


class ScanLookupApi(APIView):
    permission_classes: ClassVar = [IsWarehouseRole]

    @extend_schema(
        request=s.ScanLookupInputSerializer,
        responses={200: s.ScanLookupSerializer, **ERRORS},
        summary="What is this code? (bin, SKU/barcode, tote, box, package, order, tracking)",
        tags=["wms"],
    )
    def post(self, request: Request) -> Response:
        ser = s.ScanLookupInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        wh = _warehouse(ser.validated_data["warehouse"])
        found = selectors.scan_lookup(warehouse_id=wh.pk, code=ser.validated_data["code"])
        return Response(s.ScanLookupSerializer(found).data)


class InboundCreateApi(APIView):
    permission_classes: ClassVar = [IsWarehouseRole]

    @extend_schema(
        request=s.InboundCreateInputSerializer,
        responses={201: s.InboundShipmentSerializer, **ERRORS},
        summary="Register an inbound shipment (ASN / PO); open quantities count as incoming",
        tags=["wms"],
    )
    def post(self, request: Request) -> Response:
        ser = s.InboundCreateInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if InboundShipment.objects.filter(number=d["number"]).exists():
            raise InvalidInput(f"Shipment {d['number']} already exists.", code="duplicate")
        shipment = receiving.inbound_create(
            warehouse_id=_warehouse(d["warehouse"]).pk,
            number=d["number"],
            kind=d["kind"],
            supplier=d["supplier"],
            expected_at=d["expected_at"],
            lines=[dict(line) for line in d["lines"]],
            actor=Actor.for_user(request.user),
        )
        return Response(s.InboundShipmentSerializer(shipment).data, status=201)


@_command_schema(s.ReceiveInputSerializer, "Receive scanned units on an inbound shipment")
class InboundReceiveApi(_Command):
    input_serializer = s.ReceiveInputSerializer

    def run(self, data, actor, pk):
        return receiving.inbound_receive_scan(
            shipment_id=pk,
            item_code=data["item_code"],
            quantity=data["quantity"],
            bin_code=data["bin_code"],
            damaged=data["damaged"],
            lot=data["lot"],
            expiry_date=data["expiry_date"],
            actor=actor,
            scan_id=data.get("scan_id") or None,
        )


class InboundCloseApi(APIView):
    permission_classes: ClassVar = [IsWarehouseRole]

    @extend_schema(
        request=None,
        responses={200: s.InboundShipmentSerializer, **ERRORS},
        summary="Close an inbound shipment with its differences (open quantities → short)",
        tags=["wms"],
    )
    def post(self, request: Request, pk: int) -> Response:
        shipment = receiving.inbound_close(shipment_id=pk, actor=Actor.for_user(request.user))
        shipment = InboundShipment.objects.get(pk=shipment.pk)
        return Response(s.InboundShipmentSerializer(shipment).data)


@_command_schema(s.PutawayInputSerializer, "Put away by scanning the bin used (may override)")
class PutawayConfirmApi(_Command):
    input_serializer = s.PutawayInputSerializer

    def run(self, data, actor, pk):
        return putaway.putaway_confirm(
            task_id=pk,
            bin_code=data["bin_code"],
            item_code=data["item_code"],
            quantity=data["quantity"],
            actor=actor,
            scan_id=data.get("scan_id") or None,
        )


@_command_schema(s.MoveInputSerializer, "Move units between bins by scan (or to quarantine)")
class MoveApi(_Command):
    input_serializer = s.MoveInputSerializer

    def run(self, data, actor):
        wh = _warehouse(data["warehouse"])
        common = {
            "warehouse_id": wh.pk,
            "from_bin_code": data["from_bin"],
            "item_code": data["item_code"],
            "quantity": data["quantity"],
            "lot": data["lot"],
            "actor": actor,
            "scan_id": data.get("scan_id") or None,
        }
        if data["quarantine"]:
            return moves.quarantine_move(**common)
        if not data["to_bin"]:
            raise InvalidInput("to_bin is required.", code="invalid")
        return moves.move_by_scan(to_bin_code=data["to_bin"], **common)


@_command_schema(s.BinBlockInputSerializer, "Block or unblock a bin")
class BinBlockApi(_Command):
    input_serializer = s.BinBlockInputSerializer

    def run(self, data, actor):
        wh = _warehouse(data["warehouse"])
        found = selectors.bin_get_by_code(warehouse_id=wh.pk, code=data["bin_code"])
        bin = bins.bin_set_blocked(
            bin_id=found.pk, blocked=data["blocked"], actor=actor, reason=data["reason"]
        )
        return NextStep(
            step="done",
            message=f"Bin {bin.code} {'blocked' if bin.is_blocked else 'unblocked'}.",
            data={"bin": bin.code, "is_blocked": bin.is_blocked},
        )


class WaveCreateApi(APIView):
    permission_classes: ClassVar = [IsWarehouseRole]

    @extend_schema(
        request=s.WaveCreateInputSerializer,
        responses={201: s.WaveSerializer, 204: None, **ERRORS},
        summary="Plan (and by default release) a wave from released fulfillment requests",
        tags=["wms"],
    )
    def post(self, request: Request) -> Response:
        ser = s.WaveCreateInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        wh = _warehouse(d["warehouse"])
        zone_id = None
        if d["zone"]:
            zone = Zone.objects.filter(warehouse=wh, code=d["zone"]).first()
            if zone is None:
                raise InvalidInput(f"Unknown zone {d['zone']!r}.", code="unknown_zone")
            zone_id = zone.pk
        actor = Actor.for_user(request.user)
        wave = waves.wave_plan(
            warehouse_id=wh.pk,
            actor=actor,
            max_orders=d["max_orders"],
            max_lines=d["max_lines"],
            zone_id=zone_id,
        )
        if wave is None:
            return Response(status=204)
        if d["release"]:
            waves.wave_release(wave_id=wave.pk, actor=actor)
        return Response(s.WaveSerializer(Wave.objects.get(pk=wave.pk)).data, status=201)


class WaveReleaseApi(APIView):
    permission_classes: ClassVar = [IsWarehouseRole]

    @extend_schema(
        request=None,
        responses={200: s.WaveSerializer, **ERRORS},
        summary="Release a planned wave: bin reservations, totes, routed pick lists",
        tags=["wms"],
    )
    def post(self, request: Request, pk: int) -> Response:
        waves.wave_release(wave_id=pk, actor=Actor.for_user(request.user))
        return Response(s.WaveSerializer(Wave.objects.get(pk=pk)).data)


class PickListNextApi(APIView):
    permission_classes: ClassVar = [IsWarehouseRole]

    @extend_schema(
        responses={200: s.NextStepSerializer, **ERRORS},
        summary="The next pick of a pick list in walking order",
        tags=["wms"],
    )
    def get(self, request: Request, pk: int) -> Response:
        if not PickList.objects.filter(pk=pk).exists():
            raise UnknownCode("No such pick list.", code="not_found")
        return Response(picking.pick_list_next(pick_list_id=pk).as_dict())


@_command_schema(s.PickScanBinInputSerializer, "Pick step 1: scan the bin")
class PickScanBinApi(_Command):
    input_serializer = s.PickScanBinInputSerializer

    def run(self, data, actor, pk):
        return picking.pick_scan_bin(pick_line_id=pk, bin_code=data["bin_code"])


@_command_schema(s.PickScanItemInputSerializer, "Pick step 2: scan the item")
class PickScanItemApi(_Command):
    input_serializer = s.PickScanItemInputSerializer

    def run(self, data, actor, pk):
        return picking.pick_scan_item(
            pick_line_id=pk, bin_code=data["bin_code"], item_code=data["item_code"]
        )


@_command_schema(s.PickConfirmInputSerializer, "Pick step 3: quantity and tote (confirms)")
class PickConfirmApi(_Command):
    input_serializer = s.PickConfirmInputSerializer

    def run(self, data, actor, pk):
        return picking.pick_confirm(
            pick_line_id=pk,
            bin_code=data["bin_code"],
            item_code=data["item_code"],
            quantity=data["quantity"],
            tote_code=data["tote_code"],
            actor=actor,
            scan_id=data.get("scan_id") or None,
        )


@_command_schema(s.PickShortInputSerializer, "Report a short pick (re-allocate, count, OMS)")
class PickShortApi(_Command):
    input_serializer = s.PickShortInputSerializer

    def run(self, data, actor, pk):
        return picking.pick_short(
            pick_line_id=pk,
            bin_code=data["bin_code"],
            quantity_found=data["quantity_found"],
            actor=actor,
            scan_id=data.get("scan_id") or None,
        )


@_command_schema(s.PackStartInputSerializer, "Pack: scan a tote or an order")
class PackStartApi(_Command):
    input_serializer = s.PackStartInputSerializer

    def run(self, data, actor):
        wh = _warehouse(data["warehouse"])
        return packing.pack_start(warehouse_id=wh.pk, code=data["code"], actor=actor)


@_command_schema(s.PackItemInputSerializer, "Pack: verify one scanned unit")
class PackScanItemApi(_Command):
    input_serializer = s.PackItemInputSerializer

    def run(self, data, actor, pk):
        return packing.pack_scan_item(
            package_id=pk,
            item_code=data["item_code"],
            actor=actor,
            scan_id=data.get("scan_id") or None,
        )


@_command_schema(s.PackBoxInputSerializer, "Pack: use another box than the suggested one")
class PackBoxApi(_Command):
    input_serializer = s.PackBoxInputSerializer

    def run(self, data, actor, pk):
        return packing.pack_set_box(package_id=pk, box_code=data["box_code"], actor=actor)


@_command_schema(s.PackWeightInputSerializer, "Pack: record the weight (flagged if off)")
class PackWeightApi(_Command):
    input_serializer = s.PackWeightInputSerializer

    def run(self, data, actor, pk):
        return packing.pack_record_weight(package_id=pk, weight_g=data["weight_g"], actor=actor)


@_command_schema(
    s.PackWeightOverrideInputSerializer,
    "Supervisor: let an out-of-tolerance weight go to labelling (reason on the timeline)",
)
class PackWeightOverrideApi(_Command):
    permission_classes: ClassVar = [IsWarehouseSupervisor]
    input_serializer = s.PackWeightOverrideInputSerializer

    def run(self, data, actor, pk):
        return packing.pack_weight_override(package_id=pk, reason=data["reason"], actor=actor)


class _NoBody(serializers.Serializer):
    pass


@_command_schema(None, "Pack: buy and print the label, mark packed")
class PackCloseApi(_Command):
    input_serializer = _NoBody

    def run(self, data, actor, pk):
        return packing.pack_close(package_id=pk, actor=actor)


@_command_schema(None, "Ship: the package left — consume stock, tell the OMS")
class ShipConfirmApi(_Command):
    input_serializer = _NoBody

    def run(self, data, actor, pk):
        return packing.ship_confirm(package_id=pk, actor=actor)


@_command_schema(s.CountSubmitInputSerializer, "Submit a blind cycle count")
class CountSubmitApi(_Command):
    input_serializer = s.CountSubmitInputSerializer

    def run(self, data, actor, pk):
        return counts.cycle_count_submit(
            count_id=pk,
            counted=[dict(e) for e in data["counted"]],
            actor=actor,
            scan_id=data.get("scan_id") or None,
        )


@_command_schema(s.CountApproveInputSerializer, "Supervisor: approve or reject a count")
class CountApproveApi(_Command):
    permission_classes: ClassVar = [IsWarehouseSupervisor]
    input_serializer = s.CountApproveInputSerializer

    def run(self, data, actor, pk):
        return counts.cycle_count_approve(count_id=pk, approve=data["approve"], actor=actor)


@_command_schema(s.CountRequestInputSerializer, "Ask for a count of a bin (e.g. not empty)")
class CountRequestApi(_Command):
    input_serializer = s.CountRequestInputSerializer

    def run(self, data, actor):
        wh = _warehouse(data["warehouse"])
        count = counts.cycle_count_request(
            warehouse_id=wh.pk, bin_code=data["bin_code"], actor=actor, trigger=data["trigger"]
        )
        return NextStep(
            step="count",
            message=f"Count bin {count.bin.code}.",
            data={"count_id": count.pk, "bin": count.bin.code},
        )


@_command_schema(
    s.WarehouseCodeInputSerializer, "Open the cycle counts the ABC schedule says are due"
)
class CountScheduleApi(_Command):
    permission_classes: ClassVar = [IsWarehouseSupervisor]
    input_serializer = s.WarehouseCodeInputSerializer

    def run(self, data, actor):
        wh = _warehouse(data["warehouse"])
        created = counts.cycle_counts_schedule(warehouse_id=wh.pk, actor=actor)
        return NextStep(
            step="done",
            message=f"{len(created)} count(s) opened.",
            data={"count_ids": [c.pk for c in created]},
        )


@_command_schema(s.ReplenishInputSerializer, "Carry out a replenishment task by scans")
class ReplenishConfirmApi(_Command):
    input_serializer = s.ReplenishInputSerializer

    def run(self, data, actor, pk):
        return replenishment.replenishment_confirm(
            task_id=pk,
            from_bin_code=data["from_bin"],
            item_code=data["item_code"],
            quantity=data["quantity"],
            to_bin_code=data["to_bin"],
            actor=actor,
            scan_id=data.get("scan_id") or None,
        )


@_command_schema(None, "Start a task (you become its assignee; the clock starts)")
class TaskStartApi(_Command):
    input_serializer = _NoBody

    def run(self, data, actor, pk):
        task = tasks.task_start(task_id=pk, actor=actor)
        return NextStep(
            step="working",
            message=f"Task {task.pk} started.",
            data={"task_id": task.pk, "status": task.status},
        )


class LabourApi(APIView):
    permission_classes: ClassVar = [IsWarehouseSupervisor]

    @extend_schema(
        parameters=[s.ReportQuerySerializer],
        responses={
            200: inline_serializer(
                "LabourRate",
                {
                    "user_id": serializers.IntegerField(),
                    "username": serializers.CharField(),
                    "kind": serializers.CharField(),
                    "tasks": serializers.IntegerField(),
                    "units": serializers.IntegerField(),
                    "hours": serializers.FloatField(),
                    "units_per_hour": serializers.FloatField(allow_null=True),
                    "tasks_per_hour": serializers.FloatField(allow_null=True),
                },
                many=True,
            ),
            **ERRORS,
        },
        summary="Pick/pack/… rates per person and hour",
        tags=["wms"],
    )
    def get(self, request: Request) -> Response:
        ser = s.ReportQuerySerializer(data=request.query_params)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        until = d.get("until") or timezone.now()
        since = d.get("since") or until - dt.timedelta(days=1)
        rows = selectors.labour_rates(
            warehouse_id=_warehouse(d["warehouse"]).pk,
            since=since,
            until=until,
            kind=d["kind"] or None,
        )
        return Response(rows)


class CountAccuracyApi(APIView):
    permission_classes: ClassVar = [IsWarehouseSupervisor]

    @extend_schema(
        parameters=[s.ReportQuerySerializer],
        responses={
            200: inline_serializer(
                "CountAccuracy",
                {
                    "period": serializers.CharField(),
                    "zone": serializers.CharField(),
                    "abc_class": serializers.CharField(),
                    "counts": serializers.IntegerField(),
                    "line_accuracy": serializers.FloatField(),
                    "unit_accuracy": serializers.FloatField(),
                },
                many=True,
            ),
            **ERRORS,
        },
        summary="Inventory accuracy per period, zone and ABC class",
        tags=["wms"],
    )
    def get(self, request: Request) -> Response:
        ser = s.ReportQuerySerializer(data=request.query_params)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        return Response(
            selectors.count_accuracy(
                warehouse_id=_warehouse(d["warehouse"]).pk,
                period=d["period"],
                since=d.get("since"),
            )
        )
