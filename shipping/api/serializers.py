from rest_framework import serializers

from shipping.models import (
    Carrier,
    Manifest,
    ServiceLevel,
    Shipment,
    ShipmentPackage,
    TrackingEvent,
)


class ServiceLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceLevel
        fields = ["code", "name", "tier", "transit_days", "base_cost", "cost_per_kg", "is_active"]


class CarrierSerializer(serializers.ModelSerializer):
    services = ServiceLevelSerializer(many=True, read_only=True)
    uses_http = serializers.BooleanField(read_only=True)

    class Meta:
        model = Carrier
        fields = ["id", "code", "name", "uses_http", "is_active", "services"]


class PackageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentPackage
        fields = ["sequence", "weight_g", "length_mm", "width_mm", "height_mm"]


class TrackingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrackingEvent
        fields = ["status", "description", "location", "occurred_at", "source", "carrier_event_id"]


class ShipmentSerializer(serializers.ModelSerializer):
    carrier = serializers.CharField(source="carrier.code", read_only=True)
    packages = PackageSerializer(many=True, read_only=True)
    tracking_events = TrackingEventSerializer(many=True, read_only=True)
    manifest_id = serializers.IntegerField(read_only=True, allow_null=True)
    label_pdf_url = serializers.SerializerMethodField()
    label_zpl_url = serializers.SerializerMethodField()

    class Meta:
        model = Shipment
        fields = [
            "id",
            "tracking_number",
            "carrier",
            "service",
            "status",
            "fulfillment_request_id",
            "order_id",
            "warehouse",
            "reference",
            "ship_to",
            "rate_amount",
            "currency",
            "ship_date",
            "promised_by",
            "estimated_delivery_date",
            "shipped_at",
            "delivered_at",
            "voided_at",
            "manifest_id",
            "packages",
            "tracking_events",
            "label_pdf_url",
            "label_zpl_url",
            "created_at",
        ]

    def _url(self, obj: Shipment, name: str) -> str:
        request = self.context.get("request")
        path = f"/api/v1/shipments/{obj.pk}/{name}/"
        return request.build_absolute_uri(path) if request else path

    def get_label_pdf_url(self, obj: Shipment) -> str:
        return self._url(obj, "label-pdf")

    def get_label_zpl_url(self, obj: Shipment) -> str:
        return self._url(obj, "label-zpl")


class AddressInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    company = serializers.CharField(max_length=120, required=False, allow_blank=True)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=60, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", help_text="ISO 3166-1 alpha-2")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class PackageInputSerializer(serializers.Serializer):
    weight_g = serializers.IntegerField(min_value=1)
    length_mm = serializers.IntegerField(min_value=1)
    width_mm = serializers.IntegerField(min_value=1)
    height_mm = serializers.IntegerField(min_value=1)


class RateShopInputSerializer(serializers.Serializer):
    warehouse_id = serializers.IntegerField()
    ship_to = AddressInputSerializer()
    packages = PackageInputSerializer(many=True, allow_empty=False)
    service_level = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text='"standard", "expedited", "overnight", "economy", or "CARRIER:SERVICE"',
    )
    promised_by = serializers.DateField(required=False, allow_null=True, default=None)


class ShipmentCreateInputSerializer(RateShopInputSerializer):
    fulfillment_request_id = serializers.IntegerField(min_value=1)
    order_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    channel_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class RateQuoteSerializer(serializers.Serializer):
    carrier = serializers.CharField(source="carrier_code")
    service = serializers.CharField()
    amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    currency = serializers.CharField()
    transit_days = serializers.IntegerField()
    delivery_date = serializers.DateField()
    meets_promise = serializers.BooleanField()


class RateShopResultSerializer(serializers.Serializer):
    ship_date = serializers.DateField()
    deliver_by = serializers.DateField(allow_null=True)
    chosen = RateQuoteSerializer()
    quotes = RateQuoteSerializer(many=True)
    unavailable_carriers = serializers.ListField(child=serializers.CharField())


class ManifestSerializer(serializers.ModelSerializer):
    carrier = serializers.CharField(source="carrier.code", read_only=True)
    csv_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Manifest
        fields = [
            "id",
            "carrier",
            "warehouse",
            "ship_date",
            "carrier_manifest_id",
            "shipment_count",
            "package_count",
            "total_weight_g",
            "actor",
            "created_at",
            "csv_url",
            "pdf_url",
        ]

    def get_csv_url(self, obj: Manifest) -> str:
        return f"/api/v1/manifests/{obj.pk}/csv/"

    def get_pdf_url(self, obj: Manifest) -> str:
        return f"/api/v1/manifests/{obj.pk}/pdf/"


class ManifestCreateInputSerializer(serializers.Serializer):
    carrier = serializers.SlugRelatedField(
        slug_field="code", queryset=Carrier.objects.filter(is_active=True)
    )
    warehouse_id = serializers.IntegerField()
    ship_date = serializers.DateField(required=False, allow_null=True, default=None)


class WebhookAckSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    recorded = serializers.IntegerField()
    ignored = serializers.BooleanField()
