import django_filters

from common.api.filters import FilterSet
from shipping.models import Manifest, Shipment


class ShipmentFilterSet(FilterSet):
    carrier = django_filters.CharFilter(field_name="carrier__code", lookup_expr="iexact")
    tracking_number = django_filters.CharFilter(lookup_expr="iexact")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    unmanifested = django_filters.BooleanFilter(field_name="manifest", lookup_expr="isnull")

    class Meta:
        model = Shipment
        fields = [
            "status",
            "carrier",
            "tracking_number",
            "order_id",
            "fulfillment_request_id",
            "warehouse",
        ]


class ManifestFilterSet(FilterSet):
    carrier = django_filters.CharFilter(field_name="carrier__code", lookup_expr="iexact")

    class Meta:
        model = Manifest
        fields = ["carrier", "warehouse", "ship_date"]
