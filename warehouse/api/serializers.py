"""WMS API shapes: output serializers per model, one input serializer per command.

Cycle-count outputs never include expected quantities (blind counts).
"""

from rest_framework import serializers

from warehouse.models import (
    CycleCount,
    InboundLine,
    InboundShipment,
    PickLine,
    PickList,
    Task,
    Wave,
)


class NextStepSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="What the operator does next, e.g. scan_bin, done")
    message = serializers.CharField()
    data = serializers.DictField(help_text="Context for the screen (bin, sku, tote …)")


class ScanLookupSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()
    details = serializers.DictField()


class InboundLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    open_quantity = serializers.IntegerField(read_only=True)

    class Meta:
        model = InboundLine
        fields = [
            "id",
            "sku",
            "lot",
            "expiry_date",
            "quantity_expected",
            "quantity_received",
            "quantity_damaged",
            "open_quantity",
        ]


class InboundShipmentSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    lines = InboundLineSerializer(many=True, read_only=True)
    discrepancies = serializers.SerializerMethodField()

    class Meta:
        model = InboundShipment
        fields = [
            "id",
            "number",
            "kind",
            "warehouse",
            "supplier",
            "status",
            "expected_at",
            "closed_at",
            "lines",
            "discrepancies",
        ]

    def get_discrepancies(self, obj) -> list[dict]:
        return [
            {"sku": d.product.sku, "kind": d.kind, "quantity": d.quantity}
            for d in obj.discrepancies.select_related("product")
        ]


class TaskSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    sku = serializers.CharField(source="product.sku", default=None)
    from_bin = serializers.CharField(source="from_bin.code", default=None)
    to_bin = serializers.CharField(source="to_bin.code", default=None)
    done_bin = serializers.CharField(source="done_bin.code", default=None)
    assignee = serializers.CharField(source="assignee.username", default=None)

    class Meta:
        model = Task
        fields = [
            "id",
            "warehouse",
            "kind",
            "status",
            "priority",
            "assignee",
            "started_at",
            "finished_at",
            "sku",
            "lot",
            "from_bin",
            "to_bin",
            "done_bin",
            "quantity",
            "quantity_done",
            "document_type",
            "document_ref",
            "note",
        ]


class PickLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    bin = serializers.CharField(source="bin.code")
    order_number = serializers.CharField(source="wave_request.order_number")

    class Meta:
        model = PickLine
        fields = [
            "id",
            "sequence",
            "bin",
            "sku",
            "lot",
            "quantity",
            "quantity_picked",
            "quantity_short",
            "status",
            "tote_code",
            "order_number",
        ]


class PickListRouteSerializer(serializers.ModelSerializer):
    """A pick list's route against S-shape and against the best-known route for its stops."""

    saving_vs_sshape_pct = serializers.FloatField(
        read_only=True, help_text="How much shorter than S-shape, % of S-shape"
    )
    excess_vs_best_known_pct = serializers.FloatField(
        read_only=True, help_text="How much longer than the best-known route, % (0 when optimal)"
    )

    class Meta:
        model = PickList
        fields = [
            "id",
            "number",
            "stops",
            "route_method",
            "route_optimal",
            "route_length_m",
            "sshape_length_m",
            "best_known_length_m",
            "saving_vs_sshape_pct",
            "excess_vs_best_known_pct",
        ]


class PickListSerializer(PickListRouteSerializer):
    lines = PickLineSerializer(many=True, read_only=True)

    class Meta(PickListRouteSerializer.Meta):
        fields = [
            *PickListRouteSerializer.Meta.fields[:2],
            "wave",
            "status",
            *PickListRouteSerializer.Meta.fields[2:],
            "task",
            "lines",
        ]


class WaveSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    pick_lists = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    routes = PickListRouteSerializer(
        source="pick_lists", many=True, read_only=True, help_text="Each pick list's route"
    )
    orders = serializers.SerializerMethodField()

    class Meta:
        model = Wave
        fields = [
            "id",
            "number",
            "warehouse",
            "status",
            "zone",
            "max_orders",
            "max_lines",
            "released_at",
            "completed_at",
            "route_length_m",
            "sshape_length_m",
            "best_known_length_m",
            "pick_lists",
            "routes",
            "orders",
        ]

    def get_orders(self, obj) -> list[dict]:
        return [
            {"order_number": wr.order_number, "request": wr.request_number, "tote": wr.tote_code}
            for wr in obj.wave_requests.all()
        ]


class CycleCountSerializer(serializers.ModelSerializer):
    """Blind: which bin to count and its state — never the expected quantities."""

    bin = serializers.CharField(source="bin.code")
    zone = serializers.CharField(source="zone.code")

    class Meta:
        model = CycleCount
        fields = [
            "id",
            "bin",
            "zone",
            "abc_class",
            "trigger",
            "status",
            "attempt",
            "task",
            "created_at",
            "applied_at",
        ]


# ---------------------------------------------------------------- command inputs


class WarehouseCodeInputSerializer(serializers.Serializer):
    warehouse = serializers.CharField(help_text="Warehouse code")


class ScanLookupInputSerializer(WarehouseCodeInputSerializer):
    code = serializers.CharField()


class ScanIdMixin(serializers.Serializer):
    scan_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Client-generated id; a retry with the same id changes nothing twice",
    )


class InboundLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)
    lot = serializers.CharField(required=False, allow_blank=True, default="")
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)


class InboundCreateInputSerializer(WarehouseCodeInputSerializer):
    number = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=["asn", "po"], default="asn")
    supplier = serializers.CharField(required=False, allow_blank=True, default="")
    expected_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    lines = InboundLineInputSerializer(many=True, allow_empty=False)


class ReceiveInputSerializer(ScanIdMixin):
    item_code = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)
    bin_code = serializers.CharField(required=False, allow_blank=True, default="")
    damaged = serializers.BooleanField(default=False)
    lot = serializers.CharField(required=False, allow_blank=True, default="")
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)


class PutawayInputSerializer(ScanIdMixin):
    bin_code = serializers.CharField()
    item_code = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class MoveInputSerializer(WarehouseCodeInputSerializer, ScanIdMixin):
    from_bin = serializers.CharField()
    item_code = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)
    to_bin = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Blank with quarantine=true: the quarantine bin",
    )
    lot = serializers.CharField(required=False, allow_blank=True, default="")
    quarantine = serializers.BooleanField(default=False)


class BinBlockInputSerializer(WarehouseCodeInputSerializer):
    bin_code = serializers.CharField()
    blocked = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class WaveCreateInputSerializer(WarehouseCodeInputSerializer):
    max_orders = serializers.IntegerField(min_value=1, default=50)
    max_lines = serializers.IntegerField(min_value=1, default=400)
    zone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Zone code: only requests this zone can serve",
    )
    release = serializers.BooleanField(default=True, help_text="Release at once")


class PickScanBinInputSerializer(serializers.Serializer):
    bin_code = serializers.CharField()


class PickScanItemInputSerializer(PickScanBinInputSerializer):
    item_code = serializers.CharField()


class PickConfirmInputSerializer(PickScanItemInputSerializer, ScanIdMixin):
    quantity = serializers.IntegerField(min_value=1)
    tote_code = serializers.CharField()


class PickShortInputSerializer(PickScanBinInputSerializer, ScanIdMixin):
    quantity_found = serializers.IntegerField(min_value=0)


class PackStartInputSerializer(WarehouseCodeInputSerializer):
    code = serializers.CharField(help_text="Tote code, order number or request number")


class PackItemInputSerializer(ScanIdMixin):
    item_code = serializers.CharField()


class PackBoxInputSerializer(serializers.Serializer):
    box_code = serializers.CharField()


class PackWeightInputSerializer(serializers.Serializer):
    weight_g = serializers.IntegerField(min_value=1)


class PackWeightOverrideInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the weight is acceptable")


class CountEntryInputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="SKU or barcode")
    quantity = serializers.IntegerField(min_value=0)
    lot = serializers.CharField(required=False, allow_blank=True, default="")


class CountSubmitInputSerializer(ScanIdMixin):
    counted = CountEntryInputSerializer(many=True)


class CountApproveInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(default=True)


class CountRequestInputSerializer(WarehouseCodeInputSerializer):
    bin_code = serializers.CharField()
    trigger = serializers.ChoiceField(choices=["manual", "not_empty"], default="manual")


class ReplenishInputSerializer(ScanIdMixin):
    from_bin = serializers.CharField()
    item_code = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)
    to_bin = serializers.CharField()


class ReportQuerySerializer(WarehouseCodeInputSerializer):
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    kind = serializers.CharField(required=False, allow_blank=True, default="")
    period = serializers.ChoiceField(choices=["day", "week", "month"], default="month")
