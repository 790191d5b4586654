"""Carriers, their service levels, shipments (with packages and labels), tracking events and
end-of-day manifests.

A shipment references the WMS fulfillment request and the order by plain integer ids: shipping
sits above orders in the call graph but keeps its schema independent of orders' migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from shipping.states import ShipmentStatus


class ServiceTier(models.TextChoices):
    ECONOMY = "economy", "Economy"
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"
    OVERNIGHT = "overnight", "Overnight"


class TrackingSource(models.TextChoices):
    POLL = "poll", "Polled"
    WEBHOOK = "webhook", "Webhook"


class Carrier(TimeStampedModel):
    """A parcel carrier account we buy labels from.

    `base_url` is the carrier API endpoint (our mock carrier server in tests and demos). When
    it is blank the in-process carrier is used, so the embedded setup ships without servers.
    """

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    base_url = models.URLField(blank=True, help_text="Carrier API; blank = in-process carrier")
    api_key = models.CharField(max_length=200, blank=True)
    webhook_secret = models.CharField(
        max_length=200, blank=True, help_text="HMAC-SHA256 key of the carrier's tracking webhooks"
    )
    account_number = models.CharField(max_length=40, blank=True)
    timeout_seconds = models.FloatField(default=10.0)
    max_attempts = models.PositiveSmallIntegerField(
        default=4, help_text="Tries per call on 429/5xx/timeouts (exponential backoff)"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def uses_http(self) -> bool:
        return bool(self.base_url)


class ServiceLevel(TimeStampedModel):
    """One service a carrier sells (e.g. GROUND, 2DAY) with its transit time and cost model.

    Cost = base_cost + cost_per_kg × billable kg (max of actual and dimensional weight).
    Quotes from an HTTP carrier are authoritative; this model prices the in-process carrier
    and decides which of the carrier's services we are willing to buy (`is_active`).
    """

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="services")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=120)
    tier = models.CharField(
        max_length=10, choices=ServiceTier.choices, default=ServiceTier.STANDARD
    )
    transit_days = models.PositiveSmallIntegerField(help_text="Business days door to door")
    base_cost = models.DecimalField(max_digits=8, decimal_places=2)
    cost_per_kg = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["carrier", "transit_days", "base_cost"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "code"], name="service_code_unique_per_carrier"
            ),
            models.CheckConstraint(condition=Q(transit_days__gte=1), name="service_transit_gte_1"),
            models.CheckConstraint(condition=Q(base_cost__gte=0), name="service_cost_nonneg"),
            models.CheckConstraint(
                condition=Q(tier__in=ServiceTier.values), name="service_tier_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier.code}:{self.code}"


class Manifest(TimeStampedModel):
    """An end-of-day manifest (SCAN form) handed to one carrier at one warehouse."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="manifests")
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    ship_date = models.DateField()
    carrier_manifest_id = models.CharField(max_length=64, blank=True)
    shipment_count = models.PositiveIntegerField(default=0)
    package_count = models.PositiveIntegerField(default=0)
    total_weight_g = models.PositiveIntegerField(default=0)
    csv_text = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ["-ship_date", "-id"]

    def __str__(self) -> str:
        return f"MAN-{self.pk} {self.carrier.code} {self.ship_date}"

    def pdf_bytes(self) -> bytes:
        return bytes(self.pdf or b"")


class Shipment(TimeStampedModel):
    """One labelled shipment (one or more packages) of a fulfillment request."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    service_level = models.ForeignKey(
        ServiceLevel, on_delete=models.PROTECT, related_name="shipments"
    )
    service = models.CharField(max_length=30, help_text="Carrier service code")
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    fulfillment_request_id = models.BigIntegerField(db_index=True)
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    channel_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.LABEL_PURCHASED
    )
    tracking_number = models.CharField(max_length=64, unique=True)
    carrier_shipment_id = models.CharField(max_length=64, blank=True)
    ship_from = models.JSONField(default=dict)
    ship_to = models.JSONField(default=dict)
    requested_service_level = models.CharField(max_length=40, blank=True)
    rate_amount = models.DecimalField(max_digits=9, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    ship_date = models.DateField()
    promised_by = models.DateField(null=True, blank=True)
    estimated_delivery_date = models.DateField(null=True, blank=True)
    label_pdf = models.BinaryField()
    label_zpl = models.TextField()
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    last_tracked_at = models.DateTimeField(null=True, blank=True)
    manifest = models.ForeignKey(
        Manifest, null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ShipmentStatus.values), name="shipment_status_valid"
            ),
            # One live label per fulfillment request: a retry returns it instead of buying again.
            models.UniqueConstraint(
                fields=["fulfillment_request_id"],
                condition=~Q(status=ShipmentStatus.VOIDED),
                name="shipment_one_live_per_request",
            ),
            models.CheckConstraint(condition=Q(rate_amount__gte=0), name="shipment_rate_nonneg"),
        ]
        indexes = [
            models.Index(fields=["carrier", "status"]),
            models.Index(fields=["warehouse", "carrier", "manifest"]),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_code} {self.tracking_number}"

    @property
    def carrier_code(self) -> str:
        return self.carrier.code

    @property
    def is_voidable(self) -> bool:
        return self.status == ShipmentStatus.LABEL_PURCHASED

    def label_pdf_bytes(self) -> bytes:
        """The 4×6 label as PDF bytes (BinaryField may hand back a memoryview)."""
        return bytes(self.label_pdf)


class ShipmentPackage(models.Model):
    """One box of a shipment, as weighed and measured at the pack station."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="packages")
    sequence = models.PositiveSmallIntegerField()
    weight_g = models.PositiveIntegerField()
    length_mm = models.PositiveIntegerField()
    width_mm = models.PositiveIntegerField()
    height_mm = models.PositiveIntegerField()

    class Meta:
        ordering = ["shipment", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "sequence"], name="package_seq_unique"),
            models.CheckConstraint(condition=Q(weight_g__gt=0), name="package_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}#{self.sequence}"


class TrackingEvent(models.Model):
    """One carrier scan (in transit, out for delivery, delivered, exception) of a shipment.

    Unique per (shipment, carrier event id), so a webhook and a poll that report the same scan
    — or a webhook delivered twice — record it once.
    """

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="tracking_events")
    carrier_event_id = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices)
    description = models.CharField(max_length=255, blank=True)
    location = models.CharField(max_length=120, blank=True)
    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=TrackingSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shipment", "occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "carrier_event_id"], name="tracking_event_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class ShipmentStatusChange(models.Model):
    """History row written by the single status writer: who moved a shipment from → to, and why."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.CharField(max_length=255, blank=True)
    actor = models.CharField(max_length=150)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shipment", "id"]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.from_status} → {self.to_status}"
